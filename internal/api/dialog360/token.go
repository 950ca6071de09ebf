package dialog360

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// tokenJSON is the answer of POST /token. refresh_token is ours (the
// vendor's public .NET client reads it when present).
type tokenJSON struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

// oauthError is the OAuth-style error body of POST /token.
type oauthError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

// issueToken serves POST /token without prior authentication:
// {"username": "...", "password": "..."} -> a bearer token acting at the
// user's home partner, valid for a day. The password is checked through
// the authenticator's Basic, so failures are throttled exactly like HTTP
// Basic. Errors are OAuth-style: invalid_request (400) for a body that is
// not such an object, invalid_grant (401) for wrong credentials,
// too_many_attempts (429, Retry-After) and temporarily_unavailable (503)
// from the throttles.
func (a *api) issueToken(w http.ResponseWriter, r *http.Request, _ hub.Principal) {
	username, password, err := tokenInput(r)
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, "invalid_request", err)
		return
	}
	ctx := r.Context()
	pr, err := a.authn.Basic(ctx, username, password, httpapi.ClientIP(r))
	var it *hub.IssuedToken
	if err == nil {
		it, err = a.svc.IssueToken(ctx, pr, hub.TokenRequest{Name: "api/v2 token", OAuthClientID: "api/v2"})
	}
	if err != nil {
		a.tokenError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, tokenJSON{AccessToken: it.Access, TokenType: "Bearer",
		ExpiresIn: int64(it.Token.ExpiresAt.Sub(it.Token.CreatedAt).Seconds()), RefreshToken: it.Refresh})
}

// tokenInput reads the token request body.
func tokenInput(r *http.Request) (string, string, error) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		return "", "", err
	}
	b := body(obj)
	if err := b.only("username", "password"); err != nil {
		return "", "", err
	}
	username, okUser, err := b.str("username")
	if err != nil {
		return "", "", err
	}
	password, okPass, err := b.str("password")
	if err != nil {
		return "", "", err
	}
	if !okUser || username == "" || !okPass || password == "" {
		return "", "", errors.New("username and password are required")
	}
	return username, password, nil
}

// tokenError answers a failed login OAuth-style; anything but a refusal
// of the credentials or a throttle goes through the face's errors.
func (a *api) tokenError(w http.ResponseWriter, r *http.Request, err error) {
	switch hub.ErrorKind(err) {
	case hub.Unauthenticated, hub.Forbidden:
		writeOAuthError(w, http.StatusUnauthorized, "invalid_grant", errors.New("wrong username or password"))
	case hub.RateLimited:
		w.Header().Set("Retry-After", strconv.Itoa(httpapi.RetryAfter(err)))
		writeOAuthError(w, http.StatusTooManyRequests, "too_many_attempts", errors.New("too many failed logins; retry later"))
	case hub.Unavailable:
		w.Header().Set("Retry-After", strconv.Itoa(httpapi.RetryAfter(err)))
		writeOAuthError(w, http.StatusServiceUnavailable, "temporarily_unavailable", errors.New("the service is busy; retry later"))
	default:
		a.writeError(w, r, err)
	}
}

// writeOAuthError writes an OAuth-style error. A request problem keeps
// its message (it is about the request, not the credentials).
func writeOAuthError(w http.ResponseWriter, status int, code string, err error) {
	var re *httpapi.RequestError
	if errors.As(err, &re) && re.Status != http.StatusBadRequest {
		status = re.Status
	}
	writeJSON(w, status, oauthError{Error: code, Description: err.Error()})
}
