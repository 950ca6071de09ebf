package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// Cross-site request forgery is refused twice over:
//   - net/http's CrossOriginProtection (around every page) refuses an
//     unsafe request that a browser marks as coming from another origin
//     (Sec-Fetch-Site, else Origin against Host). It also covers another
//     port of the same host, which SameSite=Strict does not: a "same
//     site" is not a same origin.
//   - every form carries a token that only the console's own pages know:
//     the session's (csrfField), compared in constant time. Before
//     sign-in there is no session, so the sign-in form uses a
//     double-submitted random cookie instead (signInCookie).

// csrfField is the form field (and csrfHeader the header) carrying the
// token.
const (
	csrfField  = "csrf"
	csrfHeader = "X-CSRF-Token"
)

// newToken returns 32 random bytes, base64url-encoded.
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// tokensEqual compares two tokens in constant time; empty never matches.
func tokensEqual(a, b string) bool {
	return a != "" && b != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

// errCSRF is the refusal of a state-changing request without the
// session's token.
var errCSRF = &httpapi.RequestError{Status: http.StatusForbidden,
	Message: "this form is out of date or did not come from the console; reload the page and try again"}

// withCSRF runs h only when the request carries the session's CSRF token
// in its form (or the X-CSRF-Token header). The form is read under the
// server's body limit.
func (c *console) withCSRF(h httpapi.Handler) httpapi.Handler {
	return func(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
		sent := r.Header.Get(csrfHeader)
		if sent == "" {
			if err := r.ParseForm(); err != nil {
				c.fail(w, r, pr, &httpapi.RequestError{Status: http.StatusBadRequest, Message: "the form could not be read", Err: err})
				return
			}
			sent = r.PostForm.Get(csrfField)
		}
		if !tokensEqual(sent, c.sessions.GetString(r.Context(), keyCSRF)) {
			c.fail(w, r, pr, errCSRF)
			return
		}
		h(w, r, pr)
	}
}

// crossOriginDenied answers a request CrossOriginProtection refused.
func (c *console) crossOriginDenied(w http.ResponseWriter, r *http.Request) {
	c.errs.Write(w, r, &httpapi.RequestError{Status: http.StatusForbidden,
		Message: "cross-origin requests are refused: use the console's own pages"})
}

// signInCookie carries the sign-in form's token: the form must send back
// the value of the cookie it came with (a double submit), which a page
// of another origin can neither read nor set.
const signInCookie = "partnerhub_console_signin"

// signInToken returns the token of the sign-in form, setting a fresh
// cookie when the request has none.
func (c *console) signInToken(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(signInCookie); err == nil && len(ck.Value) >= 32 {
		return ck.Value
	}
	tok := newToken()
	http.SetCookie(w, &http.Cookie{Name: signInCookie, Value: tok, Path: Prefix + "/sign-in", MaxAge: int(time.Hour / time.Second),
		HttpOnly: true, Secure: c.secure, SameSite: http.SameSiteStrictMode})
	return tok
}

// signInTokenOK reports whether a sign-in post carries its cookie's
// token.
func signInTokenOK(r *http.Request) bool {
	ck, err := r.Cookie(signInCookie)
	return err == nil && tokensEqual(ck.Value, r.PostForm.Get(csrfField))
}
