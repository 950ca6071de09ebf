package carrierx_test

import (
	"context"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestSuspensionCascadeHTTP: through the real router, authenticator and
// read cache (whose TTL is an hour, so only invalidation keeps it right),
// every credential homed in a suspended or inactive partner's subtree gets
// 401, the objects stay readable from above, reactivation restores them,
// and a move into or out of a suspended subtree takes effect at once.
func TestSuspensionCascadeHTTP(t *testing.T) {
	t.Parallel()
	enginesWith(t, func(t *testing.T, engine string) *env {
		// Failures are throttled per client IP; this test fails on
		// purpose far more often than a client would.
		return newEnvWith(t, engine, func(svc *hub.Service, _ hub.Store) carrierx.Authenticator {
			svc.SetPasswordHasher(auth.Argon2id{})
			return auth.NewAuthenticator(svc, auth.Config{MaxFailures: 1_000_000})
		})
	}, func(t *testing.T, e *env) {
		ctx := context.Background()
		admin := e.admin()
		a := e.partner(e.root, "A")
		b, err := e.svc.CreatePartnerWithLogin(ctx, e.sys(), &hub.Partner{Name: "B", ParentID: a.ID},
			&hub.PartnerLogin{Login: "b.login", Password: loginPass})
		if err != nil {
			t.Fatal(err)
		}
		d := e.partner(e.root, "D")
		e.user(b, "b.user", hub.RolePartnerSupervisor)
		e.user(d, "d.user", hub.RolePartnerSupervisor)
		grant := func(user, pass string) string {
			tok := e.form(t, "/core/v2/oauth/token", "", url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass}}).
				want(t, http.StatusOK).json(t)
			return str(tok, "access_token")
		}
		bUserToken, bLoginToken, dToken := grant("b.user", testPass), grant("b.login", loginPass), grant("d.user", testPass)
		_, bKey, err := e.svc.CreateAPIKey(ctx, e.sys(), hub.NewAPIKeyRequest{PartnerID: b.ID, Name: "b", Scopes: []string{hub.ScopePartnersRead}})
		if err != nil {
			t.Fatal(err)
		}
		creds := map[string]map[string]string{
			"B user Basic":  basicAuth("b.user", testPass),
			"B login Basic": basicAuth("b.login", loginPass),
			"B user token":  {"Authorization": "Bearer " + bUserToken},
			"B login token": {"Authorization": "Bearer " + bLoginToken},
			"B key":         {"X-API-Key": bKey},
			"B key Bearer":  {"Authorization": "Bearer " + bKey},
			"D user Basic":  basicAuth("d.user", testPass),
			"D token":       {"Authorization": "Bearer " + dToken},
		}
		check := func(when string, blocked ...string) {
			t.Helper()
			var names []string
			for n := range creds {
				names = append(names, n)
			}
			sort.Strings(names)
			var bad []string
			for _, n := range names {
				want := http.StatusOK
				for _, p := range blocked {
					if strings.HasPrefix(n, p) {
						want = http.StatusUnauthorized
					}
				}
				r := e.do(t, req{method: "GET", path: "/core/v2/partners?limit=1", header: creds[n]})
				if r.status != want {
					bad = append(bad, n+": "+http.StatusText(r.status))
				}
				// GET of one partner reads it with a token's check (the
				// read-ahead): the same answer.
				home := b
				if strings.HasPrefix(n, "D") {
					home = d
				}
				if r := e.do(t, req{method: "GET", path: "/core/v2/partners/" + home.SID, header: creds[n]}); r.status != want {
					bad = append(bad, n+" GET of its partner: "+http.StatusText(r.status))
				}
				// The password grant is refused with the same 401.
				if n == "B login Basic" || n == "B user Basic" {
					user, pass := "b.login", loginPass
					if n == "B user Basic" {
						user, pass = "b.user", testPass
					}
					g := e.form(t, "/core/v2/oauth/token", "", url.Values{"grant_type": {"password"}, "username": {user}, "password": {pass}})
					if g.status != want {
						bad = append(bad, n+" password grant: "+http.StatusText(g.status))
					}
				}
			}
			if len(bad) > 0 {
				t.Fatalf("%s: %s", when, strings.Join(bad, "; "))
			}
		}
		setStatus := func(p *hub.Partner, status string) {
			t.Helper()
			if _, err := e.svc.UpdatePartner(ctx, e.sys(), hub.PartnerKey{ID: p.ID}, 0, func(q *hub.Partner) error {
				q.Status = status
				return nil
			}); err != nil {
				t.Fatal(err)
			}
		}
		move := func(p, under *hub.Partner) {
			t.Helper()
			if _, err := e.svc.MovePartner(ctx, e.sys(), hub.PartnerKey{ID: p.ID}, under.ID, 0); err != nil {
				t.Fatal(err)
			}
		}

		check("all active") // also fills the read cache and Basic's cache
		setStatus(a, hub.StatusSuspended)
		check("A suspended", "B ")
		r := e.do(t, req{method: "GET", path: "/core/v2/partners/" + b.SID, header: admin}).want(t, http.StatusOK)
		if m := r.json(t); m["status"] != "unverified" || m["login"] != "b.login" {
			t.Fatalf("B read from above while A is suspended: %s", r.body)
		}
		setStatus(a, hub.StatusActive)
		check("A reactivated")
		setStatus(a, hub.StatusInactive)
		check("A inactive", "B ")
		setStatus(a, hub.StatusActive)

		c := e.partner(e.root, "C")
		setStatus(c, hub.StatusSuspended)
		move(b, c)
		check("B moved under a suspended C", "B ")
		move(b, d)
		check("B moved out, under D")
		setStatus(d, hub.StatusSuspended)
		check("D suspended", "B ", "D ")
		setStatus(d, hub.StatusActive)
		check("D reactivated")
	})
}
