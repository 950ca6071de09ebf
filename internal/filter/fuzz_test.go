package filter

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var fuzzSeeds = []string{
	``,
	`   `,
	`name eq Acme`,
	`name eq "Acme Corp" and country_code in ("USA","CAN")`,
	`status in (active, suspended)`,
	`name like 'Ac%' or name ilike "%corp"`,
	`name eq 'O''Brien' and name ne "say ""hi"""`,
	`name eq 'O\'Brien' or name eq "a\"b\\c"`,
	`name like "50\%" and name like 50\\%`,
	`attributes.tier eq gold and attributes.a.b ne x`,
	`attributes.some-key.0 eq null or settings.max gt 5`,
	`settings.on eq true and settings.k ilike 'v%'`,
	`not (id lt 5 or id ge 10) and flags bit 4`,
	`NOT id eq 1 AND active EQ TRUE OR deleted_at NE NULL`,
	`deleted_at eq null and country_code ne null`,
	`country_code eq "null"`,
	`created_at ge 2024-01-02 and created_at lt "2024-01-02 03:04:05"`,
	`created_at gt 2024-01-02T03:04:05.123456789+02:00`,
	`balance ge 351.52 and balance notin (1, -0.0001)`,
	`id in (1, 2, 3) and active in (1, 0, true, FALSE)`,
	`((id eq 1)) or (not (name eq x and (id eq 2)))`,
	`name eq "'; DROP TABLE partners; --"`,
	`name eq ") OR 1=1 --"`,
	`name eq $1 and id eq 1`,
	`p.company_name eq x`,
	`name eq x y`,
	`name equals x`,
	`name eq "unterminated`,
	`(name eq x`,
	`name eq x)`,
	`s in ()`,
	`s in (a,`,
	`id like 1%`,
	`name eq null`,
	`name like abc\`,
	"name eq \xff",
	"name\teq\u00a0x",
	strings.Repeat("(", MaxDepth+1) + "id eq 1" + strings.Repeat(")", MaxDepth+1),
	strings.Repeat("not ", MaxDepth) + "id eq 1",
	chain(MaxConditions),
}

// sqlToken matches one token of compiled SQL.
var sqlToken = regexp.MustCompile(`^(?:\s+|\$[0-9]+|'[^']*'|[A-Za-z_][A-Za-z0-9_.]*|<>|<=|>=|[=<>&(),]|[0-9]+)`)

// sqlWords is every identifier or keyword compiled SQL may contain besides
// the schema's columns: the fixed vocabulary of Compile and both dialects.
var sqlWords = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IN": true, "IS": true, "NULL": true,
	"LIKE": true, "ILIKE": true, "ESCAPE": true,
	"CASE": true, "WHEN": true, "THEN": true, "ELSE": true, "END": true,
	"CAST": true, "AS": true, "TEXT": true,
	"lower": true, "json_type": true, "json_extract": true, "jsonb_extract_path_text": true,
}

var sqlLiterals = map[string]bool{`'\'`: true, `'true'`: true, `'false'`: true, `0`: true}

// checkSQL asserts that sql consists only of schema columns, the fixed
// vocabulary, operators, punctuation and placeholders, and that its
// distinct placeholders are exactly $pre+1..$len(args).
func checkSQL(t *testing.T, s Schema, sql string, args []any, pre int) {
	t.Helper()
	columns := map[string]bool{}
	for _, f := range s {
		columns[f.Column] = true
	}
	seen := map[int]bool{}
	rest := sql
	for rest != "" {
		tok := sqlToken.FindString(rest)
		if tok == "" {
			t.Fatalf("unexpected text %q in SQL %s", rest, sql)
		}
		rest = rest[len(tok):]
		switch c := tok[0]; {
		case c == '$':
			n, err := strconv.Atoi(tok[1:])
			if err != nil || n <= pre || n > len(args) {
				t.Fatalf("placeholder %s out of range (pre %d, %d args) in %s", tok, pre, len(args), sql)
			}
			seen[n] = true
		case c == '\'' || c >= '0' && c <= '9':
			if !sqlLiterals[tok] {
				t.Fatalf("literal %s in SQL %s", tok, sql)
			}
		case c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
			if !sqlWords[tok] && !columns[tok] {
				t.Fatalf("word %q is neither a column nor a keyword in SQL %s", tok, sql)
			}
		}
	}
	if len(seen) != len(args)-pre {
		t.Fatalf("%d distinct placeholders for %d args in %s", len(seen), len(args)-pre, sql)
	}
}

