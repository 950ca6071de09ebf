package console

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/alexedwards/scs/v2"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// The session's keys. A session holds who signed in (the user id and the
// user's version at sign-in), the name to greet, the CSRF token and a
// one-time message; never a password or a principal: the principal is
// read again on every request, so a deactivated user, a blocked partner
// or a changed role takes effect at once.
const (
	keyUserID   = "uid"
	keyVersion  = "ver"
	keyUsername = "name"
	keyCSRF     = "csrf"
	keyFlash    = "flash"
)

// cookieName names the session cookie.
const cookieName = "partnerhub_console"

// newSessionManager configures scs: the store, both timeouts, and a
// cookie scoped to the console that scripts cannot read and that no other
// site's request carries.
func newSessionManager(cfg Config, onError func(http.ResponseWriter, *http.Request, error)) *scs.SessionManager {
	sm := scs.New()
	if cfg.Sessions != nil {
		sm.Store = cfg.Sessions
	}
	// The store keeps the token's SHA-256, never the token: a copy of
	// the table cannot be replayed as cookies.
	sm.HashTokenInStore = true
	sm.IdleTimeout = cfg.IdleTimeout
	sm.Lifetime = cfg.Lifetime
	sm.Cookie.Name = cookieName
	sm.Cookie.Path = Prefix + "/"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteStrictMode
	sm.Cookie.Secure = cfg.Secure
	// A session cookie: it goes with the browser, and the server-side
	// expiry ends it in any case.
	sm.Cookie.Persist = false
	sm.ErrorFunc = onError
	return sm
}

// sessionError answers a failure of the session store (the database).
func (c *console) sessionError(w http.ResponseWriter, r *http.Request, err error) {
	c.errs.Write(w, r, &hub.Error{Kind: hub.Unavailable, Message: "the session store is unavailable; retry shortly", Err: err})
}

// sessionAuthn is the console's httpapi.Authenticator: the principal of
// the session's user, read afresh. A session whose user changed since
// sign-in (its version moved: a new password, role or status, or any
// other change to the account) ends, as does one whose user can no longer
// authenticate (inactive, or homed under a suspended or inactive
// partner).
type sessionAuthn struct{ c *console }

// Principal returns the signed-in user's principal, or Unauthenticated.
func (a sessionAuthn) Principal(r *http.Request) (hub.Principal, error) {
	ctx := r.Context()
	sm := a.c.sessions
	uid := sm.GetInt64(ctx, keyUserID)
	if uid == 0 {
		return hub.Principal{}, hub.Errorf(hub.Unauthenticated, msgSignIn)
	}
	pr, version, err := a.c.svc.UserPrincipal(ctx, uid)
	if err == nil && version == sm.GetInt64(ctx, keyVersion) {
		return pr, nil
	}
	if err != nil && !hub.IsKind(err, hub.Unauthenticated) {
		return hub.Principal{}, err
	}
	if err := sm.Destroy(ctx); err != nil {
		return hub.Principal{}, err
	}
	return hub.Principal{}, hub.Errorf(hub.Unauthenticated, msgEnded)
}

// Basic is the wrapped authenticator's password check.
func (a sessionAuthn) Basic(ctx context.Context, user, pass, ip string) (hub.Principal, error) {
	return a.c.authn.Basic(ctx, user, pass, ip)
}

var _ httpapi.Authenticator = sessionAuthn{}

// The messages of a refused session; the sign-in page names them by code
// (never by text from the URL, which anyone could write).
const (
	msgSignIn = "please sign in"
	msgEnded  = "your session ended because your account changed; please sign in again"
)

// signInURL is the sign-in page that returns to r's page afterwards
// (for a GET; a form post returns to the console's home), showing the
// message of code (see signInMessages).
func signInURL(r *http.Request, code string) string {
	q := url.Values{}
	if r.Method == http.MethodGet && r.URL.Path != Prefix+"/" && r.Header.Get("HX-Request") == "" {
		q.Set("next", r.URL.RequestURI())
	}
	if code != "" {
		q.Set("m", code)
	}
	if len(q) == 0 {
		return Prefix + "/sign-in"
	}
	return Prefix + "/sign-in?" + q.Encode()
}

// safeNext returns next when it is a path inside the console (so a link
// cannot send a user signing in to another site), else the home page.
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || u.Scheme != "" || u.Host != "" || u.User != nil ||
		!strings.HasPrefix(u.Path, Prefix+"/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return Prefix + "/"
	}
	return next
}

// flash stores a one-time message shown on the next page.
func (c *console) flash(ctx context.Context, msg string) { c.sessions.Put(ctx, keyFlash, msg) }
