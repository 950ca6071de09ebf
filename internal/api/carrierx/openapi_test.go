package carrierx_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// loadOpenAPI loads and validates the embedded document.
func loadOpenAPI(t *testing.T) *openapi3.T {
	t.Helper()
	b, err := os.ReadFile("openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(b)
	if err != nil {
		t.Fatalf("load openapi.json: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not valid: %v", err)
	}
	return doc
}

// conforms checks a JSON body against a component schema of the document.
func conforms(t *testing.T, doc *openapi3.T, schema string, body []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatal(err)
	}
	if err := doc.Components.Schemas[schema].Value.VisitJSON(v, openapi3.EnableFormatValidation()); err != nil {
		t.Errorf("%s does not conform to its schema: %v\n%s", schema, err, body)
	}
}

func TestResponsesMatchOpenAPI(t *testing.T) {
	t.Parallel()
	doc := loadOpenAPI(t)
	e := newEnv(t, "sqlite")
	cm := hub.Money(5)
	p := e.partner(e.root, "Acme", func(p *hub.Partner) { p.ChargeAt = &cm; p.Attributes = map[string]string{"a": "b"} })
	tok := token(e.root)
	conforms(t, doc, "Partner", e.do(t, req{method: "GET", path: "/core/v2/partners/" + p.SID, token: tok}).want(t, 200).body)
	conforms(t, doc, "Partner", e.do(t, req{method: "GET", path: "/core/v2/partners/" + e.root.SID, token: tok}).want(t, 200).body)
	list := e.do(t, req{method: "GET", path: "/core/v2/partners?limit=1", token: tok}).want(t, 200).body
	conforms(t, doc, "PartnerList", list)
	var env struct{ Items []json.RawMessage }
	_ = json.Unmarshal(list, &env)
	for _, it := range env.Items {
		conforms(t, doc, "Partner", it)
	}
	conforms(t, doc, "Partner", e.do(t, req{method: "PATCH", path: "/core/v2/partners/" + p.SID, token: tok, body: `{"city":"X"}`}).want(t, 200).body)
	conforms(t, doc, "Error", e.do(t, req{method: "GET", path: "/core/v2/partners/" + hub.NewSID(), token: tok}).want(t, 404).body)
	conforms(t, doc, "Error", e.do(t, req{method: "PATCH", path: "/core/v2/partners/" + p.SID, token: tok, body: `{"x":1}`}).want(t, 422).body)
	// The schema is strict: an extra key is caught.
	var bad map[string]any
	_ = json.Unmarshal(e.do(t, req{method: "GET", path: "/core/v2/partners/" + p.SID, token: tok}).body, &bad)
	bad["extra"] = 1
	if err := doc.Components.Schemas["Partner"].Value.VisitJSON(bad); err == nil || !strings.Contains(err.Error(), "extra") {
		t.Errorf("an extra key passed the Partner schema: %v", err)
	}
}
