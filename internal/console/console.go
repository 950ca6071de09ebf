// Package console is partnerhub's web console for partner admins, served
// at /console/: the tree of the signed-in user's branch, partner pages
// (details, edit, sub-partners, clients, channels, users, move), change
// requests (lists, a request's live status, approve and reject, asking
// from a client's page, auto-approve), webhooks (URL, signing secret,
// deliveries), API keys, users and the audit log.
//
// It is a face like the vendor APIs, but for people: it speaks hub (the
// same Service calls, with the signed-in user's principal, so the role and
// subtree apply to everything shown, and an object outside the branch is
// the same "not found" page as a missing one), renders HTML on the server
// with html/template, and uses htmx (vendored, embedded) only to update
// parts of a page; every page reads without JavaScript.
//
// Sign-in goes through the same throttled password check as the APIs
// (httpapi.Authenticator's Basic). Sessions are kept by scs in the
// database (store.SessionStore), so they survive restarts and work across
// replicas; the cookie is HttpOnly and SameSite=Strict (and Secure behind
// an https public URL). Every state-changing request needs the session's
// CSRF token and passes net/http's CrossOriginProtection.
package console

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// Prefix is where the console is mounted.
const Prefix = "/console"

// Default session timeouts.
const (
	DefaultIdleTimeout = 30 * time.Minute
	DefaultLifetime    = 12 * time.Hour
)

// Config is what New needs.
type Config struct {
	// Service is the domain every page calls.
	Service *hub.Service
	// Authn checks sign-in passwords (its Basic, with the APIs'
	// throttles); *auth.Authenticator implements it.
	Authn httpapi.Authenticator
	// Sessions stores sessions (store.DB.Sessions); nil keeps them in
	// memory, for tests that need no database.
	Sessions scs.Store
	// Log receives internal errors; nil discards.
	Log *slog.Logger
	// Secure marks cookies Secure: set it when the public URL is https.
	Secure bool
	// IdleTimeout ends a session unused this long; 0: DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Lifetime ends a session this long after sign-in whatever its use;
	// 0: DefaultLifetime.
	Lifetime time.Duration
}

// console carries the dependencies; handlers are its methods.
type console struct {
	svc      *hub.Service
	authn    httpapi.Authenticator
	log      *slog.Logger
	sessions *scs.SessionManager
	secure   bool
	pages    *pages
	errs     *httpapi.Errors
}

// New returns the console's handler, serving full paths under /console/
// (the prefix is not stripped). It fails on a configuration without a
// service or an authenticator.
func New(cfg Config) (http.Handler, error) {
	if cfg.Service == nil || cfg.Authn == nil {
		return nil, errors.New("console: a service and an authenticator are required")
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.IdleTimeout <= 0 {
		cfg.IdleTimeout = DefaultIdleTimeout
	}
	if cfg.Lifetime <= 0 {
		cfg.Lifetime = DefaultLifetime
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	c := &console{svc: cfg.Service, authn: cfg.Authn, log: cfg.Log, secure: cfg.Secure, pages: p}
	c.sessions = newSessionManager(cfg, c.sessionError)
	c.errs = c.newErrors()
	return c.handler(), nil
}

// handler assembles the middleware: static files first (no session),
// then cross-origin protection for every unsafe method, the session, the
// security headers and the route table.
func (c *console) handler() http.Handler {
	mux := httpapi.NewMux(httpapi.Mux{Prefix: Prefix, Routes: c.routes(), Authn: sessionAuthn{c}, Errors: c.errs})
	pagesHandler := c.sessions.LoadAndSave(withSecurityHeaders(mux))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(c.crossOriginDenied))
	pagesHandler = cop.Handler(pagesHandler)
	static := staticHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isStatic(r.URL.Path) {
			static.ServeHTTP(w, r)
			return
		}
		pagesHandler.ServeHTTP(w, r)
	})
}

// withSecurityHeaders sets the headers every page carries: a strict
// content security policy (scripts and styles from the console only, no
// inline script, no framing), no MIME sniffing, no referrer outside the
// origin, and no caching of pages that show a user's data.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		h.Add("Vary", "HX-Request, HX-Target")
		next.ServeHTTP(w, r)
	})
}
