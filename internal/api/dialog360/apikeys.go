package dialog360

import (
	"net/http"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// listAPIKeys serves GET /partners/{partner_id}/api_keys (ours): the
// partner's own keys (revoked ones too), without their secrets.
func (a *api) listAPIKeys(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	lr, err := parseList(r.URL.Query(), apiKeys)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	page, err := a.svc.ListPartnerAPIKeys(r.Context(), pr, partnerKey(r), lr.query)
	if err != nil {
		a.writeError(w, r, listErrors(err))
		return
	}
	a.writeList(w, r, lr, "api_keys", len(page.Items), page.Total, func(dst []byte, i int) ([]byte, error) {
		return httpapi.AppendJSON(dst, toAPIKey(&page.Items[i]))
	})
}

// createAPIKey serves POST /partners/{partner_id}/api_keys (ours):
// {"name": "...", "scopes": [...], "expires_at": RFC 3339} -> 201 with
// the key and, this once, its secret in api_key (for X-API-Key). Scopes
// default to all of the caller's; none may exceed them.
func (a *api) createAPIKey(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	req, err := apiKeyInput(body(obj), pr)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	req.Partner = partnerKey(r)
	k, secret, err := a.svc.CreateAPIKey(r.Context(), pr, req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := toAPIKey(k)
	out.APIKey = secret
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusCreated, out)
}

// apiKeyInput reads a key create body.
func apiKeyInput(b body, pr hub.Principal) (hub.NewAPIKeyRequest, error) {
	var req hub.NewAPIKeyRequest
	if err := b.only("name", "scopes", "expires_at"); err != nil {
		return req, err
	}
	var err error
	if req.Name, _, err = b.str("name"); err != nil {
		return req, err
	}
	scopes, sent, err := b.strings("scopes")
	if err != nil {
		return req, err
	}
	req.Scopes = scopes
	if !sent {
		req.Scopes = pr.Scopes
	}
	exp, sent, err := b.str("expires_at")
	if err != nil {
		return req, err
	}
	if sent {
		t, err := time.Parse(time.RFC3339, exp)
		if err != nil {
			return req, invalid("expires_at", "must be an RFC 3339 time such as 2030-01-02T12:00:00Z")
		}
		req.ExpiresAt = &t
	}
	return req, nil
}

// revokeAPIKey serves DELETE /partners/{partner_id}/api_keys/{api_key_id}
// (ours): the key stops working at once; 204. A key of another partner,
// like a missing one, is 404.
func (a *api) revokeAPIKey(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	id, err := strconv.ParseInt(r.PathValue("api_key_id"), 10, 64)
	if err != nil || id <= 0 {
		id = -1 // names nothing: the hub answers NotFound without a query
	}
	if _, err := a.svc.RevokePartnerAPIKey(r.Context(), pr, partnerKey(r), id); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
