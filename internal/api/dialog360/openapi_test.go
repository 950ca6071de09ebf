package dialog360_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// openAPI is the face's document, loaded and validated once.
var openAPI = sync.OnceValues(func() (*openapi3.T, error) {
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		return nil, err
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		return nil, err
	}
	return doc, doc.Validate(context.Background())
})

// checkOpenAPI validates every answer the face gave in e's test against
// openapi.json: a route's answer must be one its operation declares (a
// 2xx exactly; an error its status or the default) and its body must
// conform to the declared schema; the mux's own 404 and 405 answers are
// the Error schema.
func (e *env) checkOpenAPI(t *testing.T) {
	doc, err := openAPI()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.answers {
		where := a.pattern + " answered " + http.StatusText(a.status)
		if err := conformsTo(doc, a); err != nil {
			t.Errorf("%s: %v\n%s", where, err, a.body)
		}
	}
}

func conformsTo(doc *openapi3.T, a answer) error {
	method, pattern, routed := strings.Cut(a.pattern, " ")
	var schema *openapi3.Schema
	if !routed {
		schema = doc.Components.Schemas["Error"].Value
	} else {
		item := doc.Paths.Value(strings.TrimPrefix(pattern, dialog360.Prefix))
		if item == nil || item.GetOperation(method) == nil {
			return errorf("the route is not in openapi.json")
		}
		responses := item.GetOperation(method).Responses
		resp := responses.Status(a.status)
		if resp == nil && a.status >= 400 {
			resp = responses.Default()
		}
		if resp == nil {
			return errorf("status %d is not declared", a.status)
		}
		if len(resp.Value.Content) == 0 {
			if len(a.body) != 0 {
				return errorf("a body where none is declared")
			}
			return nil
		}
		schema = resp.Value.Content.Get("application/json").Schema.Value
	}
	var v any
	if err := json.Unmarshal(a.body, &v); err != nil {
		return err
	}
	return schema.VisitJSON(v, openapi3.EnableFormatValidation())
}

func errorf(format string, args ...any) error { return fmt.Errorf(format, args...) }

// TestOpenAPIDocument: the document is valid OpenAPI, served without
// credentials byte for byte, describes exactly the routes of the table,
// and its schemas are strict (an extra key fails).
func TestOpenAPIDocument(t *testing.T) {
	doc, err := openAPI()
	if err != nil {
		t.Fatalf("openapi.json: %v", err)
	}
	e := newEnv(t, testdb.Engines[0])
	got := e.do(cred{}, "GET", "/api/v2/openapi.json", "").want(t, 200)
	file, _ := os.ReadFile("openapi.json")
	if string(got.body) != string(file) || got.header.Get("Content-Type") != "application/json" {
		t.Fatalf("served document differs from openapi.json")
	}
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[method+" "+dialog360.Prefix+path] = true
		}
	}
	for _, rt := range dialog360.Routes() {
		if !documented[rt.ID()] {
			t.Errorf("route %s is not in openapi.json", rt.ID())
		}
		delete(documented, rt.ID())
	}
	for id := range documented {
		t.Errorf("openapi.json describes %s, which the face does not serve", id)
	}
	var bad map[string]any
	_ = json.Unmarshal([]byte(`{"id":"xPA","brand_name":"b","logo_url":null,"webhook_url":null,"partner_redirect_url":null,"country":null,"allow_client_to_add_phone_no":false,"settings":{},"extra":1}`), &bad)
	if err := doc.Components.Schemas["Partner"].Value.VisitJSON(bad); err == nil || !strings.Contains(err.Error(), "extra") {
		t.Errorf("an extra key passed the Partner schema: %v", err)
	}
	delete(bad, "extra")
	if err := doc.Components.Schemas["Partner"].Value.VisitJSON(bad); err != nil {
		t.Errorf("a valid partner failed the Partner schema: %v", err)
	}
}