// canonical returns a copy of e with every value replaced by a fixed valid
// literal of its field's type (nulls kept). Compiling it must give the same
// SQL as e: the SQL text depends on the tree's shape, never on user text.
func canonical(e Expr, s Schema) Expr {
	switch x := e.(type) {
	case *And:
		return &And{Left: canonical(x.Left, s), Right: canonical(x.Right, s)}
	case *Or:
		return &Or{Left: canonical(x.Left, s), Right: canonical(x.Right, s)}
	case *Not:
		return &Not{X: canonical(x.X, s)}
	case *Cond:
		f, ok := s[x.Field]
		if !ok {
			head, _, _ := strings.Cut(x.Field, ".")
			f = s[head]
		}
		lit := map[Type]string{Int: "7", Bool: "true", Time: "2020-01-01", Decimal: "1.5"}[f.Type]
		if lit == "" || x.Op == Like || x.Op == ILike {
			lit = "zz"
		}
		c := *x
		c.Values = make([]Value, len(x.Values))
		for i, v := range x.Values {
			if v.IsNull() {
				c.Values[i] = v
			} else {
				c.Values[i] = Value{Text: lit, Quoted: true, Pos: v.Pos}
			}
		}
		return &c
	}
	return e
}

// checkTree asserts that a parsed tree respects the limits and that every
// position points at what it claims to.
func checkTree(t *testing.T, src string, e Expr) {
	t.Helper()
	conds := 0
	var walk func(e Expr)
	walk = func(e Expr) {
		switch x := e.(type) {
		case *And:
			walk(x.Left)
			walk(x.Right)
		case *Or:
			walk(x.Left)
			walk(x.Right)
		case *Not:
			walk(x.X)
		case *Cond:
			conds++
			if !strings.HasPrefix(src[x.Pos:], x.Field) || !validField(x.Field) || !x.Op.valid() {
				t.Fatalf("bad condition %+v in %q", x, src)
			}
			n := len(x.Values)
			if x.Op.isList() && (n < 1 || n > MaxListItems) || !x.Op.isList() && n != 1 {
				t.Fatalf("%d values for %s in %q", n, x.Op, src)
			}
			for _, v := range x.Values {
				if v.Quoted && src[v.Pos] != '"' && src[v.Pos] != '\'' ||
					!v.Quoted && !strings.HasPrefix(src[v.Pos:], v.Text) {
					t.Fatalf("value %+v not at its position in %q", v, src)
				}
			}
		default:
			t.Fatalf("unexpected node %T", e)
		}
	}
	walk(e)
	if conds > MaxConditions {
		t.Fatalf("%d conditions", conds)
	}
}

func FuzzParseCompile(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || e != nil {
				t.Fatalf("Parse(%q) = %v, %v", src, e, err)
			}
			if fe.Pos < 0 || fe.Pos > len(src) || fe.Field != "" {
				t.Fatalf("Parse(%q) error %+v out of range", src, fe)
			}
			return
		}
		if e == nil {
			if strings.TrimSpace(src) != "" {
				t.Fatalf("Parse(%q) = nil, nil for non-blank input", src)
			}
			return
		}
		checkTree(t, src, e)
		for _, d := range []Dialect{SQLite, Postgres} {
			pre := []any{"tenant"}
			sql, args, err := Compile(e, testSchema, d, pre)
			if err != nil {
				var fe *Error
				if !errors.As(err, &fe) || sql != "" || len(args) != 1 {
					t.Fatalf("Compile(%q) = %q, %v, %v", src, sql, args, err)
				}
				continue
			}
			checkSQL(t, testSchema, sql, args, 1)
			sql2, args2, err := Compile(canonical(e, testSchema), testSchema, d, pre)
			if err != nil || sql2 != sql || len(args2) != len(args) {
				t.Fatalf("SQL depends on values: %q gave\n%s (%d args)\ncanonical gave\n%s (%d args) %v", src, sql, len(args), sql2, len(args2), err)
			}
		}
	})
}
