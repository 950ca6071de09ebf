package filter

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestCompileNil(t *testing.T) {
	args := []any{"x"}
	sql, got, err := Compile(nil, testSchema, SQLite, args)
	if sql != "1=1" || err != nil || !reflect.DeepEqual(got, args) {
		t.Errorf("Compile(nil) = %q, %v, %v", sql, got, err)
	}
}

func TestCompile(t *testing.T) {
	d2 := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		in     string
		pg     string
		sqlite string // "" when identical to pg
		args   []any
	}{
		{`name eq Acme`, `(p.company_name = $1)`, "", []any{"Acme"}},
		{`name ne "Acme Corp"`, `(p.company_name <> $1)`, "", []any{"Acme Corp"}},
		{`id lt 5`, `(p.id < $1)`, "", []any{int64(5)}},
		{`id le -5`, `(p.id <= $1)`, "", []any{int64(-5)}},
		{`id gt 5`, `(p.id > $1)`, "", []any{int64(5)}},
		{`id ge 5`, `(p.id >= $1)`, "", []any{int64(5)}},
		{`name lt m`, `(p.company_name < $1)`, "", []any{"m"}},
		{`name like 'Ac%'`, `(p.company_name LIKE $1 ESCAPE '\')`, "", []any{"Ac%"}},
		{`name ilike ac%`,
			`(p.company_name ILIKE $1 ESCAPE '\')`,
			`(lower(p.company_name) LIKE lower($1) ESCAPE '\')`,
			[]any{"ac%"}},
		{`name like "50\\%"`, `(p.company_name LIKE $1 ESCAPE '\')`, "", []any{`50\%`}},
		{`flags bit 4`, `((p.flags & $1) <> 0)`, "", []any{int64(4)}},
		{`country_code in ("USA", 'CAN')`, `(p.country_code IN ($1, $2))`, "", []any{"USA", "CAN"}},
		{`id notin (1, 2, 3)`, `(p.id NOT IN ($1, $2, $3))`, "", []any{int64(1), int64(2), int64(3)}},
		{`active eq true`, `(p.active = $1)`, "", []any{true}},
		{`active ne FALSE`, `(p.active <> $1)`, "", []any{false}},
		{`active in (1, 0)`, `(p.active IN ($1, $2))`, "", []any{true, false}},
		{`created_at ge 2024-01-02`, `(p.created_at >= $1)`, "", []any{d2}},
		{`created_at lt "2024-01-02 03:04:05"`, `(p.created_at < $1)`, "", []any{d2.Add(3*time.Hour + 4*time.Minute + 5*time.Second)}},
		{`created_at gt 2024-01-02T03:04:05.5+02:00`, `(p.created_at > $1)`, "", []any{d2.Add(time.Hour + 4*time.Minute + 5*time.Second + 500*time.Millisecond)}},
		{`created_at eq 2024-01-02T00:00:00Z`, `(p.created_at = $1)`, "", []any{d2}},
		{`balance ge 351.52`, `(p.balance >= $1)`, "", []any{int64(3515200)}},
		{`balance in (1, -0.0001)`, `(p.balance IN ($1, $2))`, "", []any{int64(10000), int64(-1)}},
		{`deleted_at eq null`, `(p.deleted_at IS NULL)`, "", nil},
		{`deleted_at ne NULL`, `(p.deleted_at IS NOT NULL)`, "", nil},
		{`country_code eq "null"`, `(p.country_code = $1)`, "", []any{"null"}},
		{`name eq "null"`, `(p.company_name = $1)`, "", []any{"null"}},
		{`attributes.tier eq gold`,
			`(jsonb_extract_path_text(p.attributes, $1) = $2)`,
			`((CASE json_type(p.attributes, $1) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(p.attributes, $1) AS TEXT) END) = $2)`,
			nil}, // args differ by dialect: checked in TestCompileJSONArgs
		{`name eq x and id eq 1 and active eq 1`,
			`((p.company_name = $1) AND (p.id = $2) AND (p.active = $3))`, "",
			[]any{"x", int64(1), true}},
		{`name eq x or id eq 1 and active eq 1`,
			`((p.company_name = $1) OR ((p.id = $2) AND (p.active = $3)))`, "",
			[]any{"x", int64(1), true}},
		{`(name eq x or id eq 1) and active eq 1`,
			`(((p.company_name = $1) OR (p.id = $2)) AND (p.active = $3))`, "",
			[]any{"x", int64(1), true}},
		{`name eq x or (id eq 1 or id eq 2)`,
			`((p.company_name = $1) OR (p.id = $2) OR (p.id = $3))`, "",
			[]any{"x", int64(1), int64(2)}},
		{`not name eq x and not (id eq 1 or deleted_at eq null)`,
			`((NOT (p.company_name = $1)) AND (NOT ((p.id = $2) OR (p.deleted_at IS NULL))))`, "",
			[]any{"x", int64(1)}},
		{`not not active eq 1`, `(NOT (NOT (p.active = $1)))`, "", []any{true}},
		{`name eq "'; DROP TABLE partners; --"`, `(p.company_name = $1)`, "", []any{"'; DROP TABLE partners; --"}},
	}
	for _, tt := range tests {
		e, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		for _, d := range []struct {
			name string
			d    Dialect
			want string
		}{{"postgres", Postgres, tt.pg}, {"sqlite", SQLite, tt.sqlite}} {
			if d.want == "" {
				d.want = tt.pg
			}
			sql, args, err := Compile(e, testSchema, d.d, nil)
			if err != nil {
				t.Errorf("%s: Compile(%q): %v", d.name, tt.in, err)
				continue
			}
			if sql != d.want {
				t.Errorf("%s: Compile(%q)\n got %s\nwant %s", d.name, tt.in, sql, d.want)
			}
			if tt.args != nil && !reflect.DeepEqual(args, tt.args) {
				t.Errorf("%s: Compile(%q) args = %#v, want %#v", d.name, tt.in, args, tt.args)
			}
		}
	}
}

