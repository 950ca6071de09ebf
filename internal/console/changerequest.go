package console

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// crPoll is how often a pending request's page asks for its status:
// every second at first (a migration takes well under one), less often
// while it is retried, so a page left open on a request whose workers do
// not run costs little.
func crPoll(cr *hub.ChangeRequest, now time.Time) string {
	switch since := now.Sub(cr.ModifiedAt); {
	case cr.ApprovedAt == nil || now.Sub(*cr.ApprovedAt) < time.Minute:
		return "every 1s"
	case since < 10*time.Minute:
		return "every 5s"
	}
	return "every 30s"
}

// crData is a change request's page: the request, its parties as the
// user sees them, and (on the full page) its audit entries.
type crData struct {
	CR             *hub.ChangeRequest
	Source, Target crParty // the clients
	From, To       crParty // the partners
	// CanDecide: the request waits for a decision and the user may give
	// it (target side, change_requests.manage). The hub decides anyway.
	CanDecide bool
	// Poll is the htmx trigger that refreshes the status while the
	// request is pending ("" when nothing will change by itself).
	Poll      string
	ShowAudit bool
	Audit     []auditRow
	// OOB: the status part is polled and final, so it carries the audit
	// entries too, for htmx to swap in out of band (the entries of the
	// migration's end arrive with its status).
	OOB   bool
	Error string // why a decision was refused
}

// crKey reads a request's path {id}: its number, or its ref; anything
// else names nothing (-1), which the hub answers NotFound without a
// query, like a missing or invisible request.
func crKey(s string) (int64, string) {
	if hub.IsRef(s, hub.ChangeRequestRefSuffix) {
		return 0, s
	}
	return idOf(s), ""
}

// loadChangeRequest reads the request of the path's {id} for pr and
// describes it; full adds the audit entries (not needed by the polled
// status fragment).
func (c *console) loadChangeRequest(ctx context.Context, r *http.Request, pr hub.Principal, full bool) (*crData, error) {
	id, ref := crKey(r.PathValue("id"))
	cr, err := c.svc.ChangeRequest(ctx, pr, hub.PartnerKey{}, id, ref)
	if err != nil {
		return nil, err
	}
	return c.describeChangeRequest(ctx, pr, cr, full)
}

// describeChangeRequest lays out cr for pr's page.
func (c *console) describeChangeRequest(ctx context.Context, pr hub.Principal, cr *hub.ChangeRequest, full bool) (*crData, error) {
	partners, clients, err := c.partyNames(ctx, pr, []hub.ChangeRequest{*cr})
	if err != nil {
		return nil, err
	}
	d := &crData{CR: cr,
		Source:    clientParty(clients, cr.SourceClientID, cr.SourceClientRef),
		Target:    clientParty(clients, cr.TargetClientID, cr.TargetClientRef),
		From:      partnerParty(pr, partners, cr.SourcePartnerID, cr.SourcePartnerRef, cr.SourcePartnerPath),
		To:        partnerParty(pr, partners, cr.TargetPartnerID, cr.TargetPartnerRef, cr.TargetPartnerPath),
		CanDecide: cr.Status == hub.ChangeRequestCreated && mayDecide(pr, cr),
	}
	if cr.Status == hub.ChangeRequestPending {
		d.Poll = crPoll(cr, time.Now())
	}
	if full && pr.HasScope(hub.ScopeAuditRead) {
		d.ShowAudit = true
		q := hub.ListQuery{Limit: 50, Order: newestFirst,
			Filter: and(eq("object_type", "change_request"), eq("object_id", strconv.FormatInt(cr.ID, 10)))}
		page, err := c.svc.ListAudit(ctx, pr, q)
		if err != nil {
			return nil, err
		}
		for _, e := range page.Items {
			d.Audit = append(d.Audit, auditRow{AuditEntry: e, Changes: changes(e.Before, e.After)})
		}
	}
	return d, nil
}

// mayDecide reports whether pr may approve or reject cr: a partner-level
// user on the target side (the target or a partner above it) holding
// change_requests.manage. It only decides what the page offers; the hub
// checks again.
func mayDecide(pr hub.Principal, cr *hub.ChangeRequest) bool {
	return pr.ClientID == 0 && pr.HasScope(hub.ScopeChangeRequestsManage) && hub.PathContains(pr.PartnerPath, cr.TargetPartnerPath)
}

// changeRequestPage shows a change request; an htmx poll of its status
// (HX-Target cr-status) gets the status part only, with the audit
// entries once the status is final.
func (c *console) changeRequestPage(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	poll := r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Target") == "cr-status"
	id, ref := crKey(r.PathValue("id"))
	cr, err := c.svc.ChangeRequest(ctx, pr, hub.PartnerKey{}, id, ref)
	var d *crData
	if err == nil {
		d, err = c.describeChangeRequest(ctx, pr, cr, !poll || !cr.Open())
	}
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d.OOB = poll && d.ShowAudit
	c.page(w, r, pr, "changerequest", "Change request "+d.CR.Ref, "changes", d)
}

