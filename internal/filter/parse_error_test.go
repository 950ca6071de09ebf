package filter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// chain returns n conditions joined by and.
func chain(n int) string {
	conds := make([]string, n)
	for i := range conds {
		conds[i] = fmt.Sprintf("f%d eq %d", i, i)
	}
	return strings.Join(conds, " and ")
}

func TestParseErrors(t *testing.T) {
	list := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = "v"
		}
		return "s in (" + strings.Join(items, ",") + ")"
	}
	tests := []struct {
		name string
		in   string
		pos  int
		msg  string // substring of the message
	}{
		{"missing value", `name eq`, 7, `expected a value after "eq", found end of filter`},
		{"missing value, trailing blank", `name eq  `, 9, `expected a value`},
		{"missing value before and", `name eq ) and x eq 1`, 8, `expected a value after "eq", found ")"`},
		{"missing operator", `name`, 4, `expected an operator after "name"`},
		{"operator is quoted", `name "eq" x`, 5, `expected an operator`},
		{"unknown operator", `name equals x`, 5, `unknown operator "equals"`},
		{"symbolic operator", `id = 5`, 3, `unknown operator "="`},
		{"unterminated double quote", `name eq "abc`, 8, `unterminated quoted value`},
		{"unterminated single quote", `name eq 'abc`, 8, `unterminated quoted value`},
		{"escaped closing quote", `name eq 'abc\'`, 8, `unterminated quoted value`},
		{"doubled closing quote", `name eq 'abc''`, 8, `unterminated quoted value`},
		{"unterminated in list", `s in ("a, b)`, 6, `unterminated quoted value`},
		{"unclosed paren", `(name eq x`, 0, `unclosed "("`},
		{"unclosed inner paren", `(a eq 1 or (b eq 2)`, 0, `unclosed "("`},
		{"extra close paren", `name eq x)`, 9, `expected "and", "or" or end of filter, found ")"`},
		{"extra close paren after group", `(a eq 1))`, 8, `found ")"`},
		{"lone close paren", `)`, 0, `expected a condition, found ")"`},
		{"empty parens", `()`, 1, `expected a condition, found ")"`},
		{"garbage in group", `(a eq 1 b)`, 8, `expected "and", "or" or ")", found "b"`},
		{"trailing word", `name eq x y`, 10, `expected "and", "or" or end of filter, found "y"`},
		{"trailing quoted", `name eq x "y"`, 10, `found quoted value "y"`},
		{"trailing comma", `name eq x,`, 9, `found ","`},
		{"glued quote", `name eq ab"c"`, 10, `found quoted value "c"`},
		{"dangling and", `a eq 1 and`, 10, `expected a condition, found end of filter`},
		{"dangling not", `not`, 3, `expected a condition, found end of filter`},
		{"double and", `a eq 1 and and b eq 2`, 11, `expected a condition, found keyword "and"`},
		{"and or", `a eq 1 and or b eq 2`, 11, `found keyword "or"`},
		{"keyword field", `or eq 1`, 0, `found keyword "or"`},
		{"quoted field", `"name" eq x`, 0, `expected a condition, found quoted value "name"`},
		{"field starts with digit", `1abc eq x`, 0, `invalid field name "1abc"`},
		{"hyphen in field head", `a-b eq x`, 0, `invalid field name "a-b"`},
		{"empty key", `attributes..x eq 1`, 0, `invalid field name`},
		{"trailing dot", `attributes. eq 1`, 0, `invalid field name`},
		{"odd char in field", `na$me eq 1`, 0, `invalid field name`},
		{"empty in", `s in ()`, 6, `empty list after "in"`},
		{"empty notin", `s notin ( )`, 10, `empty list after "notin"`},
		{"in without list", `s in a`, 5, `expected "(" after "in", found "a"`},
		{"in at end", `s in`, 4, `expected "(" after "in", found end of filter`},
		{"in trailing comma", `s in (a,)`, 8, `expected a value after "in", found ")"`},
		{"in double comma", `s in (a,,b)`, 8, `found ","`},
		{"in missing comma", `s in (a b)`, 8, `expected "," or ")", found "b"`},
		{"in unclosed", `s in (a, b`, 5, `unclosed "("`},
		{"in unclosed after comma", `s in (a,`, 5, `unclosed "("`},
		{"in nested paren", `s in ((a))`, 6, `expected a value after "in", found "("`},
		{"list too long", list(MaxListItems + 1), 6 + 2*MaxListItems, `more than 100 values in list`},
		{"too deep parens", strings.Repeat("(", MaxDepth+1) + "a eq 1" + strings.Repeat(")", MaxDepth+1), MaxDepth, `nested deeper than 32 levels`},
		{"too deep nots", strings.Repeat("not ", MaxDepth+1) + "a eq 1", 4 * MaxDepth, `nested deeper than 32 levels`},
		{"too deep mixed", strings.Repeat("not (", MaxDepth/2) + "not a eq 1" + strings.Repeat(")", MaxDepth/2), 5 * MaxDepth / 2, `nested deeper`},
		{"too long", "name eq " + strings.Repeat("x", MaxLength-7), MaxLength, `longer than 4096 bytes`},
		{"too many conditions", chain(MaxConditions + 1), len(chain(MaxConditions)) + len(" and "), `more than 64 conditions`},
		{"invalid UTF-8", "name eq \xff", 8, `invalid UTF-8`},
		{"NUL byte", "name eq a\x00b", 9, `NUL byte`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.in)
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("Parse(%q) = %s, %v; want *Error", tt.in, show(e), err)
			}
			if e != nil {
				t.Errorf("Parse returned a tree with an error: %s", show(e))
			}
			if fe.Pos != tt.pos || !strings.Contains(fe.Msg, tt.msg) {
				t.Errorf("Parse(%.60q) error = pos %d %q; want pos %d containing %q", tt.in, fe.Pos, fe.Msg, tt.pos, tt.msg)
			}
			if fe.Field != "" {
				t.Errorf("parse error has Field %q", fe.Field)
			}
		})
	}
}

