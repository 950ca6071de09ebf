package console

import (
	"net/http"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// signInMessages are the messages the sign-in page shows by code (?m=).
var signInMessages = map[string]string{
	"required":   "Please sign in to continue.",
	"ended":      "Your session ended because your account changed. Please sign in again.",
	"signed-out": "You are signed out.",
}

// signInData is the sign-in page's data.
type signInData struct {
	Token    string // the form's double-submit token
	Next     string // where to go afterwards
	Username string // as typed, on a failed attempt
	Notice   string // a message from the previous page
	Error    string // why the last attempt failed
}

// signInForm shows the sign-in form; a signed-in user goes home.
func (c *console) signInForm(w http.ResponseWriter, r *http.Request, _ hub.Principal) {
	if _, err := (sessionAuthn{c}).Principal(r); err == nil {
		http.Redirect(w, r, Prefix+"/", http.StatusSeeOther)
		return
	}
	q := r.URL.Query()
	d := signInData{Token: c.signInToken(w, r), Next: safeNext(q.Get("next")), Notice: signInMessages[q.Get("m")]}
	c.render(w, r, http.StatusOK, "signin", c.newView(r.Context(), hub.Principal{}, "Sign in", "", d))
}

// signIn checks a username (or partner login) and password through the
// APIs' throttled password check and starts a new session: a fresh token
// (no session fixation), the user's id and version, and a fresh CSRF
// token.
func (c *console) signIn(w http.ResponseWriter, r *http.Request, _ hub.Principal) {
	if err := r.ParseForm(); err != nil {
		c.fail(w, r, hub.Principal{}, &httpapi.RequestError{Status: http.StatusBadRequest, Message: "the form could not be read", Err: err})
		return
	}
	ctx := r.Context()
	username, password := r.PostForm.Get("username"), r.PostForm.Get("password")
	d := signInData{Next: safeNext(r.PostForm.Get("next")), Username: username}
	again := func(status int, msg string) {
		d.Token, d.Error = c.signInToken(w, r), msg
		c.render(w, r, status, "signin", c.newView(ctx, hub.Principal{}, "Sign in", "", d))
	}
	if !signInTokenOK(r) {
		again(http.StatusForbidden, "The sign-in form had expired or did not come from this page. Please try again.")
		return
	}
	if username == "" || password == "" {
		again(http.StatusBadRequest, "Enter your username (or partner login) and your password.")
		return
	}
	pr, err := c.authn.Basic(ctx, username, password, httpapi.ClientIP(r))
	switch {
	case hub.IsKind(err, hub.Unauthenticated):
		again(http.StatusUnauthorized, "Wrong username or password, or the account cannot sign in.")
		return
	case hub.IsKind(err, hub.RateLimited):
		wait := httpapi.RetryAfter(err)
		w.Header().Set("Retry-After", strconv.Itoa(wait))
		again(http.StatusTooManyRequests, "Too many failed sign-ins. Wait "+strconv.Itoa(wait)+" seconds, then try again.")
		return
	case hub.IsKind(err, hub.Unavailable):
		w.Header().Set("Retry-After", strconv.Itoa(httpapi.RetryAfter(err)))
		again(http.StatusServiceUnavailable, "The service is busy. Try again in a moment.")
		return
	case err != nil:
		c.fail(w, r, hub.Principal{}, err)
		return
	}
	if pr.UserID == 0 {
		again(http.StatusUnauthorized, "Only users sign in to the console.")
		return
	}
	// The version the session is bound to: any later change to the user
	// (a new password above all) ends the session.
	_, version, err := c.svc.UserPrincipal(ctx, pr.UserID)
	if err != nil {
		c.fail(w, r, hub.Principal{}, err)
		return
	}
	name := username
	if u, err := c.svc.User(ctx, pr, pr.UserID); err == nil {
		name = u.Username
	}
	sm := c.sessions
	if err := sm.RenewToken(ctx); err != nil {
		c.fail(w, r, hub.Principal{}, err)
		return
	}
	sm.Put(ctx, keyUserID, pr.UserID)
	sm.Put(ctx, keyVersion, version)
	sm.Put(ctx, keyUsername, name)
	sm.Put(ctx, keyCSRF, newToken())
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Path: Prefix + "/sign-in", MaxAge: -1, HttpOnly: true, Secure: c.secure,
		SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, d.Next, http.StatusSeeOther)
}

// signOut ends the session, here and for every replica.
func (c *console) signOut(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	if err := c.sessions.Destroy(r.Context()); err != nil {
		c.fail(w, r, pr, err)
		return
	}
	http.Redirect(w, r, Prefix+"/sign-in?m=signed-out", http.StatusSeeOther)
}

// home is the console's start page: the tree at the user's home partner,
// or a client-level user's own client.
func (c *console) home(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	if pr.ClientID != 0 {
		http.Redirect(w, r, Prefix+"/clients/"+strconv.FormatInt(pr.ClientID, 10), http.StatusSeeOther)
		return
	}
	c.treeAt(w, r, pr, hub.PartnerKey{ID: pr.PartnerID})
}
