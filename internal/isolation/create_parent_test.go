package isolation

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// invalidCreateBodies are POST /core/v2/partners bodies that are wrong in
// something other than parent_sid (%s). The matrix sends a valid body;
// these catch a face or hub that validates the body before it checks the
// parent's visibility, so that an invisible parent answers "company_name:
// is required" where a missing one answers "parent_sid: partner not found".
var invalidCreateBodies = []string{
	`{"parent_sid": "%s"}`,                                      // company_name missing
	`{"name": "no company", "parent_sid": "%s"}`,                // company_name missing
	`{"company_name": "m", "bogus": 1, "parent_sid": "%s"}`,     // unknown key
	`{"company_name": "m", "balance": "5", "parent_sid": "%s"}`, // read-only key
	`{"company_name": 7, "parent_sid": "%s"}`,                   // wrong type
	`{"company_name": "m", "charge_at": "1.23456", "parent_sid": "%s"}`,
	`{"company_name": "m", "country_code": "usa", "parent_sid": "%s"}`,
	`{"company_name": "m", "password": "secret-pw", "parent_sid": "%s"}`,
}

// TestCreateInvalidBodyParentOracle sends every invalid body, as every
// caller, with parent_sid naming every fixture partner, and compares each
// answer with the one for a missing parent_sid: identical when the caller
// cannot see the parent, whatever its scopes; a visible parent gets 403
// when the caller lacks the scope (the hub checks visibility, then the
// scope: issue 8), and the body's own error otherwise. Nothing is created
// either way.
func TestCreateInvalidBodyParentOracle(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, engine)
			var rt carrierx.Route
			for _, r := range carrierx.Routes() {
				if routeID(r) == "POST /core/v2/partners" {
					rt = r
				}
			}
			if rt.Pattern == "" {
				t.Fatal("no POST /core/v2/partners route")
			}
			targets := f.partnerTargets()
			miss := targets[len(targets)-1]
			invisible := 0
			for _, tmpl := range invalidCreateBodies {
				body := func(sid string) request {
					return request{method: rt.Method, path: rt.Pattern, contentType: jsonType, body: fmt.Sprintf(tmpl, sid)}
				}
				for _, c := range f.callers {
					missAnswer := f.missingAnswer(c, body(miss.sid))
					if missAnswer.status != http.StatusUnprocessableEntity || !strings.Contains(string(missAnswer.body), `"field":"parent_sid"`) {
						t.Fatalf("caller %s, %s: missing parent answers %s; want a 422 naming parent_sid", c.name, tmpl, missAnswer)
					}
					for _, tg := range targets[:len(targets)-1] {
						rq := body(tg.sid)
						before := f.snapshot(tg)
						got := f.do(c, rq)
						after := f.snapshot(tg)
						where := "caller " + c.name + ", target " + tg.name + " (" + rq.String() + ")"
						if before != after {
							t.Errorf("%s: an invalid create changed the parent: before %s, after %s", where, before, after)
						}
						switch {
						case !tg.visible(c):
							invisible++
							if !same(got, missAnswer) {
								t.Errorf("%s: got %s; want the missing-parent answer %s", where, got, missAnswer)
							}
						case !c.holds(rt.Scopes...):
							if got.status != http.StatusForbidden {
								t.Errorf("%s: got %s; want 403: the role lacks %v", where, got, rt.Scopes)
							}
						case got.status != http.StatusUnprocessableEntity || same(got, missAnswer):
							t.Errorf("%s: got %s; want the body's own 422", where, got)
						}
					}
				}
			}
			if invisible == 0 {
				t.Fatal("no invisible parent was tried")
			}
			t.Logf("%d callers x %d bodies; %d refused requests compared, %d requests in all", len(f.callers), len(invalidCreateBodies), invisible, f.requests)
		})
	}
}
