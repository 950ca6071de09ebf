package carrierx

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// issueToken serves POST /core/v2/oauth/token without prior
// authentication: grant_type=password (username, password, optional
// client_id; client_secret is accepted and ignored) or
// grant_type=refresh_token (refresh_token), each with an optional
// access_token_expires_in in seconds. 200 with the Token object.
func (a *api) issueToken(w http.ResponseWriter, r *http.Request, _ hub.Principal) {
	form, ok := a.readForm(w, r, false)
	if !ok {
		return
	}
	ctx := r.Context()
	it, err := a.grant(ctx, form, httpapi.ClientIP(r))
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	writeIssued(w, it)
}

// grant runs the grant the form names. Form problems are 400 naming the
// parameter, checked before any credential.
func (a *api) grant(ctx context.Context, form url.Values, ip string) (*hub.IssuedToken, error) {
	grant, err := formParam(form, "grant_type", true)
	if err != nil {
		return nil, err
	}
	switch grant {
	case "password":
		user, err := formParam(form, "username", true)
		if err != nil {
			return nil, err
		}
		pass, err := formParam(form, "password", true)
		if err != nil {
			return nil, err
		}
		client, err := formParam(form, "client_id", false)
		if err != nil {
			return nil, err
		}
		ttl, err := expiresIn(form)
		if err != nil {
			return nil, err
		}
		return a.passwordGrant(ctx, user, pass, ip, hub.TokenRequest{OAuthClientID: client, TTL: ttl})
	case "refresh_token":
		refresh, err := formParam(form, "refresh_token", true)
		if err != nil {
			return nil, err
		}
		ttl, err := expiresIn(form)
		if err != nil {
			return nil, err
		}
		return a.svc.RefreshToken(ctx, refresh, ttl)
	}
	return nil, queryError("grant_type", "must be password or refresh_token")
}

// passwordGrant checks the credentials through the authenticator, under
// the same failure throttles as HTTP Basic, and issues a token at the
// user's home.
func (a *api) passwordGrant(ctx context.Context, user, pass, ip string, req hub.TokenRequest) (*hub.IssuedToken, error) {
	pr, err := a.authn.Basic(ctx, user, pass, ip)
	if err != nil {
		return nil, err
	}
	return a.svc.IssueToken(ctx, pr, req)
}

// issueTokenForPartner serves POST /core/v2/oauth/token/{partner_sid}: a
// token for the caller's user acting at one of the caller's visible
// partners (unknown or invisible: 404). The body is empty or form-encoded
// with an optional access_token_expires_in and client_id.
func (a *api) issueTokenForPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	form, ok := a.readForm(w, r, true)
	if !ok {
		return
	}
	ttl, err := expiresIn(form)
	var client string
	if err == nil {
		client, err = formParam(form, "client_id", false)
	}
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	key, err := partnerKey(r)
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	it, err := a.svc.IssueTokenForPartner(r.Context(), pr, key, hub.TokenRequest{OAuthClientID: client, TTL: ttl})
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	writeIssued(w, it)
}

// writeIssued answers 200 with a new token and its secrets, which must not
// be cached (RFC 6749 section 5.1).
func writeIssued(w http.ResponseWriter, it *hub.IssuedToken) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	writeJSON(w, http.StatusOK, toTokenJSON(&it.Token, it.Access, it.Refresh))
}

// expiresIn reads access_token_expires_in: a positive whole number of
// seconds (400 naming the field otherwise); absent or empty is 0, the
// hub's default. Values beyond hub.MaxTokenTTL are capped (by the hub;
// here too, so that the multiplication cannot overflow).
func expiresIn(form url.Values) (time.Duration, error) {
	v, err := formParam(form, "access_token_expires_in", false)
	if err != nil || v == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		return 0, queryError("access_token_expires_in", "must be a positive whole number of seconds")
	}
	maxSecs := int64(hub.MaxTokenTTL / time.Second)
	return time.Duration(min(n, maxSecs)) * time.Second, nil
}
