package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// status is the status of a *RequestError, 0 for nil, -1 for another error.
func status(err error) int {
	if err == nil {
		return 0
	}
	var re *RequestError
	if errors.As(err, &re) {
		return re.Status
	}
	return -1
}

func request(method, body, contentType string) *http.Request {
	r := httptest.NewRequest(method, "/x", strings.NewReader(body))
	if body == "" {
		r = httptest.NewRequest(method, "/x", http.NoBody)
	}
	if contentType != "" {
		r.Header.Set("Content-Type", contentType)
	}
	return r
}

func TestReadObject(t *testing.T) {
	for _, c := range []struct {
		name, body, contentType string
		want                    int
		members                 int
	}{
		{"empty object", `{}`, "application/json", 0, 0},
		{"members", `{"a": 1, "b": "x"}`, "application/json; charset=utf-8", 0, 2},
		{"no content type", `{}`, "", 415, 0},
		{"text", `{}`, "text/plain", 415, 0},
		{"json-ish type", `{}`, "application/jsonx", 415, 0},
		{"bad media type", `{}`, "application/json; =", 415, 0},
		{"empty", ``, "application/json", 400, 0},
		{"blank", "  \n ", "application/json", 400, 0},
		{"syntax", `{"a":`, "application/json", 400, 0},
		{"array", `[1]`, "application/json", 400, 0},
		{"null", `null`, "application/json", 400, 0},
		{"string", `"x"`, "application/json", 400, 0},
		{"two objects", `{} {}`, "application/json", 400, 0},
		{"trailing garbage", `{}x`, "application/json", 400, 0},
	} {
		obj, err := ReadObject(request("POST", c.body, c.contentType))
		if got := status(err); got != c.want || len(obj) != c.members {
			t.Errorf("%s: status %d (%v), %d members; want %d, %d", c.name, got, err, len(obj), c.want, c.members)
		}
	}
	// Numbers keep their text.
	obj, err := ReadObject(request("POST", `{"m": 351.520}`, "application/json"))
	if err != nil || string(obj["m"]) != "351.520" {
		t.Errorf("number: %q %v", obj["m"], err)
	}
	// Past the server's body limit: 413, with the limit in the message
	// and the *http.MaxBytesError as the cause.
	r := request("POST", `{"a":"`+strings.Repeat("x", 100)+`"}`, "application/json")
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 10)
	_, err = ReadObject(r)
	var mbe *http.MaxBytesError
	if status(err) != 413 || !errors.As(err, &mbe) || !strings.Contains(err.Error(), "10 bytes") {
		t.Errorf("too large: %v", err)
	}
}

func TestReadForm(t *testing.T) {
	form, err := ReadForm(request("POST", "a=1&b=x+y", FormType), false)
	if err != nil || form.Get("a") != "1" || form.Get("b") != "x y" {
		t.Fatalf("form: %v %v", form, err)
	}
	// The query string is never read as the form.
	r := httptest.NewRequest("POST", "/x?password=secret", strings.NewReader("a=1"))
	r.Header.Set("Content-Type", FormType)
	if form, err := ReadForm(r, false); err != nil || form.Has("password") {
		t.Errorf("query read as form: %v %v", form, err)
	}
	for _, c := range []struct {
		name, body, contentType string
		allowEmpty              bool
		want                    int
	}{
		{"json", `{}`, "application/json", false, 415},
		{"no type", `a=1`, "", false, 415},
		{"empty without type", ``, "", false, 415},
		{"empty allowed", ``, "", true, 0},
		{"body without type, empty allowed", `a=1`, "", true, 415},
		{"bad escape", `a=%zz`, FormType, false, 400},
	} {
		_, err := ReadForm(request("POST", c.body, c.contentType), c.allowEmpty)
		if got := status(err); got != c.want {
			t.Errorf("%s: status %d (%v), want %d", c.name, got, err, c.want)
		}
	}
	r = request("POST", "a="+strings.Repeat("x", 100), FormType)
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 10)
	if _, err := ReadForm(r, false); status(err) != 413 {
		t.Errorf("too large: %v", err)
	}
}
