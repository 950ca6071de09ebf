package carrierx_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

const (
	formType   = "application/x-www-form-urlencoded"
	dateLayout = "2006-01-02T15:04:05.000Z"
	testPass   = "correct horse battery"
)

// user creates an active user of role at p through the service, with
// password testPass.
func (e *env) user(p *hub.Partner, username string, role hub.Role) *hub.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(context.Background(), e.sys(), &hub.User{Username: username, FirstName: "F", LastName: "L",
		Email: username + "@example.com", Role: role, PartnerID: p.ID, Active: true}, testPass)
	if err != nil {
		e.t.Fatalf("create user %q: %v", username, err)
	}
	return u
}

// form posts a form-encoded body to path (with an optional bearer token).
func (e *env) form(t *testing.T, path, bearer string, f url.Values) response {
	t.Helper()
	return e.do(t, req{method: "POST", path: path, token: bearer, body: f.Encode(), header: map[string]string{"Content-Type": formType}})
}

// grant runs the password grant for username with password testPass and
// extra parameters, and returns the Token object of a 200.
func (e *env) grant(t *testing.T, username string, extra ...string) map[string]any {
	t.Helper()
	f := url.Values{"grant_type": {"password"}, "username": {username}, "password": {testPass}}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Set(extra[i], extra[i+1])
	}
	return e.form(t, "/core/v2/oauth/token", "", f).want(t, http.StatusOK).json(t)
}

func str(m map[string]any, k string) string { s, _ := m[k].(string); return s }

// tokenKeysInOrder are the Token object's keys, alphabetically.
var tokenKeysInOrder = []string{"access_token", "client_id", "date_created", "date_expiration_access_token",
	"date_expiration_refresh_token", "date_last_accessed", "ip_last_accessed", "name", "partner_sid",
	"refresh_token", "scopes", "token_sid", "token_type"}

// keysInOrder returns the top-level keys of a JSON object as written.
func keysInOrder(t *testing.T, body []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(body)))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

func TestPasswordGrant(t *testing.T) {
	authEngines(t, func(t *testing.T, e *env) {
		e.user(e.root, "alice", hub.RolePartnerSupervisor)
		before := time.Now().UTC()
		f := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {testPass},
			"client_id": {"my-app"}, "client_secret": {"ignored"}}
		r := e.form(t, "/core/v2/oauth/token", "", f).want(t, http.StatusOK)
		if got := keysInOrder(t, r.body); !slices.Equal(got, tokenKeysInOrder) {
			t.Errorf("keys %v, want %v", got, tokenKeysInOrder)
		}
		if cc := r.header.Get("Cache-Control"); cc != "no-store" {
			t.Errorf("Cache-Control %q, want no-store", cc)
		}
		tok := r.json(t)
		if str(tok, "token_type") != "bearer" || str(tok, "access_token") == "" || str(tok, "refresh_token") == "" ||
			str(tok, "partner_sid") != e.root.SID || str(tok, "client_id") != "my-app" || !hub.IsSID(str(tok, "token_sid")) {
			t.Errorf("token: %s", r.body)
		}
		for _, k := range []string{"date_last_accessed", "ip_last_accessed", "name"} {
			if v, ok := tok[k]; !ok || v != nil {
				t.Errorf("%s = %v, want null", k, v)
			}
		}
		if sc, _ := tok["scopes"].([]any); !slices.Contains(sc, any(hub.ScopePartnersManage)) {
			t.Errorf("scopes %v lack partners.manage", tok["scopes"])
		}
		created, err := time.Parse(dateLayout, str(tok, "date_created"))
		if err != nil || created.Before(before.Add(-time.Second)) {
			t.Errorf("date_created %q: %v", str(tok, "date_created"), err)
		}
		exp, err := time.Parse(dateLayout, str(tok, "date_expiration_access_token"))
		if err != nil || exp.Sub(created) != hub.DefaultTokenTTL {
			t.Errorf("date_expiration_access_token %q (%v), want date_created + %v", str(tok, "date_expiration_access_token"), err, hub.DefaultTokenTTL)
		}

		// The token authenticates the partner routes.
		list := e.do(t, req{method: "GET", path: "/core/v2/partners", token: str(tok, "access_token")}).want(t, http.StatusOK).json(t)
		if list["total"] != float64(1) {
			t.Errorf("list with the token: %v", list)
		}
		// So do the same credentials over HTTP Basic.
		basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("alice:"+testPass))
		e.do(t, req{method: "GET", path: "/core/v2/partners", header: map[string]string{"Authorization": basic}}).want(t, http.StatusOK)
		// The listing records the access.
		toks := e.do(t, req{method: "GET", path: "/core/v2/oauth/tokens", token: str(tok, "access_token")}).want(t, http.StatusOK).json(t)
		item := toks["items"].([]any)[0].(map[string]any)
		if item["ip_last_accessed"] != "127.0.0.1" || item["date_last_accessed"] == nil {
			t.Errorf("last access not recorded: %v", item)
		}
	})
}

