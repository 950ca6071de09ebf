package bluefin_test

import (
	"bytes"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/bluefin"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// TestOpenAPIServed: GET /api/v1/openapi.json answers the embedded,
// valid document without credentials, and it describes exactly the
// routes the face serves.
func TestOpenAPIServed(t *testing.T) {
	loadDocs()
	if oursDocErr != nil {
		t.Fatalf("openapi.json is not a valid description: %v", oursDocErr)
	}
	e := newEnv(t, testdb.Engines[0], bluefin.DefaultRateLimit)
	r := e.get(t, "", "/api/v1/openapi.json").want(t, http.StatusOK)
	file, err := os.ReadFile("openapi.json")
	if err != nil || !bytes.Equal(r.body, file) {
		t.Fatalf("served document differs from openapi.json (%v)", err)
	}
	var described []string
	for p, item := range oursDoc.Paths.Map() {
		for m := range item.Operations() {
			described = append(described, m+" /api/v1"+p)
		}
	}
	var served []string
	for _, rt := range bluefin.Routes() {
		served = append(served, rt.Method+" "+paramRE.ReplaceAllString(rt.Pattern, "{id}"))
	}
	slices.Sort(described)
	slices.Sort(served)
	if !slices.Equal(described, served) {
		t.Fatalf("described %v\nserved    %v", described, served)
	}
}

// TestOpenAPIDerivedFromVendor: our description keeps every operation the
// vendor describes for partners, users and clients, every response it
// documents, and every property of every schema with the vendor's type;
// it drops transactions and templates.
func TestOpenAPIDerivedFromVendor(t *testing.T) {
	loadDocs()
	if vendorDoc == nil {
		t.Skipf("cannot compare with the vendor's description: %s", vendorWhy)
	}
	if oursDocErr != nil {
		t.Fatal(oursDocErr)
	}
	for p, item := range vendorDoc.Paths.Map() {
		mine := oursDoc.Paths.Find(p)
		served := strings.HasPrefix(p, "/partners") || strings.HasPrefix(p, "/users") || strings.HasPrefix(p, "/clients")
		if !served {
			if mine != nil {
				t.Errorf("ours describes %s, which partnerhub does not serve", p)
			}
			continue
		}
		if mine == nil {
			t.Errorf("ours lacks %s", p)
			continue
		}
		for m, op := range item.Operations() {
			ourOp := mine.GetOperation(m)
			if ourOp == nil {
				t.Errorf("ours lacks %s %s", m, p)
				continue
			}
			for code := range op.Responses.Map() {
				if ourOp.Responses.Value(code) == nil {
					t.Errorf("ours lacks response %s of %s %s", code, m, p)
				}
			}
		}
	}
	for name, vs := range vendorDoc.Components.Schemas {
		if strings.HasPrefix(name, "Transaction") || strings.HasPrefix(name, "Template") || strings.HasPrefix(name, "FieldTemplate") ||
			name == "ObjectIdentifierProperties" || name == "ObjectModifierProperties" {
			continue
		}
		os, ok := oursDoc.Components.Schemas[name]
		if !ok {
			t.Errorf("ours lacks schema %s", name)
			continue
		}
		for prop, vp := range vs.Value.Properties {
			op, ok := os.Value.Properties[prop]
			switch {
			case !ok:
				t.Errorf("ours lacks %s.%s", name, prop)
			case vp.Value.Type != nil && op.Value.Type != nil && !slices.Equal(vp.Value.Type.Slice(), op.Value.Type.Slice()):
				t.Errorf("%s.%s: ours is %v, the vendor's %v", name, prop, op.Value.Type.Slice(), vp.Value.Type.Slice())
			}
		}
	}
}
