package console

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// clientData is a client's page: its details and one page of its
// channels.
type clientData struct {
	C        *hub.Client
	Channels []hub.Channel
	Pager    *pager
}

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
	c.page(w, r, pr, "client", cl.Name, "tree", d)
}
