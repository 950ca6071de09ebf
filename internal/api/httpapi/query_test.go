package httpapi

import (
	"errors"
	"net/http/httptest"
	"net/url"
	"reflect"
	"testing"
)

func TestQuery(t *testing.T) {
	for _, c := range []struct {
		raw   string
		field string // of the 400; "" with ok
		ok    bool
	}{
		{"", "", true},
		{"a=1&b=2&a=3", "", true},
		{"filter=company_name%20eq%20%22x%22&after=&flag", "", true},
		{"a=%2B+b&&c=", "", true},
		{"filter=company_name%20eq%20%zz", "filter", false},
		{"filter=x%2", "filter", false},
		{"filter=a;b", "filter", false},
		{"a=1;b=2", "a", false},
		{"limit=1&offset=%G1", "offset", false},
		{"fil%zzter=x", "", false},
		{"a;b=1", "", false},
		{"a=%4", "a", false},
		{"a=%%41", "a", false},
		{"a=%41%", "a", false},
		{"a=%41%4g", "a", false},
		{"a=%41%42", "", true},
	} {
		r := httptest.NewRequest("GET", "/x?"+c.raw, nil)
		q, err := Query(r)
		if cerr := CheckQuery(r); (cerr == nil) != (err == nil) || (cerr != nil && cerr.Error() != err.Error()) {
			t.Errorf("%q: CheckQuery %v, Query %v", c.raw, cerr, err)
		}
		if c.ok {
			want, _ := url.ParseQuery(c.raw)
			if err != nil || !reflect.DeepEqual(q, want) {
				t.Errorf("%q: %v %v, want %v", c.raw, q, err, want)
			}
			continue
		}
		var re *RequestError
		if !errors.As(err, &re) || re.Status != 400 || re.Field != c.field || re.Message == "" {
			t.Errorf("%q: %#v; want a 400 naming %q", c.raw, err, c.field)
		}
		// What net/http would have done instead: dropped the pair.
		if _, perr := url.ParseQuery(c.raw); perr == nil {
			t.Errorf("%q: url.ParseQuery accepts it; the test case proves nothing", c.raw)
		}
	}
}

func TestIntParam(t *testing.T) {
	q := url.Values{"n": {" 12 "}, "bad": {"twelve"}, "neg": {"-3"}}
	if n, sent, err := IntParam(q, "n"); n != 12 || !sent || err != nil {
		t.Errorf("n: %d %v %v", n, sent, err)
	}
	if n, sent, err := IntParam(q, "neg"); n != -3 || !sent || err != nil {
		t.Errorf("neg: %d %v %v (the range is the hub's rule)", n, sent, err)
	}
	if _, sent, err := IntParam(q, "absent"); sent || err != nil {
		t.Errorf("absent: %v %v", sent, err)
	}
	var re *RequestError
	if _, _, err := IntParam(q, "bad"); !errors.As(err, &re) || re.Status != 400 || re.Field != "bad" {
		t.Errorf("bad: %v", err)
	}
}

// FuzzCheckQuery: CheckQuery refuses exactly the query strings that
// url.ParseQuery reports an error for (and that r.URL.Query therefore
// silently trims), and Query then decodes the same values.
func FuzzCheckQuery(f *testing.F) {
	for _, s := range []string{"", "a=1&b=2", "a=%zz", "a;b", "a=%4", "%41=%42&&=x", "a=1;b", "x=%%", "+=+&%2B=%2b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest("GET", "/x", nil)
		r.URL.RawQuery = raw
		want, perr := url.ParseQuery(raw)
		cerr := CheckQuery(r)
		if (cerr == nil) != (perr == nil) {
			t.Fatalf("%q: CheckQuery %v, url.ParseQuery %v", raw, cerr, perr)
		}
		q, err := Query(r)
		if (err == nil) != (perr == nil) || (err == nil && !reflect.DeepEqual(q, want) && !(len(q) == 0 && len(want) == 0)) {
			t.Fatalf("%q: Query %v %v, url.ParseQuery %v %v", raw, q, err, want, perr)
		}
	})
}
