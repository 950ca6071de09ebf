package bluefin_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// vendorFile is the vendor's published OpenAPI description, kept beside
// the spec (shared/spec/ above the repository in the workspace and in CI).
const vendorFile = "bluefin-shieldconex-mgmt-openapi.json"

var (
	docsOnce   sync.Once
	vendorDoc  *openapi3.T // nil when the vendor's file is absent
	vendorWhy  string      // why it is absent
	oursDoc    *openapi3.T
	oursDocErr error
)

// findVendorFile looks for shared/spec/<vendorFile> in the package's
// directory and each directory above it ($PARTNERHUB_SPEC_DIR first).
func findVendorFile() string {
	if dir := os.Getenv("PARTNERHUB_SPEC_DIR"); dir != "" {
		return filepath.Join(dir, vendorFile)
	}
	dir, err := os.Getwd()
	if err != nil {
		return ""
	}
	for {
		p := filepath.Join(dir, "shared", "spec", vendorFile)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		up := filepath.Dir(dir)
		if up == dir {
			return ""
		}
		dir = up
	}
}

// loadDocs loads the vendor's description and ours once.
func loadDocs() {
	docsOnce.Do(func() {
		oursDoc, oursDocErr = openapi3.NewLoader().LoadFromFile("openapi.json")
		if oursDocErr == nil {
			oursDocErr = oursDoc.Validate(context.Background())
		}
		p := findVendorFile()
		if p == "" {
			vendorWhy = "the vendor's " + vendorFile + " was not found in shared/spec/ above this package (set PARTNERHUB_SPEC_DIR)"
			return
		}
		doc, err := openapi3.NewLoader().LoadFromFile(p)
		if err != nil {
			vendorWhy = fmt.Sprintf("the vendor's description %s does not load: %v", p, err)
			return
		}
		// The vendor's examples show null for strings never set, which
		// its schemas do not declare nullable (bluefin.md: "unset strings
		// null, as in the vendor's examples"): only that is relaxed.
		nullableStrings(doc)
		vendorDoc = doc
	})
}

// nullableStrings marks every string schema of doc nullable.
func nullableStrings(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var walk func(s *openapi3.SchemaRef)
	walk = func(s *openapi3.SchemaRef) {
		if s == nil || s.Value == nil || seen[s.Value] {
			return
		}
		seen[s.Value] = true
		if s.Value.Type.Is("string") {
			s.Value.Nullable = true
		}
		for _, p := range s.Value.Properties {
			walk(p)
		}
		walk(s.Value.Items)
		for _, x := range append(append(s.Value.AllOf, s.Value.OneOf...), s.Value.AnyOf...) {
			walk(x)
		}
	}
	for _, s := range doc.Components.Schemas {
		walk(s)
	}
}

// vendorTemplate maps a request path to the description's path template:
// "/api/v1/partners/12" -> "/partners/{id}".
func vendorTemplate(p string) string {
	p, _, _ = strings.Cut(p, "?")
	rest := strings.Trim(strings.TrimPrefix(p, "/api/v1"), "/")
	parts := strings.Split(rest, "/")
	if len(parts) == 2 {
		return "/" + parts[0] + "/{id}"
	}
	return "/" + rest
}

