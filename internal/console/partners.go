package console

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// partnerData is a partner's page: its details and one tab.
type partnerData struct {
	P         *hub.Partner
	Tab       string // "overview", "clients", "channels", "users", "changes" or "webhooks"
	CanEdit   bool   // the user may edit it (the hub decides anyway)
	CanMove   bool   // ... move it: not the root, not the user's home
	CanCreate bool   // ... create sub-partners under it
	IsHome    bool   // it is the user's home partner

	Children *childrenData
	Clients  []hub.Client
	Channels []hub.Channel
	Users    []hub.User
	Pager    *pager
}

// loadPartner reads the partner of the path's {id} for pr (NotFound
// alike for a missing, invisible or malformed id) and the page number.
func (c *console) loadPartner(r *http.Request, pr hub.Principal, tab string) (*partnerData, int, error) {
	p, err := c.svc.Partner(r.Context(), pr, idKey(r.PathValue("id")))
	if err != nil {
		return nil, 0, err
	}
	n, err := pageNumber(r)
	if err != nil {
		return nil, 0, err
	}
	return newPartnerData(pr, p, tab), n, nil
}

// newPartnerData describes p for pr's partner pages, on tab.
func newPartnerData(pr hub.Principal, p *hub.Partner, tab string) *partnerData {
	d := &partnerData{P: p, Tab: tab, IsHome: p.ID == pr.PartnerID,
		CanEdit:   pr.HasScope(hub.ScopePartnersUpdate),
		CanCreate: pr.HasScope(hub.ScopePartnersCreate)}
	d.CanMove = d.CanEdit && !p.IsRoot() && !d.IsHome
	return d
}

// Head is the data of the partner pages' head (the partner-head
// template): the page itself.
func (d *partnerData) Head() *partnerData { return d }

// partnerPage shows a partner's details and its sub-partners.
func (c *console) partnerPage(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	d, n, err := c.loadPartner(r, pr, "overview")
	if err == nil {
		d.Children, err = c.children(r, pr, d.P.ID, n)
	}
	if err == nil {
		// Paged on this page, not the tree's.
		d.Children.Pager = newPager(r, n, treePageSize, d.Children.Total, len(d.Children.Items))
	}
	c.partnerTab(w, r, pr, d, err)
}

// partnerClients shows the clients the partner serves directly.
func (c *console) partnerClients(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	d, n, err := c.loadPartner(r, pr, "clients")
	if err == nil {
		var page hub.Page[hub.Client]
		page, err = c.svc.ListClients(r.Context(), pr, hub.PartnerKey{ID: d.P.ID}, true, listQuery(n, pageSize, byName))
		d.Clients, d.Pager = page.Items, newPager(r, n, pageSize, page.Total, len(page.Items))
	}
	c.partnerTab(w, r, pr, d, err)
}

// partnerChannels shows the channels of the partner's own clients.
func (c *console) partnerChannels(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	d, n, err := c.loadPartner(r, pr, "channels")
	if err == nil {
		var page hub.Page[hub.Channel]
		page, err = c.svc.ListChannels(r.Context(), pr, hub.PartnerKey{ID: d.P.ID}, true, listQuery(n, pageSize, nil))
		d.Channels, d.Pager = page.Items, newPager(r, n, pageSize, page.Total, len(page.Items))
	}
	c.partnerTab(w, r, pr, d, err)
}

// partnerUsers shows the users homed at the partner.
func (c *console) partnerUsers(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	d, n, err := c.loadPartner(r, pr, "users")
	if err == nil {
		var page hub.Page[hub.User]
		page, err = c.svc.ListUsers(r.Context(), pr, hub.PartnerKey{ID: d.P.ID}, 0, true, listQuery(n, pageSize, byUsername))
		d.Users, d.Pager = page.Items, newPager(r, n, pageSize, page.Total, len(page.Items))
	}
	c.partnerTab(w, r, pr, d, err)
}

// partnerTab renders a partner page, or err.
func (c *console) partnerTab(w http.ResponseWriter, r *http.Request, pr hub.Principal, d *partnerData, err error) {
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.page(w, r, pr, "partner", d.P.Name, "tree", d)
}
