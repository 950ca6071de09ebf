package httpapi

import (
	"net/url"
	"testing"
)

func TestBaseURL(t *testing.T) {
	q := url.Values{"offset": {"10"}, "filter": {"name eq 'a b'"}}
	for _, c := range []struct{ in, str, link string }{
		{"https://api.example.com", "https://api.example.com", "https://api.example.com/core/v2/partners?filter=name+eq+%27a+b%27&offset=10"},
		{"https://api.example.com/", "https://api.example.com", "https://api.example.com/core/v2/partners?filter=name+eq+%27a+b%27&offset=10"},
		{"http://10.0.0.1:8080/ph/", "http://10.0.0.1:8080/ph", "http://10.0.0.1:8080/ph/core/v2/partners?filter=name+eq+%27a+b%27&offset=10"},
		{" https://[::1]:9443/a%20b ", "https://[::1]:9443/a%20b", "https://[::1]:9443/a%20b/core/v2/partners?filter=name+eq+%27a+b%27&offset=10"},
	} {
		b, err := ParseBaseURL(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if b.String() != c.str || b.Link("/core/v2/partners", q) != c.link {
			t.Errorf("%q: %s, link %s", c.in, b, b.Link("/core/v2/partners", q))
		}
	}
	for _, bad := range []string{"", "api.example.com", "ftp://x", "https://", "https://u:p@x", "https://x/?a=1", "https://x/#f", "https://x?"} {
		if b, err := ParseBaseURL(bad); err == nil {
			t.Errorf("%q accepted as %s", bad, b)
		}
	}
	for in, want := range map[string]string{
		"127.0.0.1:8080": "http://127.0.0.1:8080",
		"0.0.0.0:8080":   "http://localhost:8080",
		"[::]:8080":      "http://localhost:8080",
		":8080":          "http://localhost:8080",
		"[::1]:8080":     "http://[::1]:8080",
		"example:80":     "http://example:80",
	} {
		if got := ListenBaseURL(in).String(); got != want {
			t.Errorf("ListenBaseURL(%q) = %s, want %s", in, got, want)
		}
	}
	if got := (BaseURL{}).Link("/p", nil); got != "http://localhost/p" {
		t.Errorf("zero BaseURL: %s", got)
	}
}