// conform checks one answer: its status is one the vendor documents for
// the operation (or, for what the vendor leaves out, one ours does: 400,
// 429, ...), its body validates against the vendor's schema for that
// status when the vendor gives one and against ours otherwise, and a 2xx
// carries the rate-limit headers the vendor describes.
func conform(t *testing.T, rq req, r response) {
	t.Helper()
	loadDocs()
	if oursDocErr != nil {
		t.Fatalf("our openapi.json: %v", oursDocErr)
	}
	tmpl := vendorTemplate(rq.path)
	if tmpl == "/openapi.json" || r.status == http.StatusMethodNotAllowed || r.status == http.StatusUnsupportedMediaType ||
		r.status == http.StatusRequestEntityTooLarge {
		return // not an operation of the description
	}
	var v any
	if len(r.body) > 0 {
		if err := json.Unmarshal(r.body, &v); err != nil {
			t.Errorf("%s %s: %d answer is not JSON: %s", rq.method, rq.path, r.status, r.body)
			return
		}
	}
	checked := false
	if vendorDoc != nil {
		if op := operation(vendorDoc, tmpl, rq.method); op == nil {
			if r.status != http.StatusNotFound {
				t.Errorf("%s %s: the vendor describes no operation %s %s", rq.method, rq.path, rq.method, tmpl)
			}
		} else if resp := op.Responses.Status(r.status); resp != nil && resp.Value != nil {
			if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
				validate(t, "vendor", rq, r, mt.Schema, v)
				checked = true
			}
			if r.status/100 == 2 {
				rateHeaders(t, rq, r, resp.Value.Headers)
			}
		}
	}
	if checked {
		return
	}
	op := operation(oursDoc, tmpl, rq.method)
	if op == nil && r.status == http.StatusNotFound {
		// A path we do not serve (the vendor's transactions, templates):
		// the face's 404 in the ErrorServer shape.
		validate(t, "ours", rq, r, oursDoc.Components.Schemas["ErrorServer"], v)
		return
	}
	if op == nil {
		t.Errorf("%s %s: our description has no operation %s %s", rq.method, rq.path, rq.method, tmpl)
		return
	}
	resp := op.Responses.Status(r.status)
	if resp == nil || resp.Value == nil {
		t.Errorf("%s %s: status %d is documented neither by the vendor nor by us: %s", rq.method, rq.path, r.status, r.body)
		return
	}
	if mt := resp.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
		validate(t, "ours", rq, r, mt.Schema, v)
	}
}

func operation(doc *openapi3.T, tmpl, method string) *openapi3.Operation {
	item := doc.Paths.Find(tmpl)
	if item == nil {
		return nil
	}
	return item.GetOperation(method)
}

func validate(t *testing.T, whose string, rq req, r response, s *openapi3.SchemaRef, v any) {
	t.Helper()
	if err := s.Value.VisitJSON(v, openapi3.EnableFormatValidation()); err != nil {
		t.Errorf("%s %s: the %d answer does not validate against %s schema: %v\n%s", rq.method, rq.path, r.status, whose, err, r.body)
	}
}

// rateHeaders checks the X-RateLimit headers of a 2xx against the
// description's header schemas.
func rateHeaders(t *testing.T, rq req, r response, described openapi3.Headers) {
	t.Helper()
	for _, name := range []string{"X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"} {
		if _, ok := described[name]; !ok {
			t.Errorf("%s %s: the description lacks header %s", rq.method, rq.path, name)
		}
		v := r.header.Get(name)
		var err error
		switch name {
		case "X-RateLimit-Reset":
			_, err = time.Parse(time.RFC3339, v)
		default:
			_, err = strconv.Atoi(v)
		}
		if v == "" || err != nil {
			t.Errorf("%s %s: %d answer has %s %q", rq.method, rq.path, r.status, name, v)
		}
	}
}

// TestVendorDescription says, visibly, whether the answers of these tests
// are validated against the vendor's description; and checks that the
// validation catches what it should (a wrong type, a missing header).
func TestVendorDescription(t *testing.T) {
	loadDocs()
	if vendorDoc == nil {
		t.Skipf("answers are checked against our own description only: %s", vendorWhy)
	}
	item := operation(vendorDoc, "/partners/{id}", "GET").Responses.Status(200).Value
	s := item.Content.Get("application/json").Schema
	good := map[string]any{"id": 3, "name": "A", "reference": nil, "isActive": true, "version": 1}
	if err := s.Value.VisitJSON(good, openapi3.EnableFormatValidation()); err != nil {
		t.Fatalf("a good partner fails: %v", err)
	}
	for _, bad := range []map[string]any{
		{"id": "3"}, {"isActive": "yes"}, {"version": 1.5}, {"created": "yesterday"}, {"parent": map[string]any{"id": "x"}},
	} {
		if err := s.Value.VisitJSON(bad, openapi3.EnableFormatValidation()); err == nil {
			t.Errorf("%v passes the vendor's PartnerDetails", bad)
		}
	}
	if _, ok := item.Headers["X-RateLimit-Remaining"]; !ok {
		t.Fatal("the vendor's 200 does not describe X-RateLimit-Remaining")
	}
}
