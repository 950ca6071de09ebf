package console_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/console"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestSignIn: a page asked for while signed out leads to the sign-in
// page and back to itself; a wrong password is a 401 with the form again;
// a user and a partner login both sign in; the cookie is HttpOnly,
// SameSite=Strict, scoped to /console/ and renewed at every sign-in;
// signing out ends the session for that cookie everywhere.
func TestSignIn(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		c := e.newClient()
		res := c.get("/console/partners/" + id(e.alpha1.ID))
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.header.Get("Location"), "/console/sign-in?") {
			t.Fatalf("signed out: %d %q", res.status, res.header.Get("Location"))
		}
		loc, _ := url.Parse(res.header.Get("Location"))
		if next := loc.Query().Get("next"); next != "/console/partners/"+id(e.alpha1.ID) {
			t.Fatalf("next = %q", next)
		}
		if res := c.signIn("alice", "wrong password!"); res.status != http.StatusUnauthorized || !strings.Contains(res.body, "Wrong username or password") {
			t.Fatalf("wrong password: %d\n%s", res.status, res.body)
		}
		if res := c.get("/console/sign-in"); res.status != http.StatusOK {
			t.Fatal(res.status)
		}
		res = c.post("/console/sign-in", url.Values{"username": {"alice"}, "password": {password}, "next": {"/console/partners/" + id(e.alpha1.ID)}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/console/partners/"+id(e.alpha1.ID) {
			t.Fatalf("sign in: %d %q", res.status, res.header.Get("Location"))
		}
		var set *http.Cookie
		for _, ck := range (&http.Response{Header: res.header}).Cookies() {
			if ck.Name == "partnerhub_console" {
				set = ck
			}
		}
		if set == nil || !set.HttpOnly || set.SameSite != http.SameSiteStrictMode || set.Path != "/console/" || set.Secure {
			t.Fatalf("session cookie: %+v", set)
		}
		first := set.Value
		if res := c.get("/console/partners/" + id(e.alpha1.ID)); res.status != http.StatusOK || title(res.body) == "" ||
			!strings.Contains(res.body, "Alpha One") || !strings.Contains(res.body, "alice") {
			t.Fatalf("partner page: %d %q", res.status, title(res.body))
		}
		// A token planted before sign-in is never the session's (no
		// fixation): signing in issues a fresh one.
		planted := e.newClient()
		u, _ := url.Parse(e.srv.URL + "/console/")
		const chosen = "a-token-chosen-by-an-attacker-0123456789"
		planted.http.Jar.SetCookies(u, []*http.Cookie{{Name: "partnerhub_console", Value: chosen, Path: "/console/"}})
		if res := planted.signIn("bob", password); res.status != http.StatusSeeOther {
			t.Fatal(res.status)
		}
		if ck := planted.cookie("partnerhub_console"); ck == nil || ck.Value == chosen || ck.Value == first {
			t.Fatal("the session token was not renewed at sign-in")
		}
		if res := c.get("/console/"); res.status != http.StatusOK || !strings.Contains(res.body, "alice") {
			t.Fatalf("alice's session after another sign-in with her token: %d", res.status)
		}
		// A next outside the console is ignored.
		other := e.newClient()
		other.get("/console/sign-in")
		res = other.post("/console/sign-in", url.Values{"username": {"alpha-login"}, "password": {password}, "next": {"//evil.example/x"}})
		if res.status != http.StatusSeeOther || res.header.Get("Location") != "/console/" {
			t.Fatalf("partner login with a foreign next: %d %q", res.status, res.header.Get("Location"))
		}
		if res := other.get("/console/"); res.status != http.StatusOK || title(res.body) != "Alpha Resellers active" && !strings.Contains(res.body, "alpha-login") {
			t.Fatalf("partner login home: %d %q", res.status, title(res.body))
		}
		// Sign out: the old cookie is dead, also if replayed.
		c.get("/console/")
		token := c.cookie("partnerhub_console").Value
		if res := c.post("/console/sign-out", url.Values{}); res.status != http.StatusSeeOther || res.header.Get("Location") != "/console/sign-in?m=signed-out" {
			t.Fatalf("sign out: %d %q", res.status, res.header.Get("Location"))
		}
		replay := e.newClient()
		replay.http.Jar.SetCookies(u, []*http.Cookie{{Name: "partnerhub_console", Value: token, Path: "/console/"}})
		if res := replay.get("/console/"); res.status != http.StatusSeeOther {
			t.Fatalf("replayed cookie after sign-out: %d", res.status)
		}
		if res := c.get("/console/sign-in?m=signed-out"); !strings.Contains(res.body, "You are signed out") {
			t.Fatal("no sign-out notice")
		}
	})
}

