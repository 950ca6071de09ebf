package carrierx

import (
	"context"
	"errors"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// partnerKey reads the {partner_sid} path value; a value that is not a
// UUID cannot name a partner and gets the same 404 as a missing one.
func partnerKey(r *http.Request) (hub.PartnerKey, error) {
	sid := r.PathValue("partner_sid")
	if !hub.IsSID(sid) {
		return hub.PartnerKey{}, errPartnerNotFound()
	}
	return hub.PartnerKey{SID: sid}, nil
}

// partnerReadAhead lets the token check of a request read the partner
// {partner_sid} names along with the token (hub.WithPartnerReadAhead); a
// value that is no SID, answered 404 without a read, reads nothing ahead.
func partnerReadAhead(r *http.Request) context.Context {
	key, err := partnerKey(r)
	if err != nil {
		return r.Context()
	}
	return hub.WithPartnerReadAhead(r.Context(), key)
}

// getPartner serves GET /core/v2/partners/{partner_sid}.
func (a *api) getPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	sel, err := parseFieldSelection(r.URL.Query(), partnerKeys)
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	key, err := partnerKey(r)
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	p, err := a.svc.Partner(r.Context(), pr, key)
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	a.writePartner(w, r, p, sel, a.memo)
}

// writePartner answers 200 with the rendered partner and its ETag. memo,
// when not nil, serves and keeps the full object (it is used only without
// a field selection, and only for partners as read from the store); write
// responses pass nil.
func (a *api) writePartner(w http.ResponseWriter, r *http.Request, p *hub.Partner, sel *fieldSelection, memo *partnerMemo) {
	bp := httpapi.GetBuffer()
	defer httpapi.PutBuffer(bp)
	var b []byte
	var err error
	if sel == nil && memo != nil {
		b, err = memo.appendPartner(*bp, p)
	} else {
		b, err = appendPartner(*bp, p, sel)
	}
	*bp = b
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	b = append(b, '\n')
	*bp = b
	httpapi.SetETag(w, p.Version)
	httpapi.WriteBody(w, http.StatusOK, b)
}

// createPartner serves POST /core/v2/partners: 200 with the new partner.
// parent_sid places it under a visible partner (default: the caller's home
// partner); an unknown or invisible parent_sid is a 422 naming the field.
// login and password (together) create the partner's login in the same
// transaction; a taken login is a 409 naming login and creates nothing.
//
// parent_sid is resolved, with the caller's visibility, before anything
// else in the body is decoded or validated: a missing and an invisible
// parent then get the same answer byte for byte whatever else is wrong
// with the body, so the answer cannot tell which SIDs exist.
func (a *api) createPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	obj, ok := a.readObject(w, r)
	if !ok {
		return
	}
	parentID := pr.PartnerID
	if raw, sent := obj["parent_sid"]; sent {
		sid, err := decodeString("parent_sid", raw)
		if err == nil {
			parentID, err = a.visibleParentID(r.Context(), pr, sid)
		}
		if err != nil {
			a.writeError(w, r, err, fromBody)
			return
		}
	}
	in, err := decodePartnerInput(obj, createSet, nil)
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	login, err := in.partnerLogin(true)
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	var p hub.Partner
	in.apply(&p, true)
	p.ParentID = parentID
	created, err := a.svc.CreatePartnerWithLogin(r.Context(), pr, &p, login)
	if hub.IsKind(err, hub.NotFound) { // the parent vanished or became invisible
		err = errParentNotFound()
	}
	if err != nil {
		a.writeError(w, r, publicFields(err), fromBody)
		return
	}
	a.writePartner(w, r, created, nil, nil)
}

// errParentNotFound is the one answer for a parent_sid that is not a SID,
// names no partner, or names one the caller cannot see.
func errParentNotFound() error { return hub.InvalidField("parent_sid", "partner not found") }

// visibleParentID translates a parent_sid to the id the hub takes through
// hub.Service.VisibleParent: a malformed, missing and invisible SID all
// give errParentNotFound. CreatePartner checks visibility again inside its
// transaction.
func (a *api) visibleParentID(ctx context.Context, pr hub.Principal, sid string) (int64, error) {
	p, err := a.svc.VisibleParent(ctx, pr, hub.PartnerKey{SID: sid})
	if hub.IsKind(err, hub.NotFound) {
		return 0, errParentNotFound()
	}
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// patchPartner serves PATCH /core/v2/partners/{partner_sid}: only the sent
// keys change.
func (a *api) patchPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	a.updatePartner(w, r, pr, nil)
}

// putPartner serves PUT /core/v2/partners/{partner_sid}: every modifiable
// key must be sent.
func (a *api) putPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	a.updatePartner(w, r, pr, modifiableKeys)
}

// updatePartner is PATCH and PUT. Nested objects merge key by key unless
// ?nested_objects=replace; If-Match pins the version (stale: 412). login
// and password (ours, never required) give the partner a login or change
// it, by an ancestor only (403 for the partner itself).
func (a *api) updatePartner(w http.ResponseWriter, r *http.Request, pr hub.Principal, required []string) {
	q := r.URL.Query()
	replace := false
	switch q.Get("nested_objects") {
	case "":
	case "replace":
		replace = true
	case "merge":
	default:
		a.writeError(w, r, queryError("nested_objects", "must be replace or merge"), fromQuery)
		return
	}
	ifVersion, err := httpapi.ParseIfMatch(r)
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	obj, ok := a.readObject(w, r)
	if !ok {
		return
	}
	in, err := decodePartnerInput(obj, updateSet, required)
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	login, err := in.partnerLogin(false)
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	key, err := partnerKey(r)
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	// The hub refuses parent_assigned_acls changed by the partner itself
	// (sending the stored value back is fine), and a partner's login
	// changed by anyone but an ancestor.
	updated, err := a.svc.UpdatePartnerWithLogin(r.Context(), pr, key, ifVersion, func(p *hub.Partner) error {
		in.apply(p, replace)
		return nil
	}, login)
	if ifVersion != 0 && errors.Is(err, hub.ErrStale) {
		err = preconditionFailed()
	}
	if err != nil {
		a.writeError(w, r, publicFields(err), fromBody)
		return
	}
	a.writePartner(w, r, updated, nil, nil)
}

// deletePartner serves DELETE /core/v2/partners/{partner_sid}: 204 with an
// empty body. Only a partner without sub-partners and clients can go (409
// otherwise).
func (a *api) deletePartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	key, err := partnerKey(r)
	if err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	if err := a.svc.DeletePartner(r.Context(), pr, key); err != nil {
		a.writeError(w, r, err, fromBody)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