func TestCompileJSONArgs(t *testing.T) {
	e, err := Parse(`attributes.a.b-c.1 ne x and settings.k like 'y%'`)
	if err != nil {
		t.Fatal(err)
	}
	pre := []any{"tenant", 7}
	sql, args, err := Compile(e, testSchema, Postgres, pre)
	if err != nil {
		t.Fatal(err)
	}
	wantSQL := `((jsonb_extract_path_text(p.attributes, $3, $4, $5) <> $6) AND (jsonb_extract_path_text(p.settings, $7) LIKE $8 ESCAPE '\'))`
	wantArgs := []any{"tenant", 7, "a", "b-c", "1", "x", "k", "y%"}
	if sql != wantSQL || !reflect.DeepEqual(args, wantArgs) {
		t.Errorf("postgres:\n got %s %#v\nwant %s %#v", sql, args, wantSQL, wantArgs)
	}

	sql, args, err = Compile(e, testSchema, SQLite, pre)
	if err != nil {
		t.Fatal(err)
	}
	text := func(col, p string) string {
		return "(CASE json_type(" + col + ", " + p + ") WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(json_extract(" + col + ", " + p + ") AS TEXT) END)"
	}
	wantSQL = "((" + text("p.attributes", "$3") + " <> $4) AND (" + text("p.settings", "$5") + ` LIKE $6 ESCAPE '\'))`
	wantArgs = []any{"tenant", 7, `$."a"."b-c"."1"`, "x", `$."k"`, "y%"}
	if sql != wantSQL || !reflect.DeepEqual(args, wantArgs) {
		t.Errorf("sqlite:\n got %s %#v\nwant %s %#v", sql, args, wantSQL, wantArgs)
	}

	// JSON paths may be compared with null whatever the schema says.
	e, _ = Parse(`attributes.tier eq null`)
	sql, args, err = Compile(e, testSchema, Postgres, nil)
	if want := `(jsonb_extract_path_text(p.attributes, $1) IS NULL)`; err != nil || sql != want || !reflect.DeepEqual(args, []any{"tier"}) {
		t.Errorf("json null: %q %v %v", sql, args, err)
	}
}

func TestSQLitePathEscaping(t *testing.T) {
	// Keys from Parse never contain quotes or backslashes; the dialect
	// escapes them anyway for callers that pass other keys.
	var got any
	SQLite.JSONText("c", []string{`a"b`, `c\d`}, func(v any) string { got = v; return "$1" })
	if want := `$."a\"b"."c\\d"`; got != want {
		t.Errorf("path = %q, want %q", got, want)
	}
}

