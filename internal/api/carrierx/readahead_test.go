package carrierx_test

import (
	"net/http"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// GET of a partner with a token reads the token and the partner in one
// store read; the answers are those of the two reads: the partner, a 404
// for a missing and an invisible one alike (after as many reads), a 401
// for a bad token.
func TestGetPartnerReadsTokenAndPartnerTogether(t *testing.T) {
	for _, engine := range []string{"sqlite", "postgres"} {
		t.Run(engine, func(t *testing.T) {
			t.Parallel()
			counts := &testdb.ReadCounter{}
			e := newEnvOver(t, engine, func(st hub.Store) hub.Store { counts.Store = st; return counts },
				func(svc *hub.Service, _ hub.Store) carrierx.Authenticator {
					svc.SetPasswordHasher(auth.Argon2id{})
					return auth.NewAuthenticator(svc, auth.Config{})
				})
			a := e.partner(e.root, "A")
			a1 := e.partner(a, "A1")
			b := e.partner(e.root, "B")
			e.user(a, "ann", hub.RolePartnerSupervisor)
			token := str(e.grant(t, "ann"), "access_token")
			counts.Reads()

			got := e.do(t, req{method: "GET", path: "/core/v2/partners/" + a1.SID, token: token}).want(t, http.StatusOK).json(t)
			if str(got, "partner_sid") != a1.SID || str(got, "company_name") != "A1" {
				t.Fatalf("GET A1: %v", got)
			}
			if n := counts.Reads(); n != [3]int64{1, 0, 0} {
				t.Errorf("GET of a visible partner: %d combined, %d credential, %d partner reads; want one combined read", n[0], n[1], n[2])
			}

			// A missing and an invisible partner get the same answer, after
			// as many reads: the combined read, then the token alone
			// (missing) or the partner again (invisible).
			invisible := e.do(t, req{method: "GET", path: "/core/v2/partners/" + b.SID, token: token}).want(t, http.StatusNotFound)
			if n := counts.Reads(); n != [3]int64{1, 0, 1} {
				t.Errorf("GET of an invisible partner: %d combined, %d credential, %d partner reads; want the combined read, then the partner", n[0], n[1], n[2])
			}
			missing := e.do(t, req{method: "GET", path: "/core/v2/partners/00000000-0000-4000-8000-000000000000", token: token}).want(t, http.StatusNotFound)
			if string(invisible.body) != string(missing.body) {
				t.Errorf("invisible partner:\n%s\nmissing partner:\n%s", invisible.body, missing.body)
			}
			if n := counts.Reads(); n != [3]int64{1, 1, 0} {
				t.Errorf("GET of a missing partner: %d combined, %d credential, %d partner reads; want the combined read, then the token alone", n[0], n[1], n[2])
			}

			// A value that is no SID names nothing: 404 after the token
			// alone, no partner read ahead.
			notSID := e.do(t, req{method: "GET", path: "/core/v2/partners/not-a-sid", token: token}).want(t, http.StatusNotFound)
			if string(notSID.body) != string(missing.body) {
				t.Errorf("a value that is no SID:\n%s\nmissing partner:\n%s", notSID.body, missing.body)
			}
			if n := counts.Reads(); n != [3]int64{0, 1, 0} {
				t.Errorf("GET of a value that is no SID: %d combined, %d credential, %d partner reads; want the token alone", n[0], n[1], n[2])
			}

			wrong := "x" + token[1:]
			if token[0] == 'x' {
				wrong = "y" + token[1:]
			}
			e.do(t, req{method: "GET", path: "/core/v2/partners/" + a1.SID, token: wrong}).want(t, http.StatusUnauthorized)
		})
	}
}