// TestParseAtLimits checks that each limit is inclusive: inputs exactly at
// a limit parse (and compile, so Compile's own guards agree with Parse's).
func TestParseAtLimits(t *testing.T) {
	items := make([]string, MaxListItems)
	for i := range items {
		items[i] = fmt.Sprint(i)
	}
	deepest := strings.Repeat("not ", MaxDepth) + "f0 eq 1 and " + chain(MaxConditions-1)
	schema := Schema{}
	for i := 0; i < MaxConditions; i++ {
		schema[fmt.Sprintf("f%d", i)] = Field{Column: fmt.Sprintf("t.f%d", i), Type: Int}
	}
	for _, in := range []string{
		"f0 eq " + strings.Repeat("1", MaxLength-6),
		strings.Repeat("(", MaxDepth) + "f0 eq 1" + strings.Repeat(")", MaxDepth),
		deepest,
		chain(MaxConditions),
		"f0 in (" + strings.Join(items, ",") + ")",
	} {
		e, err := Parse(in)
		if err != nil {
			t.Errorf("Parse(%.60q...): %v", in, err)
			continue
		}
		if len(in) == MaxLength {
			continue // the 4 KiB number does not fit an int64
		}
		if _, _, err := Compile(e, schema, Postgres, nil); err != nil {
			t.Errorf("Compile(%.60q...): %v", in, err)
		}
	}
}

func TestErrorString(t *testing.T) {
	for _, tt := range []struct {
		err  *Error
		want string
	}{
		{&Error{Pos: 12, Msg: `unknown operator "equals"`}, `filter: at position 12: unknown operator "equals"`},
		{&Error{Pos: -1, Field: "foo", Msg: "unknown field"}, `filter: field "foo": unknown field`},
		{&Error{Pos: 0, Field: "foo", Msg: "unknown field"}, `filter: at position 0: field "foo": unknown field`},
		{&Error{Pos: -1, Msg: "x"}, `filter: x`},
	} {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	_, err := Parse("name equals x")
	if got, want := err.Error(), `filter: at position 5: unknown operator "equals"`; got != want {
		t.Errorf("Parse error = %q, want %q", got, want)
	}
	_, err = Parse("name eq " + strings.Repeat("é", 100) + " x")
	if len(err.Error()) > 120 {
		t.Errorf("error repeats too much user text: %q", err)
	}
}