func TestCompileErrors(t *testing.T) {
	allowed := "active, attributes.<key>, balance, country_code, created_at, deleted_at, flags, id, name, settings.<key>"
	tests := []struct {
		in    string
		pos   int
		field string
		msg   string // substring
	}{
		{`foo eq 1`, 0, "foo", "unknown field (allowed: " + allowed + ")"},
		{`id eq 1 and Name eq x`, 12, "Name", "unknown field"},
		{`foo.bar eq 1`, 0, "foo.bar", "unknown field"},
		{`name.first eq x`, 0, "name.first", `"name" has no sub-fields`},
		{`attributes eq x`, 0, "attributes", "a JSON field needs a key, e.g. attributes.key"},
		{`id like 1%`, 0, "id", `operator "like" is not allowed on integer fields`},
		{`created_at ilike 2024%`, 0, "created_at", `operator "ilike" is not allowed on time fields`},
		{`active lt 1`, 0, "active", `operator "lt" is not allowed on boolean fields`},
		{`name bit 1`, 0, "name", `operator "bit" is not allowed on string fields`},
		{`balance bit 1`, 0, "balance", `operator "bit" is not allowed on decimal fields`},
		{`attributes.x bit 1`, 0, "attributes.x", `not allowed on JSON fields`},
		{`id eq abc`, 6, "id", `invalid value "abc": not an integer`},
		{`id eq 1.5`, 6, "id", `invalid value "1.5": not an integer`},
		{`id eq 99999999999999999999`, 6, "id", `integer out of range`},
		{`id in (1, two)`, 10, "id", `invalid value "two"`},
		{`active eq yes`, 10, "active", `not a boolean`},
		{`created_at gt yesterday`, 14, "created_at", `not a time`},
		{`created_at gt 2024-13-01`, 14, "created_at", `not a time`},
		{`balance eq 1.23456`, 11, "balance", `invalid value "1.23456": not an amount`},
		{`name eq null`, 8, "name", `field is never null`},
		{`id ne null`, 6, "id", `field is never null`},
		{`country_code lt null`, 16, "country_code", `null is only allowed with eq or ne`},
		{`country_code like null`, 18, "country_code", `null is only allowed with eq or ne`},
		{`country_code in (a, null)`, 20, "country_code", `null is only allowed with eq or ne`},
		{`name like abc\`, 10, "name", `ends with the escape character`},
		{`name ilike "a\\\\\\"`, 11, "name", `ends with the escape character`},
	}
	for _, tt := range tests {
		e, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		for _, d := range []Dialect{Postgres, SQLite} {
			pre := []any{"keep"}
			sql, args, err := Compile(e, testSchema, d, pre)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Errorf("Compile(%q) = %q, %v; want *Error", tt.in, sql, err)
				continue
			}
			if fe.Pos != tt.pos || fe.Field != tt.field || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("Compile(%q) error = {%d %q %q}; want {%d %q ...%q...}", tt.in, fe.Pos, fe.Field, fe.Msg, tt.pos, tt.field, tt.msg)
			}
			if sql != "" || len(args) != 1 {
				t.Errorf("Compile(%q) error returned sql %q args %v", tt.in, sql, args)
			}
		}
	}

	// A like pattern ending in an escaped backslash is fine.
	e, _ := Parse(`name like 'a\\\\'`)
	if _, _, err := Compile(e, testSchema, Postgres, nil); err != nil {
		t.Errorf("escaped trailing backslash: %v", err)
	}
}

func TestCompileSchemaMistakes(t *testing.T) {
	bad := Schema{
		"amount":  {Column: "t.amount", Type: Decimal},
		"nocol":   {Type: String},
		"notype":  {Column: "t.x"},
		"badtype": {Column: "t.y", Type: Type(99)},
	}
	for _, in := range []string{`amount eq 1`, `nocol eq 1`, `notype eq 1`, `badtype eq 1`} {
		e, _ := Parse(in)
		_, _, err := Compile(e, bad, Postgres, nil)
		var fe *Error
		if !errors.As(err, &fe) || !strings.Contains(fe.Msg, "not filterable") {
			t.Errorf("Compile(%q) = %v; want not filterable", in, err)
		}
	}
	e, _ := Parse(`x eq 1`)
	if _, _, err := Compile(e, nil, Postgres, nil); err == nil || !strings.Contains(err.Error(), "allowed: none") {
		t.Errorf("nil schema: %v", err)
	}
	if _, _, err := Compile(e, testSchema, nil, nil); err == nil {
		t.Error("nil dialect accepted")
	}
}

func TestCompileHandBuilt(t *testing.T) {
	ok := &Cond{Field: "id", Op: Eq, Values: []Value{{Text: "1"}}}
	cyclic := &Not{}
	cyclic.X = cyclic
	cyclicAnd := &And{Left: ok}
	cyclicAnd.Right = cyclicAnd
	many := Expr(ok)
	for i := 0; i < MaxConditions; i++ {
		many = &Or{Left: ok, Right: many}
	}
	for name, e := range map[string]Expr{
		"nil left":        &And{Right: ok},
		"nil right":       &Or{Left: ok},
		"nil not":         &Not{},
		"typed nil cond":  (*Cond)(nil),
		"typed nil and":   &And{Left: (*And)(nil), Right: ok},
		"typed nil or":    (*Or)(nil),
		"typed nil not":   (*Not)(nil),
		"zero op":         &Cond{Field: "id", Values: []Value{{Text: "1"}}},
		"bad op":          &Cond{Field: "id", Op: Op(42), Values: []Value{{Text: "1"}}},
		"no value":        &Cond{Field: "id", Op: Eq},
		"two values":      &Cond{Field: "id", Op: Eq, Values: []Value{{Text: "1"}, {Text: "2"}}},
		"empty list":      &Cond{Field: "id", Op: In},
		"long list":       &Cond{Field: "id", Op: In, Values: make([]Value, MaxListItems+1)},
		"bad json key":    &Cond{Field: `attributes.a"b`, Op: Eq, Values: []Value{{Text: "1"}}},
		"empty json key":  &Cond{Field: `attributes.`, Op: Eq, Values: []Value{{Text: "1"}}},
		"cyclic not":      cyclic,
		"cyclic and":      cyclicAnd,
		"many conditions": many,
	} {
		sql, _, err := Compile(e, testSchema, SQLite, nil)
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("%s: Compile = %q, %v; want *Error", name, sql, err)
		}
	}
}
