package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// crStatuses are the statuses a change request list filters by.
var crStatuses = []string{hub.ChangeRequestCreated, hub.ChangeRequestPending, hub.ChangeRequestCompleted,
	hub.ChangeRequestFailed, hub.ChangeRequestRejected}

// crDirections are the directions of a partner's list, by their query
// value ("" is incoming: what waits for the partner's decision).
var crDirections = map[string]hub.ChangeRequestDirection{"": hub.Incoming, "incoming": hub.Incoming,
	"outgoing": hub.Outgoing, "all": hub.Both}

// crListData is a list of change requests: a partner's (with its page
// head, its direction and its auto-approve setting) or, for a
// client-level user, its client's.
type crListData struct {
	Head     *partnerData // the partner whose requests these are; nil: the user's client
	Base     string       // the list's path, which the filter links keep
	Home     bool         // the list of the user's home partner, at /console/change-requests
	Dir      string       // "incoming", "outgoing" or "all"
	Status   string
	Q        string
	Statuses []string
	Rows     []crRow
	Pager    *pager
	// ShowAuto: the page shows the partner's AutoApprove setting.
	ShowAuto, AutoApprove bool
	CanSetAuto            bool // the user may change it (the hub decides anyway)
}

// Filtered reports whether the list is narrowed by status or text.
func (d *crListData) Filtered() bool { return d.Status != "" || d.Q != "" }

// DirLink is the list in direction dir, keeping the other filters.
func (d *crListData) DirLink(dir string) string {
	q := url.Values{}
	if dir != "incoming" {
		q.Set("dir", dir)
	}
	if d.Status != "" {
		q.Set("status", d.Status)
	}
	if d.Q != "" {
		q.Set("q", d.Q)
	}
	if len(q) == 0 {
		return d.Base
	}
	return d.Base + "?" + q.Encode()
}

// Cleared is the list in its direction without the other filters.
func (d *crListData) Cleared() string {
	if d.Dir == "incoming" {
		return d.Base
	}
	return d.Base + "?dir=" + d.Dir
}

// crRow is one change request of a list, with its parties.
type crRow struct {
	CR        hub.ChangeRequest
	Direction string // relative to the listed partner: "incoming", "outgoing" or "" (a client's list)
	Source    crParty
	From, To  crParty
}

// crParty is a partner or client of a change request as the user sees
// it: named and linked when it lies in the user's branch, else its ref.
type crParty struct {
	ID      int64
	Ref     string
	Name    string
	Visible bool
}

// label names a party in a sentence: its name and ref when the user
// sees it, else its ref.
func (p crParty) label() string {
	if p.Visible && p.Name != "" {
		return p.Name + " (" + p.Ref + ")"
	}
	return p.Ref
}

// changeRequests lists the change requests of the user's home partner
// (or, for a client-level user, of its client).
func (c *console) changeRequests(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	var head *partnerData
	if pr.ClientID == 0 {
		p, err := c.svc.Partner(r.Context(), pr, hub.PartnerKey{ID: pr.PartnerID})
		if err != nil {
			c.fail(w, r, pr, err)
			return
		}
		head = newPartnerData(pr, p, "changes")
	}
	c.crList(w, r, pr, head, Prefix+"/change-requests", "changes")
}

// partnerChangeRequests lists the change requests of the path's partner,
// with the partner's head (its own requests, in and out).
func (c *console) partnerChangeRequests(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	p, err := c.svc.Partner(r.Context(), pr, idKey(r.PathValue("id")))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.crList(w, r, pr, newPartnerData(pr, p, "changes"), Prefix+"/partners/"+strconv.FormatInt(p.ID, 10)+"/change-requests", "tree")
}

// crList renders one page of the change requests of head's partner (nil:
// the user's client), filtered by ?dir=, ?status= and ?q=.
func (c *console) crList(w http.ResponseWriter, r *http.Request, pr hub.Principal, head *partnerData, base, nav string) {
	ctx := r.Context()
	n, err := pageNumber(r)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	qs := r.URL.Query()
	d := &crListData{Head: head, Base: base, Home: nav == "changes", Dir: qs.Get("dir"), Status: qs.Get("status"), Q: strings.TrimSpace(qs.Get("q")), Statuses: crStatuses}
	dir, ok := crDirections[d.Dir]
	switch {
	case !ok:
		err = &httpapi.RequestError{Status: http.StatusBadRequest, Field: "dir", Message: "must be incoming, outgoing or all"}
	case d.Status != "" && !slices.Contains(crStatuses, d.Status):
		err = &httpapi.RequestError{Status: http.StatusBadRequest, Field: "status", Message: "must be one of " + strings.Join(crStatuses, ", ")}
	default:
		err = checkText("q", d.Q)
	}
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	if d.Dir == "" {
		d.Dir = "incoming"
	}
	q := listQuery(n, pageSize, nil)
	if d.Status != "" {
		q.Filter = eq("status", d.Status)
	}
	if d.Q != "" {
		q.Filter = and(q.Filter, contains("q", d.Q))
	}
	within := hub.PartnerKey{}
	if head != nil {
		within = hub.PartnerKey{ID: head.P.ID}
	}
	page, err := c.svc.ListChangeRequests(ctx, pr, within, dir, q)
	if err == nil && head != nil {
		var s hub.ChangeRequestSettings
		if s, err = c.svc.ChangeRequestSettings(ctx, pr, within); err == nil {
			d.ShowAuto, d.AutoApprove, d.CanSetAuto = true, s.AutoApprove, pr.HasScope(hub.ScopeChangeRequestsManage)
		}
	}
	if err == nil {
		d.Rows, err = c.crRows(ctx, pr, head, page.Items)
	}
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d.Pager = newPager(r, n, pageSize, page.Total, len(page.Items))
	title := "Change requests"
	if head != nil {
		title = head.P.Name + ": change requests"
	}
	c.page(w, r, pr, "changerequests", title, nav, d)
}

