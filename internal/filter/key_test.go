package filter

import "testing"

func TestKeyIdentifiesMeaning(t *testing.T) {
	mustKey := func(s string) string {
		t.Helper()
		e, err := Parse(s)
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		return Key(e)
	}
	same := [][2]string{
		{`name eq Bob`, `name  eq   Bob`},
		{`name eq "Bob Jr"`, `name eq 'Bob Jr'`},
		{`a eq 1 and b eq 2`, `(a eq 1) and (b eq 2)`},
		{`x in ("a","b")`, `x in ( "a" , "b" )`},
	}
	for _, p := range same {
		if a, b := mustKey(p[0]), mustKey(p[1]); a != b {
			t.Errorf("%q and %q: keys differ: %s vs %s", p[0], p[1], a, b)
		}
	}
	differ := [][2]string{
		{`name eq Bob`, `name eq bob`},
		{`name eq Bob`, `name ne Bob`},
		{`name eq Bob`, `nam eq Bob`},
		{`name eq null`, `name eq "null"`},
		{`a eq 1 and b eq 2`, `a eq 1 or b eq 2`},
		{`a eq 1 and b eq 2`, `b eq 2 and a eq 1`},
		{`not a eq 1`, `a eq 1`},
		{`a eq 1 and (b eq 2 or c eq 3)`, `(a eq 1 and b eq 2) or c eq 3`},
		{`x in ("a,b")`, `x in ("a","b")`},
		{`x eq "a\"),cond("`, `x eq a`},
	}
	for _, p := range differ {
		if a, b := mustKey(p[0]), mustKey(p[1]); a == b {
			t.Errorf("%q and %q: same key %s", p[0], p[1], a)
		}
	}
	if Key(nil) != "" {
		t.Errorf("Key(nil) = %q", Key(nil))
	}
}