func TestPasswordGrantErrors(t *testing.T) {
	authEngines(t, func(t *testing.T, e *env) {
		e.user(e.root, "alice", hub.RolePartnerSupervisor)
		path := "/core/v2/oauth/token"
		good := func() url.Values {
			return url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {testPass}}
		}
		with := func(k, v string) url.Values { f := good(); f.Set(k, v); return f }

		r := e.form(t, path, "", with("password", "wrong password!"))
		r.wantError(t, http.StatusUnauthorized, "")
		if r.header.Get("WWW-Authenticate") == "" {
			t.Error("401 without WWW-Authenticate")
		}
		e.form(t, path, "", with("username", "nobody")).wantError(t, http.StatusUnauthorized, "")

		// Only form bodies: JSON or no Content-Type is 415.
		e.do(t, req{method: "POST", path: path, body: `{"grant_type":"password","username":"alice","password":"` + testPass + `"}`}).
			wantError(t, http.StatusUnsupportedMediaType, "")
		e.do(t, req{method: "POST", path: path, body: good().Encode(), header: map[string]string{"Content-Type": ""}}).
			wantError(t, http.StatusUnsupportedMediaType, "")

		e.form(t, path, "", with("grant_type", "client_credentials")).wantError(t, http.StatusBadRequest, "grant_type")
		e.form(t, path, "", url.Values{"username": {"alice"}}).wantError(t, http.StatusBadRequest, "grant_type")
		e.form(t, path, "", with("username", "")).wantError(t, http.StatusBadRequest, "username")
		e.form(t, path, "", url.Values{"grant_type": {"password"}, "username": {"alice"}}).wantError(t, http.StatusBadRequest, "password")
		for _, bad := range []string{"abc", "0", "-5", "1.5"} {
			e.form(t, path, "", with("access_token_expires_in", bad)).wantError(t, http.StatusBadRequest, "access_token_expires_in")
		}
		dup := good()
		dup.Add("username", "alice")
		e.form(t, path, "", dup).wantError(t, http.StatusBadRequest, "username")
		// Credentials in the query string are not read.
		e.do(t, req{method: "POST", path: path + "?" + good().Encode(), body: "grant_type=password",
			header: map[string]string{"Content-Type": formType}}).wantError(t, http.StatusBadRequest, "username")
		e.do(t, req{method: "GET", path: path}).wantError(t, http.StatusMethodNotAllowed, "")
	})
}

func TestPasswordGrantThrottled(t *testing.T) {
	e := newAuthEnv(t, "sqlite")
	e.user(e.root, "alice", hub.RolePartnerSupervisor)
	f := url.Values{"grant_type": {"password"}, "username": {"alice"}, "password": {"not the password"}}
	for range 10 {
		e.form(t, "/core/v2/oauth/token", "", f).want(t, http.StatusUnauthorized)
	}
	r := e.form(t, "/core/v2/oauth/token", "", f)
	r.wantError(t, http.StatusTooManyRequests, "")
	if secs, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || secs < 60 {
		t.Errorf("Retry-After %q, want about the 5-minute window", r.header.Get("Retry-After"))
	}
	// The right password is refused too while the username is blocked.
	f.Set("password", testPass)
	e.form(t, "/core/v2/oauth/token", "", f).want(t, http.StatusTooManyRequests)
}

func TestTokenExpiresIn(t *testing.T) {
	authEngines(t, func(t *testing.T, e *env) {
		e.user(e.root, "alice", hub.RolePartnerSupervisor)
		for _, c := range []struct {
			sent string
			want time.Duration
		}{
			{"120", 120 * time.Second},
			{"999999999999", hub.MaxTokenTTL}, // capped
		} {
			tok := e.grant(t, "alice", "access_token_expires_in", c.sent)
			created, _ := time.Parse(dateLayout, str(tok, "date_created"))
			exp, err := time.Parse(dateLayout, str(tok, "date_expiration_access_token"))
			if err != nil || exp.Sub(created) != c.want {
				t.Errorf("expires_in %s: expiration %s - created %s = %v, want %v", c.sent, exp, created, exp.Sub(created), c.want)
			}
			if d := time.Until(exp) - c.want; d > 5*time.Second || d < -5*time.Second {
				t.Errorf("expires_in %s: expiration %s is not about now + %v", c.sent, exp, c.want)
			}
		}
	})
}

