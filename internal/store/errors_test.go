package store

import (
	"errors"
	"strings"
	"testing"
)

func TestRedact(t *testing.T) {
	for _, c := range []struct {
		in, want string
		secrets  []string // must not survive
	}{
		{"dial postgres://u:secret@h/db failed", "dial postgres://u:xxxxx@h/db failed", []string{"secret"}},
		{"postgres://u:p@ss@h/db", "postgres://u:xxxxx@h/db", []string{"p@ss", "ss@"}},
		{"postgres://u:p@s@s@h:5432/db?sslmode=disable: refused", "postgres://u:xxxxx@h:5432/db?sslmode=disable: refused", []string{"p@s"}},
		{"postgresql://u:p:w/d@h/db", "postgresql://u:xxxxx@h/db", []string{"p:w/d"}},
		{`cannot parse "postgres://u:pw@h/db": bad`, `cannot parse "postgres://u:xxxxx@h/db": bad`, []string{"pw@"}},
		{"postgres://u@h/db", "postgres://u@h/db", nil},
		{"postgres://h:5432/db", "postgres://h:5432/db", nil},
		{"two: postgres://a:s1@h/x and postgres://b:s2@h/y", "two: postgres://a:xxxxx@h/x and postgres://b:xxxxx@h/y", []string{"s1", "s2"}},
		{"host=h password=secret user=u", "host=h password=xxxxx user=u", []string{"secret"}},
		{"host=h password='a b' user=u", "host=h password=xxxxx user=u", []string{"a b", "b'"}},
		{`host=h password='it\'s a b' user=u`, "host=h password=xxxxx user=u", []string{"it", "s a", "a b"}},
		{"host=h password = 'x y' user=u", "host=h password = xxxxx user=u", []string{"x y", "y'"}},
		{`host=h password="a b" user=u`, "host=h password=xxxxx user=u", []string{"a b"}},
		{"host=h password='unterminated and more", "host=h password=xxxxx", []string{"unterminated", "more"}},
		{"host=h PASSWORD=Secret", "host=h PASSWORD=xxxxx", []string{"Secret"}},
		{"host=h password=", "host=h password=xxxxx", nil},
		{"postgres://u@h/db?sslmode=disable&password=q@r", "postgres://u@h/db?sslmode=disable&password=xxxxx", []string{"q@r", "q"}},
		{"postgres://u:p@ss@h/db?password=z z", "postgres://u:xxxxx@h/db?password=xxxxx z", []string{"p@ss", "=z"}},
		{"no credentials here", "no credentials here", nil},
	} {
		got := redact(errors.New(c.in)).Error()
		if got != c.want {
			t.Errorf("redact(%q) = %q, want %q", c.in, got, c.want)
		}
		for _, s := range c.secrets {
			if strings.Contains(got, s) {
				t.Errorf("redact(%q) = %q still holds %q", c.in, got, s)
			}
		}
	}
	if redact(nil) != nil {
		t.Error("redact(nil) != nil")
	}
	inner := errors.New("postgres://u:pw@h/db")
	if !errors.Is(redact(inner), inner) {
		t.Error("redact does not unwrap to the original error")
	}
}
