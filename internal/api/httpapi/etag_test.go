package httpapi

import (
	"net/http/httptest"
	"testing"
)

func TestIfMatch(t *testing.T) {
	for _, c := range []struct {
		header []string
		want   int64
		ok     bool
	}{
		{nil, 0, true},
		{[]string{"*"}, 0, true},
		{[]string{` "3" `}, 3, true},
		{[]string{`"12"`}, 12, true},
		{[]string{`W/"3"`}, 0, false},
		{[]string{`"3", "4"`}, 0, false},
		{[]string{`"3"`, `"4"`}, 0, false},
		{[]string{`3`}, 0, false},
		{[]string{`"03"`}, 0, false},
		{[]string{`"0"`}, 0, false},
		{[]string{`"-1"`}, 0, false},
		{[]string{`"abc"`}, 0, false},
		{[]string{``}, 0, false},
	} {
		r := httptest.NewRequest("PATCH", "/x", nil)
		for _, h := range c.header {
			r.Header.Add("If-Match", h)
		}
		got, err := ParseIfMatch(r)
		if c.ok != (err == nil) || got != c.want {
			t.Errorf("If-Match %q: %d %v", c.header, got, err)
		}
		if err != nil && (status(err) != 400 || err.(*RequestError).Field != "If-Match") {
			t.Errorf("If-Match %q: %v; want a 400 naming If-Match", c.header, err)
		}
	}
	w := httptest.NewRecorder()
	SetETag(w, 7)
	if got := w.Header().Get("ETag"); got != `"7"` {
		t.Errorf("ETag %q", got)
	}
}