func TestTokenForSubPartner(t *testing.T) {
	authEngines(t, func(t *testing.T, e *env) {
		a := e.partner(e.root, "A")
		a1 := e.partner(a, "A1")
		b := e.partner(e.root, "B")
		e.user(e.root, "alice", hub.RolePartnerSupervisor)
		e.user(b, "bob", hub.RolePartnerSupervisor)
		alice := str(e.grant(t, "alice"), "access_token")

		r := e.do(t, req{method: "POST", path: "/core/v2/oauth/token/" + a.SID, token: alice}).want(t, http.StatusOK)
		tok := r.json(t)
		if str(tok, "partner_sid") != a.SID || str(tok, "access_token") == "" {
			t.Fatalf("token for A: %s", r.body)
		}
		// The token is homed at A: it lists A's subtree only.
		list := e.do(t, req{method: "GET", path: "/core/v2/partners?order=company_name", token: str(tok, "access_token")}).want(t, http.StatusOK).json(t)
		var sids []string
		for _, it := range list["items"].([]any) {
			sids = append(sids, str(it.(map[string]any), "partner_sid"))
		}
		if first := list["items"].([]any)[0].(map[string]any); str(first, "parent_sid") != e.root.SID {
			t.Errorf("A's parent_sid %v, want the root's (outside the token's subtree)", first["parent_sid"])
		}
		if !slices.Equal(sids, []string{a.SID, a1.SID}) || list["total"] != float64(2) {
			t.Errorf("listing with A's token: %v, want A and A1", sids)
		}
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + b.SID, token: str(tok, "access_token")}).want(t, http.StatusNotFound)

		// A form body may set the lifetime.
		r = e.form(t, "/core/v2/oauth/token/"+a1.SID, alice, url.Values{"access_token_expires_in": {"60"}}).want(t, http.StatusOK)
		tok = r.json(t)
		created, _ := time.Parse(dateLayout, str(tok, "date_created"))
		exp, _ := time.Parse(dateLayout, str(tok, "date_expiration_access_token"))
		if str(tok, "partner_sid") != a1.SID || exp.Sub(created) != time.Minute {
			t.Errorf("token for A1 with 60s: %s", r.body)
		}
		e.form(t, "/core/v2/oauth/token/"+a1.SID, alice, url.Values{"access_token_expires_in": {"x"}}).
			wantError(t, http.StatusBadRequest, "access_token_expires_in")
		e.do(t, req{method: "POST", path: "/core/v2/oauth/token/" + a1.SID, token: alice, body: `{}`}).
			wantError(t, http.StatusUnsupportedMediaType, "")

		// Unknown, malformed and invisible partners: the same 404.
		bob := str(e.grant(t, "bob"), "access_token")
		unknown := e.do(t, req{method: "POST", path: "/core/v2/oauth/token/" + hub.NewSID(), token: alice}).want(t, http.StatusNotFound)
		malformed := e.do(t, req{method: "POST", path: "/core/v2/oauth/token/not-a-sid", token: alice}).want(t, http.StatusNotFound)
		invisible := e.do(t, req{method: "POST", path: "/core/v2/oauth/token/" + a.SID, token: bob}).want(t, http.StatusNotFound)
		if string(unknown.body) != string(invisible.body) || string(malformed.body) != string(invisible.body) {
			t.Errorf("404 bodies differ: %s / %s / %s", unknown.body, malformed.body, invisible.body)
		}
		e.do(t, req{method: "POST", path: "/core/v2/oauth/token/" + a.SID}).wantError(t, http.StatusUnauthorized, "")
	})
}