// TestSignInThrottled: the console's sign-in goes through the APIs'
// password throttle: past the failure limit it answers 429 with
// Retry-After, even for the right password.
func TestSignInThrottled(t *testing.T) {
	enginesWith(t, options{authn: auth.Config{MaxFailures: 2}}, func(t *testing.T, e *env) {
		c := e.newClient()
		for range 2 {
			if res := c.signIn("bob", "not the password"); res.status != http.StatusUnauthorized {
				t.Fatal(res.status)
			}
		}
		res := c.signIn("bob", password)
		if res.status != http.StatusTooManyRequests || res.header.Get("Retry-After") == "" || !strings.Contains(res.body, "Too many failed sign-ins") {
			t.Fatalf("third attempt: %d %q\n%s", res.status, res.header.Get("Retry-After"), res.body)
		}
		// Another user from the same address is not blocked.
		if res := e.newClient().signIn("alice", password); res.status != http.StatusSeeOther {
			t.Fatalf("other user: %d", res.status)
		}
	})
}

// TestSessionEnds: a session ends when its user changes (a password
// reset by a manager), when it idles past the idle timeout, and when its
// lifetime is over however busy; and it survives a restart (a second
// console over the same database, as another replica).
func TestSessionEnds(t *testing.T) {
	enginesWith(t, options{cfg: console.Config{IdleTimeout: 1500 * time.Millisecond, Lifetime: 4 * time.Second}}, func(t *testing.T, e *env) {
		ctx := context.Background()
		// Another replica (or this one after a restart) knows the session.
		alice := e.signedIn("alice")
		replica := e.handler(console.Config{Service: e.svc, Authn: auth.NewAuthenticator(e.svc, auth.Config{}), Sessions: e.db.Sessions()})
		req, _ := http.NewRequest("GET", "/console/", nil)
		req.AddCookie(alice.cookie("partnerhub_console"))
		rec := httptest.NewRecorder()
		replica.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("second console with the same cookie: %d", rec.Code)
		}
		// A password reset ends alice's session.
		if err := e.svc.SetPassword(ctx, e.sys, e.alice.ID, "a brand new password"); err != nil {
			t.Fatal(err)
		}
		if res := alice.get("/console/"); res.status != http.StatusSeeOther || !strings.Contains(res.header.Get("Location"), "m=ended") {
			t.Fatalf("after a password reset: %d %q", res.status, res.header.Get("Location"))
		}
		// Idle timeout.
		idle := e.signedIn("bob")
		time.Sleep(2 * time.Second)
		if res := idle.get("/console/"); res.status != http.StatusSeeOther {
			t.Fatalf("after the idle timeout: %d", res.status)
		}
		// Absolute lifetime: kept busy, the session still ends.
		busy := e.signedIn("bob")
		start := time.Now()
		for time.Since(start) < 3500*time.Millisecond {
			if res := busy.get("/console/"); res.status != http.StatusOK {
				t.Fatalf("a busy session ended early, after %s: %d", time.Since(start), res.status)
			}
			time.Sleep(500 * time.Millisecond)
		}
		time.Sleep(time.Second)
		if res := busy.get("/console/"); res.status != http.StatusSeeOther {
			t.Fatalf("after the lifetime: %d", res.status)
		}
		// A deactivated user is signed out at its next request.
		carol := e.user("carol", e.beta, hub.RolePartnerUser)
		cc := e.signedIn("carol")
		if _, err := e.svc.DeactivateUser(ctx, e.sys, carol.ID); err != nil {
			t.Fatal(err)
		}
		if res := cc.get("/console/"); res.status != http.StatusSeeOther {
			t.Fatalf("deactivated user: %d", res.status)
		}
	})
}
