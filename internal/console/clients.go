package console

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/filter"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// clientData is a client's page: its details and one page of its
// channels.
type clientData struct {
	C        *hub.Client
	Channels []hub.Channel
	Pager    *pager

	// The client's latest change requests, for users who may read them.
	ShowRequests  bool
	Requests      []crRow
	RequestsTotal int64
	RequestsURL   string // the whole list
}

// clientRequests is how many of a client's requests its page shows.
const clientRequests = 5

// clientPage shows a client and its channels.
func (c *console) clientPage(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	cl, err := c.svc.Client(ctx, pr, idOf(r.PathValue("id")), "")
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	n, err := pageNumber(r)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	// A client-level user lists its own client's channels (no partner is
	// visible to it); anyone else the channels of the client's partner
	// that belong to this client.
	within := hub.PartnerKey{ID: cl.PartnerID}
	if pr.ClientID != 0 {
		within = hub.PartnerKey{}
	}
	q := listQuery(n, pageSize, nil)
	q.Filter = eqInt("client_id", cl.ID)
	page, err := c.svc.ListChannels(ctx, pr, within, true, q)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d := &clientData{C: cl, Channels: page.Items, Pager: newPager(r, n, pageSize, page.Total, len(page.Items))}
	if r.Header.Get("HX-Request") != "true" && pr.HasScope(hub.ScopeChangeRequestsRead) {
		if err := c.clientChangeRequests(r, pr, within, d); err != nil {
			c.fail(w, r, pr, err)
			return
		}
	}
	c.page(w, r, pr, "client", cl.Name, "tree", d)
}

// clientChangeRequests adds the client's latest change requests to d:
// among its partner's requests (within; a client-level user's list is its
// client's already), those moving it or made by moving it.
func (c *console) clientChangeRequests(r *http.Request, pr hub.Principal, within hub.PartnerKey, d *clientData) error {
	ctx := r.Context()
	q := hub.ListQuery{Limit: clientRequests}
	d.RequestsURL = Prefix + "/change-requests"
	if within != (hub.PartnerKey{}) {
		q.Filter = &filter.Or{Left: eqInt("source_client_id", d.C.ID), Right: eqInt("target_client_id", d.C.ID)}
		d.RequestsURL = Prefix + "/partners/" + strconv.FormatInt(within.ID, 10) + "/change-requests?" +
			url.Values{"dir": {"all"}, "q": {d.C.Ref}}.Encode()
	}
	page, err := c.svc.ListChangeRequests(ctx, pr, within, hub.Both, q)
	if err != nil {
		return err
	}
	d.ShowRequests, d.RequestsTotal = true, page.Total
	d.Requests, err = c.crRows(ctx, pr, nil, page.Items)
	return err
}