func TestTokenListAndRevoke(t *testing.T) {
	authEngines(t, func(t *testing.T, e *env) {
		b := e.partner(e.root, "B")
		e.user(e.root, "alice", hub.RolePartnerSupervisor)
		e.user(b, "bob", hub.RolePartnerSupervisor)
		first := e.grant(t, "alice", "client_id", "one")
		second := e.grant(t, "alice", "client_id", "two")
		bob := e.grant(t, "bob")
		alice := str(second, "access_token")

		r := e.do(t, req{method: "GET", path: "/core/v2/oauth/tokens", token: alice}).want(t, http.StatusOK)
		list := r.json(t)
		items := list["items"].([]any)
		if list["total"] != float64(2) || len(items) != 2 || list["count"] != float64(2) {
			t.Fatalf("list: %s", r.body)
		}
		newest := items[0].(map[string]any)
		if str(newest, "token_sid") != str(second, "token_sid") {
			t.Errorf("newest first: got %s", str(newest, "token_sid"))
		}
		for _, it := range items {
			m := it.(map[string]any)
			if m["access_token"] != nil || m["refresh_token"] != nil {
				t.Errorf("a listing shows a secret: %v", m)
			}
		}
		// limit/offset, filter and order by the Token's keys.
		page := e.do(t, req{method: "GET", path: "/core/v2/oauth/tokens?limit=1&offset=1", token: alice}).want(t, http.StatusOK).json(t)
		if str(page["items"].([]any)[0].(map[string]any), "token_sid") != str(first, "token_sid") || page["has_more"] != false {
			t.Errorf("second page: %v", page)
		}
		filtered := e.do(t, req{method: "GET", path: "/core/v2/oauth/tokens?filter=" + url.QueryEscape("client_id eq one") + "&order=date_created+asc",
			token: alice}).want(t, http.StatusOK).json(t)
		if filtered["total"] != float64(1) {
			t.Errorf("filtered: %v", filtered)
		}
		e.do(t, req{method: "GET", path: "/core/v2/oauth/tokens?filter=" + url.QueryEscape("user_id eq 1"), token: alice}).
			wantError(t, http.StatusBadRequest, "filter")
		e.do(t, req{method: "GET", path: "/core/v2/oauth/tokens?order=sid", token: alice}).wantError(t, http.StatusBadRequest, "order")
		cur := e.do(t, req{method: "GET", path: "/core/v2/oauth/tokens?after=" + str(second, "token_sid"), token: alice}).want(t, http.StatusOK).json(t)
		if cur["total"] != float64(2) || len(cur["items"].([]any)) != 1 {
			t.Errorf("after the newest: %v", cur)
		}
		e.do(t, req{method: "GET", path: "/core/v2/oauth/tokens?after=" + str(bob, "token_sid"), token: alice}).wantError(t, http.StatusBadRequest, "after")

		// Revoke the first token: it stops authenticating at once.
		e.do(t, req{method: "GET", path: "/core/v2/partners", token: str(first, "access_token")}).want(t, http.StatusOK)
		r = e.do(t, req{method: "DELETE", path: "/core/v2/oauth/tokens/" + str(first, "token_sid"), token: alice}).want(t, http.StatusNoContent)
		if len(r.body) != 0 {
			t.Errorf("204 with a body: %s", r.body)
		}
		e.do(t, req{method: "GET", path: "/core/v2/partners", token: str(first, "access_token")}).wantError(t, http.StatusUnauthorized, "")

		// Unknown, malformed and another partner's tokens: 404.
		e.do(t, req{method: "DELETE", path: "/core/v2/oauth/tokens/" + hub.NewSID(), token: alice}).wantError(t, http.StatusNotFound, "")
		e.do(t, req{method: "DELETE", path: "/core/v2/oauth/tokens/nope", token: alice}).wantError(t, http.StatusNotFound, "")
		e.do(t, req{method: "DELETE", path: "/core/v2/oauth/tokens/" + str(second, "token_sid"), token: str(bob, "access_token")}).
			wantError(t, http.StatusNotFound, "")
		e.do(t, req{method: "GET", path: "/core/v2/partners", token: alice}).want(t, http.StatusOK)
	})
}

func TestRefreshGrant(t *testing.T) {
	authEngines(t, func(t *testing.T, e *env) {
		e.user(e.root, "alice", hub.RolePartnerSupervisor)
		old := e.grant(t, "alice", "client_id", "app")
		refresh := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {str(old, "refresh_token")}}

		r := e.form(t, "/core/v2/oauth/token", "", refresh).want(t, http.StatusOK)
		next := r.json(t)
		if str(next, "access_token") == "" || str(next, "access_token") == str(old, "access_token") ||
			str(next, "token_sid") == str(old, "token_sid") || str(next, "client_id") != "app" {
			t.Fatalf("refreshed token: %s", r.body)
		}
		// Rotation: the old refresh and access tokens no longer work.
		e.form(t, "/core/v2/oauth/token", "", refresh).wantError(t, http.StatusUnauthorized, "")
		e.do(t, req{method: "GET", path: "/core/v2/partners", token: str(old, "access_token")}).want(t, http.StatusUnauthorized)
		e.do(t, req{method: "GET", path: "/core/v2/partners", token: str(next, "access_token")}).want(t, http.StatusOK)

		e.form(t, "/core/v2/oauth/token", "", url.Values{"grant_type": {"refresh_token"}}).wantError(t, http.StatusBadRequest, "refresh_token")
		e.form(t, "/core/v2/oauth/token", "", url.Values{"grant_type": {"refresh_token"}, "refresh_token": {"garbage"}}).
			wantError(t, http.StatusUnauthorized, "")
	})
}
