package isolation

import (
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// v2Mutants are /api/v2 faces with one isolation bug each (see mutant).
var v2Mutants = []mutant{
	{name: "GET shows a client of an invisible partner", route: "GET /api/v2/partners/{partner_id}/clients/{client_id}",
		finding: "want the missing-id answer",
		wrap: func(f *fixture, real http.Handler) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				body := readAll(r)
				if rec := replay(real, r, body, nil); rec.Code != http.StatusNotFound {
					copyTo(w, rec)
					return
				}
				copyTo(w, replay(real, r, body, f.admin)) // the lookup forgot the subtree
			}
		}},
	{name: "the source side approves", route: "POST /api/v2/partners/{partner_id}/selective_partner_change_requests/{pcr_id}/approve",
		finding: "want 403",
		wrap: func(f *fixture, real http.Handler) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				body := readAll(r)
				rec := replay(real, r, body, nil)
				if rec.Code == http.StatusForbidden {
					rec = replay(real, r, body, f.admin) // the side check is missing
				}
				copyTo(w, rec)
			}
		}},
	{name: "PATCH settings writes an invisible partner, then says 404", route: "PATCH /api/v2/partners/{partner_id}/settings/partner_change_request",
		finding: "a refused request changed the target",
		wrap: func(f *fixture, real http.Handler) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				rec := replay(real, r, readAll(r), nil)
				if rec.Code == http.StatusNotFound {
					// written before the visibility check (the matrix sends
					// false; the slip writes true)
					replay(real, r, []byte(`{"auto_approve":true}`), f.admin)
				}
				copyTo(w, rec)
			}
		}},
	{name: "the client list shows the whole subtree", route: "GET /api/v2/partners/{partner_id}/clients",
		finding: "does not belong to partner",
		wrap: func(f *fixture, real http.Handler) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				rec := replay(real, r, readAll(r), nil)
				if rec.Code == http.StatusOK {
					// listed from the root: every client, whatever the path says
					r2 := r.Clone(r.Context())
					r2.URL.Path = dialog360.Prefix + "/partners/" + f.nodes[0].p.Ref + "/clients"
					body := strings.Replace(rec.Body.String(), `"clients":[`, `"clients":[`+firstClientOf(replay(real, r2, nil, f.admin).Body.String())+`,`, 1)
					rec.Body.Reset()
					rec.Body.WriteString(body)
				}
				copyTo(w, rec)
			}
		}},
	{name: "a client user reads as its partner", route: "GET /api/v2/partners/{partner_id}/channels",
		finding: "want the missing-id answer", wrap: forgetClient},
}

// firstClientOf returns the first item of a client list answer.
func firstClientOf(list string) string {
	_, rest, _ := strings.Cut(list, `"clients":[`)
	depth := 0
	for i, c := range rest {
		switch c {
		case '{':
			depth++
		case '}':
			depth--
			if depth == 0 {
				return rest[:i+1]
			}
		}
	}
	return "{}"
}

// TestMatrixV2CatchesLeaks proves that the /api/v2 matrix can fail: it
// runs the matrix of one route against each mutant face and requires the
// finding the mutant's bug must produce.
func TestMatrixV2CatchesLeaks(t *testing.T) {
	f := newFixture(t, testdb.Engine{Name: "SQLite", Open: testdb.SQLite})
	o := f.v2Setup()
	real := f.h
	routes := map[string]dialog360.Route{}
	for _, rt := range dialog360.Routes() {
		routes[routeID(rt)] = rt
	}
	for _, m := range v2Mutants {
		t.Run(m.name, func(t *testing.T) {
			rt, ok := routes[m.route]
			if !ok {
				t.Fatalf("route %s is no longer in dialog360.Routes(): update the mutant", m.route)
			}
			f.t, f.h = t, m.wrap(f, real)
			defer func() { f.h = real }()
			var rec recorder
			f.routeV2(&rec, rt, o)
			n := 0
			for _, s := range rec.findings {
				if strings.Contains(s, m.finding) {
					n++
				}
			}
			if n == 0 {
				t.Fatalf("the matrix did not catch the mutant (want a finding with %q); its findings: %q", m.finding, rec.findings)
			}
			t.Logf("%d of %d findings say %q; the first: %.300s", n, len(rec.findings), m.finding, rec.findings[0])
		})
	}
}

// TestUnknownV2RoutesFail: a route the /api/v2 matrix cannot exercise
// fails it rather than going unchecked.
func TestUnknownV2RoutesFail(t *testing.T) {
	for _, c := range []struct {
		rt      dialog360.Route
		finding string
	}{
		{dialog360.Route{Method: "GET", Pattern: "/api/v2/partners/{partner_id}/widgets/{widget_id}", Scopes: []string{"partners.read"}},
			"has parameter {widget_id} that the /api/v2 matrix does not know"},
		{dialog360.Route{Method: "GET", Pattern: "/api/v2/widgets", Scopes: []string{"partners.read"}},
			"does not start with {partner_id}"},
	} {
		var rec recorder
		(&fixture{t: t}).routeV2(&rec, c.rt, &v2objects{})
		if len(rec.findings) != 1 || !strings.Contains(rec.findings[0], c.finding) {
			t.Errorf("%s: findings %q; want one with %q", routeID(c.rt), rec.findings, c.finding)
		}
	}
}