// crRows lays out requests with their parties, named with one list call
// for the partners and one for the clients (never one per row).
func (c *console) crRows(ctx context.Context, pr hub.Principal, head *partnerData, crs []hub.ChangeRequest) ([]crRow, error) {
	partners, clients, err := c.partyNames(ctx, pr, crs)
	if err != nil {
		return nil, err
	}
	rows := make([]crRow, len(crs))
	for i, cr := range crs {
		row := crRow{CR: cr,
			Source: clientParty(clients, cr.SourceClientID, cr.SourceClientRef),
			From:   partnerParty(pr, partners, cr.SourcePartnerID, cr.SourcePartnerRef, cr.SourcePartnerPath),
			To:     partnerParty(pr, partners, cr.TargetPartnerID, cr.TargetPartnerRef, cr.TargetPartnerPath)}
		if head != nil {
			row.Direction = "outgoing"
			if cr.TargetPartnerID == head.P.ID {
				row.Direction = "incoming"
			}
		}
		rows[i] = row
	}
	return rows, nil
}

// partyNames reads the names of the partners and clients of crs that pr
// may see: partners whose path lies in pr's branch, clients the hub lists
// for pr.
func (c *console) partyNames(ctx context.Context, pr hub.Principal, crs []hub.ChangeRequest) (partners, clients map[int64]string, err error) {
	partners, clients = map[int64]string{}, map[int64]string{}
	var pids, cids []int64
	addPartner := func(id int64, path string) {
		if pr.ClientID == 0 && hub.PathContains(pr.PartnerPath, path) && !slices.Contains(pids, id) {
			pids = append(pids, id)
		}
	}
	addClient := func(id int64) {
		if id != 0 && !slices.Contains(cids, id) {
			cids = append(cids, id)
		}
	}
	for _, cr := range crs {
		addPartner(cr.SourcePartnerID, cr.SourcePartnerPath)
		addPartner(cr.TargetPartnerID, cr.TargetPartnerPath)
		addClient(cr.SourceClientID)
		addClient(cr.TargetClientID)
	}
	if len(pids) > 0 && pr.HasScope(hub.ScopePartnersRead) {
		page, err := c.svc.ListPartners(ctx, pr, hub.PartnerKey{}, hub.ListQuery{Limit: len(pids), Filter: inInts("id", pids)})
		if err != nil {
			return nil, nil, err
		}
		for _, p := range page.Items {
			partners[p.ID] = p.Name
		}
	}
	if len(cids) > 0 && pr.HasScope(hub.ScopeClientsRead) {
		page, err := c.svc.ListClients(ctx, pr, hub.PartnerKey{}, false, hub.ListQuery{Limit: len(cids), Filter: inInts("id", cids)})
		if err != nil {
			return nil, nil, err
		}
		for _, cl := range page.Items {
			clients[cl.ID] = cl.Name
		}
	}
	return partners, clients, nil
}

// partnerParty is a request's partner as pr sees it: visible when its
// path lies in pr's branch.
func partnerParty(pr hub.Principal, names map[int64]string, id int64, ref, path string) crParty {
	visible := pr.ClientID == 0 && hub.PathContains(pr.PartnerPath, path)
	p := crParty{Ref: ref, Visible: visible}
	if visible {
		p.ID, p.Name = id, names[id]
	}
	return p
}

// clientParty is a request's client as pr sees it: visible when the hub
// listed it for pr (names holds it).
func clientParty(names map[int64]string, id int64, ref string) crParty {
	name, visible := names[id]
	p := crParty{Ref: ref, Visible: visible && id != 0}
	if p.Visible {
		p.ID, p.Name = id, name
	}
	return p
}

// checkText refuses a query parameter that is not short, valid text.
func checkText(name, v string) error {
	if !utf8.ValidString(v) || utf8.RuneCountInString(v) > maxSearchLen || strings.ContainsRune(v, 0) {
		return &httpapi.RequestError{Status: http.StatusBadRequest, Field: name, Message: "must be at most 200 characters of text"}
	}
	return nil
}
