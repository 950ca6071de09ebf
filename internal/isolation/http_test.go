package isolation

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Media types of request bodies.
const (
	jsonType = "application/json"
	formType = "application/x-www-form-urlencoded"
)

// request is one request to send.
type request struct {
	method, path, contentType, body string
}

func (rq request) String() string {
	if rq.body == "" {
		return rq.method + " " + rq.path
	}
	return rq.method + " " + rq.path + " " + rq.body
}

// response is one answer.
type response struct {
	status int
	body   []byte
}

func (r response) String() string {
	b := r.body
	if len(b) > 300 {
		b = append(b[:300:300], "..."...)
	}
	return http.StatusText(r.status) + " " + strconv.Itoa(r.status) + " " + string(b)
}

// same reports whether two answers are indistinguishable: status and body
// byte for byte (carrierx error bodies carry no request id), except the
// uuid of a Bluefin permission body, which is new in every answer.
func same(a, b response) bool {
	return a.status == b.status && bytes.Equal(uuidRE.ReplaceAll(a.body, []byte(`"uuid":""`)), uuidRE.ReplaceAll(b.body, []byte(`"uuid":""`)))
}

var uuidRE = regexp.MustCompile(`"uuid":"[0-9a-f-]{36}"`)

// do sends rq as c straight to the handler.
func (f *fixture) do(c *caller, rq request) response {
	var body *strings.Reader
	if rq.body != "" || rq.contentType != "" {
		body = strings.NewReader(rq.body)
	}
	var r *http.Request
	if body != nil {
		r = httptest.NewRequestWithContext(f.ctx, rq.method, rq.path, body)
	} else {
		r = httptest.NewRequestWithContext(f.ctx, rq.method, rq.path, nil)
	}
	if rq.contentType != "" {
		r.Header.Set("Content-Type", rq.contentType)
	}
	c.set(r)
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, r)
	f.requests++
	return response{status: w.Code, body: w.Body.Bytes()}
}

// object decodes a JSON object answer, failing the test otherwise.
func (f *fixture) object(what string, r response) map[string]json.RawMessage {
	f.t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(r.body, &m); err != nil || m == nil {
		f.t.Fatalf("%s: answer is not a JSON object: %v: %s", what, err, r)
	}
	return m
}

// learnPutKeys asks the face which keys a PUT must carry: an empty PUT
// is a 422 naming every one, so a new modifiable field is sent too.
func (f *fixture) learnPutKeys() []string {
	f.t.Helper()
	path := "/core/v2/partners/" + f.nodes[2].p.SID
	r := f.do(f.admin, request{method: http.MethodPut, path: path, contentType: jsonType, body: "{}"})
	var body struct {
		Errors []struct {
			Field   *string `json:"field"`
			Message string  `json:"message"`
		} `json:"errors"`
	}
	if r.status != http.StatusUnprocessableEntity || json.Unmarshal(r.body, &body) != nil {
		f.t.Fatalf("PUT {} as the system: %s; want a 422 naming the required keys", r)
	}
	var keys []string
	for _, e := range body.Errors {
		if e.Field != nil && strings.HasPrefix(e.Message, "is required") {
			keys = append(keys, *e.Field)
		}
	}
	if len(keys) == 0 {
		f.t.Fatalf("PUT {} as the system names no required key: %s", r)
	}
	slices.Sort(keys)
	return keys
}

// putBody is a complete, valid PUT body for the partner sid: its
// current values as the system reads them through the face, with city
// changed, so that a PUT that should not happen would show.
func (f *fixture) putBody(sid string) string {
	f.t.Helper()
	r := f.do(f.admin, request{method: http.MethodGet, path: "/core/v2/partners/" + sid})
	if r.status != http.StatusOK {
		f.t.Fatalf("GET %s as the system: %s", sid, r)
	}
	cur := f.object("GET partner as the system", r)
	out := map[string]json.RawMessage{}
	for _, k := range f.putKeys {
		v, ok := cur[k]
		if !ok {
			f.t.Fatalf("PUT requires %q, which GET does not show", k)
		}
		out[k] = v
	}
	out["city"] = json.RawMessage(`"Matrixville"`)
	b, err := json.Marshal(out)
	if err != nil {
		f.t.Fatal(err)
	}
	return string(b)
}
