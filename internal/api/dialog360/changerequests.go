package dialog360

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// requestRef is the change request {pcr_id} names (a ref; anything else
// names nothing and is NotFound without a query).
func requestRef(r *http.Request) string { return r.PathValue("pcr_id") }

// listChangeRequests serves GET /partners/{partner_id}/selective_partner_change_requests:
// the requests addressed to the partner (it is their target), newest
// first unless sort says otherwise.
func (a *api) listChangeRequests(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	lr, err := parseList(r.URL.Query(), changeRequests)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	page, err := a.svc.ListChangeRequests(r.Context(), pr, partnerKey(r), hub.Incoming, lr.query)
	if err != nil {
		a.writeError(w, r, listErrors(err))
		return
	}
	a.writeList(w, r, lr, "partner_change_requests", len(page.Items), page.Total, func(dst []byte, i int) ([]byte, error) {
		return httpapi.AppendJSON(dst, page.Items[i].Public())
	})
}

// getChangeRequest serves GET .../selective_partner_change_requests/{pcr_id}
// (ours): a request of which the partner is the source or the target.
func (a *api) getChangeRequest(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	cr, err := a.svc.ChangeRequest(r.Context(), pr, partnerKey(r), 0, requestRef(r))
	a.writeRequest(w, r, http.StatusOK, cr, err)
}

// approveChangeRequest serves POST .../{pcr_id}/approve: the target side
// approves; the request becomes pending and its migration runs in the
// background. Approving a pending or completed request answers it
// unchanged. Any body is ignored.
func (a *api) approveChangeRequest(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	cr, err := a.svc.ApproveChangeRequest(r.Context(), pr, partnerKey(r), 0, requestRef(r))
	a.writeRequest(w, r, http.StatusOK, cr, err)
}

// rejectChangeRequest serves POST .../{pcr_id}/reject (ours): the target
// side rejects a created request. Any body is ignored.
func (a *api) rejectChangeRequest(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	cr, err := a.svc.RejectChangeRequest(r.Context(), pr, partnerKey(r), 0, requestRef(r))
	a.writeRequest(w, r, http.StatusOK, cr, err)
}

// createChangeRequest serves POST /partners/{partner_id}/clients/{client_id}/partner_change_request
// (ours): {"target_partner_id": "...PA" (or its UUID), "channels":
// ["...CH", ...]}; without channels (or with null) the whole client
// moves. 201 with the request (already pending when the target
// auto-approves).
func (a *api) createChangeRequest(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	b := body(obj)
	if err := b.only("target_partner_id", "channels"); err != nil {
		a.writeError(w, r, err)
		return
	}
	in := hub.NewChangeRequest{ClientRef: clientRef(r)}
	target, ok, err := b.str("target_partner_id")
	if err == nil && !ok {
		err = invalid("target_partner_id", "is required: the id of the partner to move the client to")
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	in.Target = keyOf(target)
	if in.Channels, _, err = b.strings("channels"); err != nil {
		a.writeError(w, r, err)
		return
	}
	cr, err := a.svc.CreateChangeRequest(r.Context(), pr, partnerKey(r), in)
	a.writeRequest(w, r, http.StatusCreated, cr, httpapi.RenameFields(err, func(f string) string {
		if f == "target_partner" {
			return "target_partner_id"
		}
		return f
	}))
}

// writeRequest answers one change request, or err.
func (a *api) writeRequest(w http.ResponseWriter, r *http.Request, status int, cr *hub.ChangeRequest, err error) {
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, status, cr.Public())
}

// getChangeRequestSettings serves GET /partners/{partner_id}/settings/partner_change_request
// (ours): {"auto_approve": bool}.
func (a *api) getChangeRequestSettings(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	s, err := a.svc.ChangeRequestSettings(r.Context(), pr, partnerKey(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, settingsJSON{AutoApprove: s.AutoApprove})
}

// patchChangeRequestSettings serves PATCH /partners/{partner_id}/settings/partner_change_request:
// {"auto_approve": true|false|"true"|"false"} -> {"auto_approve": bool}.
// When on, incoming requests are approved as soon as they are created.
func (a *api) patchChangeRequestSettings(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	b := body(obj)
	if err := b.only("auto_approve"); err != nil {
		a.writeError(w, r, err)
		return
	}
	on, ok, err := b.boolean("auto_approve", true)
	if err == nil && !ok {
		err = invalid("auto_approve", "is required: true or false")
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	s, err := a.svc.SetChangeRequestAutoApprove(r.Context(), pr, partnerKey(r), on)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, settingsJSON{AutoApprove: s.AutoApprove})
}