// decision is one of the two decisions on a change request, as the
// console words it.
type decision struct {
	verb, title string // "approve", "Approve"
	done, past  string // "Approved", "approved"
	button      string
	danger      bool
	explanation string
	decide      func(*hub.Service, context.Context, hub.Principal, hub.PartnerKey, int64, string) (*hub.ChangeRequest, error)
}

var (
	approval = decision{verb: "approve", title: "Approve", done: "Approved", past: "approved", button: "Approve the request",
		explanation: "Approving starts the migration at once: the client moves to the target partner (or, for a partial request, a copy of it with the listed channels is created there). It cannot be undone from here.",
		decide:      (*hub.Service).ApproveChangeRequest}
	rejection = decision{verb: "reject", title: "Reject", done: "Rejected", past: "rejected", button: "Reject the request", danger: true,
		explanation: "Rejecting ends the request: nothing moves, and the client's partner may ask again.",
		decide:      (*hub.Service).RejectChangeRequest}
)

// confirmData is a confirmation page: what will happen, and the form
// that does it (no form when the user cannot do it; Notice says why).
type confirmData struct {
	Context    string // a line above the heading
	ContextURL string
	Paragraphs []string
	Notice     string
	Action     string // where the form posts; "" for no form
	Hidden     map[string]string
	Submit     string
	Danger     bool
	Cancel     string
}

// approveForm and rejectForm ask to confirm a decision.
func (c *console) approveForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	c.decisionForm(w, r, pr, approval)
}

func (c *console) rejectForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	c.decisionForm(w, r, pr, rejection)
}

// decisionForm shows what deciding the request means, with the button
// only for a user who may decide now.
func (c *console) decisionForm(w http.ResponseWriter, r *http.Request, pr hub.Principal, dec decision) {
	d, err := c.loadChangeRequest(r.Context(), r, pr, false)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	cr := d.CR
	page := crURL(cr)
	what := "the whole client " + d.Source.label()
	if !cr.IsFullMigration {
		what = strconv.Itoa(len(cr.RequestedChannels)) + " channel(s) of the client " + d.Source.label()
	}
	cd := &confirmData{Context: "Change request " + cr.Ref, ContextURL: page,
		Paragraphs: []string{"The request moves " + what + " from partner " + d.From.label() + " to partner " + d.To.label() + ".", dec.explanation},
		Cancel:     page}
	switch {
	case cr.Status != hub.ChangeRequestCreated:
		cd.Notice = "This request is " + cr.Status + ": it can no longer be approved or rejected."
	case !mayDecide(pr, cr):
		cd.Notice = "Only the target partner of this request (or a partner above it) may approve or reject it, with the right to manage change requests."
	default:
		cd.Action, cd.Submit, cd.Danger = page+"/"+dec.verb, dec.button, dec.danger
	}
	c.page(w, r, pr, "confirm", dec.title+" change request "+cr.Ref+"?", "changes", cd)
}

// approve and reject decide a request; the hub checks who may.
func (c *console) approve(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	c.decide(w, r, pr, approval)
}

func (c *console) reject(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	c.decide(w, r, pr, rejection)
}

// decide applies a decision and returns to the request's page, which
// follows a pending request's migration. A refusal (the source side, a
// request no longer waiting) shows the request again with the hub's
// reason; a request the user cannot see is the not-found page.
func (c *console) decide(w http.ResponseWriter, r *http.Request, pr hub.Principal, dec decision) {
	ctx := r.Context()
	id, ref := crKey(r.PathValue("id"))
	cr, err := dec.decide(c.svc, ctx, pr, hub.PartnerKey{}, id, ref)
	if err == nil {
		msg := dec.done + " the change request " + cr.Ref + "."
		switch {
		case dec.verb == approval.verb && cr.Status == hub.ChangeRequestCompleted:
			msg = "The change request " + cr.Ref + " was approved already, and is completed."
		case cr.Status == hub.ChangeRequestPending:
			msg += " The migration runs now; this page follows it until it ends."
		}
		c.redirect(w, r, crURL(cr), msg)
		return
	}
	k := hub.ErrorKind(err)
	if k != hub.Forbidden && k != hub.Conflict {
		c.fail(w, r, pr, err)
		return
	}
	d, lerr := c.loadChangeRequest(ctx, r, pr, true)
	if lerr != nil {
		c.fail(w, r, pr, lerr)
		return
	}
	d.Error = "The request was not " + dec.past + ": " + fieldErrors(nil, err)
	c.render(w, r, statusOf(&hub.Error{Kind: k}), "changerequest", c.newView(ctx, pr, "Change request "+d.CR.Ref, "changes", d))
}

// crURL is the page of a change request.
func crURL(cr *hub.ChangeRequest) string {
	return Prefix + "/change-requests/" + strconv.FormatInt(cr.ID, 10)
}
