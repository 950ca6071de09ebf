package filter

import (
	"reflect"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		// Every operator, keywords in any case.
		{`name eq Acme`, `name eq Acme`},
		{`name ne Acme`, `name ne Acme`},
		{`id lt 5`, `id lt 5`},
		{`id le 5`, `id le 5`},
		{`id gt 5`, `id gt 5`},
		{`id ge 5`, `id ge 5`},
		{`name like Ac%`, `name like Ac%`},
		{`name ilike a_me`, `name ilike a_me`},
		{`flags bit 4`, `flags bit 4`},
		{`country_code in ("USA","CAN")`, `country_code in ["USA" "CAN"]`},
		{`status in (active, suspended)`, `status in [active suspended]`},
		{`status notin(active,suspended)`, `status notin [active suspended]`},
		{`x notin ( 'a b' , c )`, `x notin ["a b" c]`},
		{`x in (one)`, `x in [one]`},
		{`Name EQ x`, `Name eq x`},
		{`name Like x`, `name like x`},
		{`name ILIKE x`, `name ilike x`},
		{`s NotIn (a)`, `s notin [a]`},

		// Quoting.
		{`name eq "Acme Corp"`, `name eq "Acme Corp"`},
		{`name eq 'Acme Corp'`, `name eq "Acme Corp"`},
		{`name eq 'O''Brien'`, `name eq "O'Brien"`},
		{`name eq "say ""hi"""`, `name eq "say \"hi\""`},
		{`name eq 'O\'Brien'`, `name eq "O'Brien"`},
		{`name eq "a\"b"`, `name eq "a\"b"`},
		{`name eq "a\\b"`, `name eq "a\\b"`},
		{`name eq 'it"s'`, `name eq "it\"s"`},
		{`name eq "it's"`, `name eq "it's"`},
		{`name like "50\%"`, `name like "50\\%"`},
		{`name like 50\%`, `name like 50\%`},
		{`name eq ""`, `name eq ""`},
		{`name eq "  spaced  out  "`, `name eq "  spaced  out  "`},
		{`name eq"x"`, `name eq "x"`},
		{`name eq Zoë`, `name eq Zoë`},
		{`email eq a@b.c`, `email eq a@b.c`},
		{`balance ge -3.5`, `balance ge -3.5`},
		{`created_at gt 2024-01-01T00:00:00Z`, `created_at gt 2024-01-01T00:00:00Z`},
		{`name eq a=b;--`, `name eq a=b;--`},

		// Values that look like keywords stay values.
		{`name eq and`, `name eq and`},
		{`name eq "and"`, `name eq "and"`},
		{`name in (or, not)`, `name in [or not]`},

		// Dotted fields.
		{`attributes.tier eq gold`, `attributes.tier eq gold`},
		{`attributes.a.b eq x`, `attributes.a.b eq x`},
		{`attributes.some-key.0 eq x`, `attributes.some-key.0 eq x`},
		{`_x.Y_1 eq x`, `_x.Y_1 eq x`},

		// Precedence: not > and > or; parentheses group.
		{`a eq 1 and b eq 2`, `(a eq 1 and b eq 2)`},
		{`a eq 1 and b eq 2 and c eq 3`, `((a eq 1 and b eq 2) and c eq 3)`},
		{`a eq 1 or b eq 2 and c eq 3`, `(a eq 1 or (b eq 2 and c eq 3))`},
		{`a eq 1 and b eq 2 or c eq 3`, `((a eq 1 and b eq 2) or c eq 3)`},
		{`not a eq 1 and b eq 2`, `((not a eq 1) and b eq 2)`},
		{`not not a eq 1`, `(not (not a eq 1))`},
		{`(a eq 1 or b eq 2) and c eq 3`, `((a eq 1 or b eq 2) and c eq 3)`},
		{`not (a eq 1 or b eq 2)`, `(not (a eq 1 or b eq 2))`},
		{`a eq 1 AND b eq 2 Or NOT c eq 3`, `((a eq 1 and b eq 2) or (not c eq 3))`},
		{`((a eq 1))`, `a eq 1`},
		{"\ta eq 1\n\tand\r\nb eq 2 ", `(a eq 1 and b eq 2)`},

		// null.
		{`deleted_at eq null`, `deleted_at eq null`},
		{`deleted_at ne NULL`, `deleted_at ne NULL`},
		{`name eq "null"`, `name eq "null"`},
	}
	for _, tt := range tests {
		e, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := show(e); got != tt.want {
			t.Errorf("Parse(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseBlank(t *testing.T) {
	for _, in := range []string{"", " ", "\t\n", "\u00a0"} {
		e, err := Parse(in)
		if e != nil || err != nil {
			t.Errorf("Parse(%q) = %v, %v; want nil, nil", in, e, err)
		}
	}
}

func TestParsePositions(t *testing.T) {
	e, err := Parse(`  name  eq  "x y" and s in (a, 'b')`)
	if err != nil {
		t.Fatal(err)
	}
	want := &And{
		Left: &Cond{Field: "name", Op: Eq, Pos: 2, Values: []Value{{Text: "x y", Quoted: true, Pos: 12}}},
		Right: &Cond{Field: "s", Op: In, Pos: 22, Values: []Value{
			{Text: "a", Pos: 28},
			{Text: "b", Quoted: true, Pos: 31},
		}},
	}
	if !reflect.DeepEqual(e, want) {
		t.Errorf("got %#v\nwant %#v", e, want)
	}
}

func TestValueIsNull(t *testing.T) {
	for _, tt := range []struct {
		v    Value
		want bool
	}{
		{Value{Text: "null"}, true},
		{Value{Text: "NULL"}, true},
		{Value{Text: "Null"}, true},
		{Value{Text: "null", Quoted: true}, false},
		{Value{Text: "nil"}, false},
		{Value{Text: ""}, false},
	} {
		if got := tt.v.IsNull(); got != tt.want {
			t.Errorf("%+v.IsNull() = %v", tt.v, got)
		}
	}
}

func TestOpString(t *testing.T) {
	want := []string{"eq", "ne", "lt", "le", "gt", "ge", "like", "ilike", "in", "notin", "bit"}
	for i, w := range want {
		o := Eq + Op(i)
		if o.String() != w {
			t.Errorf("Op %d String = %q, want %q", int(o), o.String(), w)
		}
		if got, ok := lookupOp(strings.ToUpper(w)); !ok || got != o {
			t.Errorf("lookupOp(%q) = %v, %v", strings.ToUpper(w), got, ok)
		}
	}
	if s := Op(0).String(); s != "Op(0)" {
		t.Errorf("Op(0).String() = %q", s)
	}
}
