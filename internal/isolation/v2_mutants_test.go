package isolation

import (
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// v2Mutants are /api/v2 faces with one isolation bug each (see mutant).
var v2Mutants = []mutant{
	{name: "GET shows a client of an invisible partner", route: "GET /api/v2/partners/{partner_id}/clients/{client_id}",
		finding: "want the missing-id answer", wrap: systemAnswersOn(http.StatusNotFound)}, // the lookup forgot the subtree
	{name: "the source side approves", route: "POST /api/v2/partners/{partner_id}/selective_partner_change_requests/{pcr_id}/approve",
		finding: "want 403", wrap: systemAnswersOn(http.StatusForbidden)}, // the side check is missing
	// Written before the visibility check (the matrix sends false; the
	// slip writes true).
	{name: "PATCH settings writes an invisible partner, then says 404", route: "PATCH /api/v2/partners/{partner_id}/settings/partner_change_request",
		finding: "a refused request changed the target", wrap: writesBefore404([]byte(`{"auto_approve":true}`))},
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
	catchMutants(t, f, "dialog360.Routes()", dialog360.Routes(), v2Mutants,
		func(t reporter, rt httpapi.Route) { f.routeV2(t, rt, o) })
}

// TestUnknownV2RoutesFail: a route the /api/v2 matrix cannot exercise
// fails it rather than going unchecked.
func TestUnknownV2RoutesFail(t *testing.T) {
	unknownRoutesFail(t, []unknownRoute{
		{dialog360.Route{Method: "GET", Pattern: "/api/v2/partners/{partner_id}/widgets/{widget_id}", Scopes: []string{"partners.read"}},
			"has parameter {widget_id} that the /api/v2 matrix does not know"},
		{dialog360.Route{Method: "GET", Pattern: "/api/v2/widgets", Scopes: []string{"partners.read"}},
			"does not start with {partner_id}"},
	}, func(t *testing.T, rec *recorder, rt httpapi.Route) { (&fixture{t: t}).routeV2(rec, rt, &v2objects{}) })
}
