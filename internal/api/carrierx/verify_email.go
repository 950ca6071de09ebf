package carrierx

import (
	"encoding/json"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// emailVerificationJSON answers POST /partners/{partner_sid}/verify_email.
// partnerhub sends no mail: the token goes back to the caller (an ancestor
// of the partner, or an operator), who delivers it to the address.
type emailVerificationJSON struct {
	Field             string `json:"field"`
	VerificationToken string `json:"verification_token"`
}

// emailVerifiedJSON answers the public POST /verify_email. It is all an
// anonymous token holder learns: not the partner object.
type emailVerifiedJSON struct {
	PartnerSID string `json:"partner_sid"`
	Field      string `json:"field"`
	Verified   bool   `json:"verified"`
}

// requestEmailVerification serves POST
// /core/v2/partners/{partner_sid}/verify_email with {"field": "owner_email"}
// (or billing_email, tech_email): 200 with a single-use token, valid for
// 48 hours, bound to the field's current address. An empty field is a 422
// naming it; an unknown or invisible partner 404; the partner itself
// asking (the token would come back to it) 403.
func (a *api) requestEmailVerification(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	field, ok := a.readStringMember(w, r, "field")
	if !ok {
		return
	}
	key, err := partnerKey(r)
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	token, err := a.svc.RequestEmailVerification(r.Context(), pr, key, field)
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	writeJSON(w, http.StatusOK, emailVerificationJSON{Field: field, VerificationToken: token})
}

// verifyEmail serves the public POST /core/v2/verify_email with
// {"token": "..."}: 200 {"partner_sid", "field", "verified": true}. Any bad
// token (unknown, used, superseded, expired, or for an address since
// changed) is the same 422 naming token.
func (a *api) verifyEmail(w http.ResponseWriter, r *http.Request, _ hub.Principal) {
	token, ok := a.readStringMember(w, r, "token")
	if !ok {
		return
	}
	p, field, err := a.svc.VerifyEmail(r.Context(), token)
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	writeJSON(w, http.StatusOK, emailVerifiedJSON{PartnerSID: p.SID, Field: field, Verified: true})
}

// readStringMember reads a JSON object body whose only member is name, a
// non-empty string; anything else is answered (422 naming the key) and ok
// is false.
func (a *api) readStringMember(w http.ResponseWriter, r *http.Request, name string) (string, bool) {
	obj, ok := a.readObject(w, r)
	if !ok {
		return "", false
	}
	if err := checkKeys(obj, map[string]bool{name: true}); err != nil {
		a.writeError(w, r, err, fromBody)
		return "", false
	}
	raw, sent := obj[name]
	if !sent {
		raw = json.RawMessage("null")
	}
	s, err := decodeString(name, raw)
	if err == nil && s == "" {
		err = hub.InvalidField(name, "is required")
	}
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return "", false
	}
	return s, true
}
