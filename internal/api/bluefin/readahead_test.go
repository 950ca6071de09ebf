package bluefin_test

import (
	"net/http"
	"strconv"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/bluefin"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// GET of a partner with a Basic credential verified earlier reads the
// user and the partner in one store read; the answers are those of the
// two reads: the partner, a 404 for a missing and an invisible one alike
// (after as many reads), a 401 for a wrong password.
func TestGetPartnerReadsUserAndPartnerTogether(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			counts := &testdb.ReadCounter{}
			e := newEnvOver(t, engine, bluefin.DefaultRateLimit, func(st hub.Store) hub.Store { counts.Store = st; return counts })
			a := e.partner(e.root, "A")
			a1 := e.partner(a, "A1")
			b := e.partner(e.root, "B")
			e.user("ann", hub.RolePartnerSupervisor, a, nil, "correct horse battery staple")
			basic := basicAuth("ann", "correct horse battery staple")
			path := func(p int64) string { return "/api/v1/partners/" + strconv.FormatInt(p, 10) }
			// The first request checks the password; later ones find it
			// verified and read the user by id.
			e.get(t, basic, path(a.ID)).want(t, http.StatusOK)
			counts.Reads()

			got := e.get(t, basic, path(a1.ID)).want(t, http.StatusOK).obj(t)
			if got["name"] != "A1" {
				t.Fatalf("GET A1: %v", got)
			}
			if n := counts.Reads(); n != [3]int64{1, 0, 0} {
				t.Errorf("GET of a visible partner: %d combined, %d credential, %d partner reads; want one combined read", n[0], n[1], n[2])
			}

			// A missing and an invisible partner get the same answer, after
			// as many reads: the combined read, then the user alone
			// (missing) or the partner again (invisible).
			invisible := e.get(t, basic, path(b.ID)).want(t, http.StatusNotFound)
			if n := counts.Reads(); n != [3]int64{1, 0, 1} {
				t.Errorf("GET of an invisible partner: %d combined, %d credential, %d partner reads; want the combined read, then the partner", n[0], n[1], n[2])
			}
			missing := e.get(t, basic, path(b.ID+1000)).want(t, http.StatusNotFound)
			if string(invisible.body) != string(missing.body) {
				t.Errorf("invisible partner:\n%s\nmissing partner:\n%s", invisible.body, missing.body)
			}
			if n := counts.Reads(); n != [3]int64{1, 1, 0} {
				t.Errorf("GET of a missing partner: %d combined, %d credential, %d partner reads; want the combined read, then the user alone", n[0], n[1], n[2])
			}

			e.get(t, basicAuth("ann", "wrong horse battery staple"), path(a1.ID)).want(t, http.StatusUnauthorized)
		})
	}
}
