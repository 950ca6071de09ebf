package bluefin

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// clientFields names the hub's client fields in the vendor's words (with
// those of the inline contact user).
var clientFields = func() func(error) error {
	m := map[string]string{"billing_id": "billingId", "status": "isActive"}
	for k, v := range contactFields {
		m[k] = v
	}
	return renamer(m)
}()

// clientReadOnly are the attributes a GET shows that a write accepts and
// ignores.
var clientReadOnly = []string{"id", "partner", "created", "modified"}

// listClients serves GET /api/v1/clients: the clients the caller can see
// (a client-level caller: its own), or those in the partner= subtree, in
// id order.
func (a *api) listClients(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	q := r.URL.Query()
	lq, err := listQuery(q)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	within, err := a.listPartner(ctx, pr, q, hub.NeedClientsRead)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	page, err := a.svc.ListClients(ctx, pr, partnerKey(within), false, lq)
	if err != nil {
		a.writeError(w, r, pageFields(err))
		return
	}
	n, err := a.names(ctx, clientRefIDs(page.Items), nil)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := listBody[clientItem]{Total: page.Total, Data: make([]clientItem, len(page.Items))}
	for i := range page.Items {
		out.Data[i] = newClientItem(&page.Items[i], n)
	}
	writeJSON(w, http.StatusOK, out)
}

// getClient serves GET /api/v1/clients/{client_id}.
func (a *api) getClient(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	id, ok := a.readID(w, r, "client_id", "client")
	if !ok {
		return
	}
	c, err := a.svc.Client(ctx, pr, id, "")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	n, err := a.names(ctx, clientRefIDs([]hub.Client{*c}), nil)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	contact, err := a.svc.Contact(ctx, pr, c.ContactUserID)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	d := clientDetails{clientItem: newClientItem(c, n), Created: isoTime(c.CreatedAt), Modified: isoTime(c.ModifiedAt)}
	d.Contact = contactRef(c.ContactUserID, contact)
	writeJSON(w, http.StatusOK, d)
}

// clientPatch is the client attributes a request sent (nil: not sent).
type clientPatch struct {
	name, billingID, mid *string
	active               *bool
}

func readClient(b *body) clientPatch {
	return clientPatch{name: b.text("name"), billingID: b.text("billingId"), mid: b.text("mid"), active: b.flag("isActive")}
}

func (cp clientPatch) apply(c *hub.Client) {
	setSent(&c.Name, cp.name)
	setSent(&c.BillingID, cp.billingID)
	setSent(&c.MID, cp.mid)
	if cp.active != nil {
		c.SetActive(*cp.active)
	}
}

// createClient serves POST /api/v1/clients: a client of directPartner
// ({"id"} or {"name"}, required) with its contact, an inline user created
// with it (a Client Admin unless userRole says Client User; optional
// write-only password). 200 {"id": n}.
//
// Order: directPartner among the partners the caller can see (409 naming
// it, missing and invisible alike) with clients.manage (403); the caller
// must be able to create the contact user (users.manage, rank: 403); then
// the body (409).
func (a *api) createClient(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	b, owner, ok := a.readCreate(w, r, pr, "directPartner", hub.NeedClientsManage)
	if !ok {
		return
	}
	contact, _ := b.contact()
	role := hub.RoleClientAdmin
	if contact.inline != nil && contact.inline.role != "" {
		role = contact.inline.role
	}
	if err := a.svc.CheckNewUser(ctx, pr, owner.ID, 0, role); err != nil {
		a.writeError(w, r, refError(err, "directPartner"))
		return
	}
	if contact.id != 0 {
		b.bad("contact", "a new client's contact is created with it: describe the user inline")
	}
	c := hub.Client{PartnerID: owner.ID, Status: hub.ClientActive}
	readClient(b).apply(&c)
	if !a.checkBody(w, r, b, clientReadOnly, "name", "contact") {
		return
	}
	created, err := a.svc.CreateClientWithContact(ctx, pr, &c, contact.inline.clientContact())
	if err != nil {
		a.writeError(w, r, clientFields(refError(err, "directPartner")))
		return
	}
	writeID(w, created.ID)
}

// patchClient serves PATCH /api/v1/clients/{client_id}: only the sent
// attributes change; contact {"id"} names another user of the client;
// version, when sent, must equal the stored one (else 409, nothing
// written). The owner (directPartner) changes through a change request,
// not here. 200 {"id": n}.
func (a *api) patchClient(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	id, b, ok := a.readPatch(w, r, "client_id", "client")
	if !ok {
		return
	}
	ifVersion := b.version()
	cp := readClient(b)
	contact, hasContact := b.contact()
	if hasContact && contact.inline != nil {
		b.bad("contact", `an existing client's contact is named by {"id": <user id>}`)
	}
	b.fixed("directPartner", "cannot be changed here: a client moves to another partner through a change request")
	b.finish(clientReadOnly)
	updated, err := a.svc.UpdateClient(ctx, pr, id, "", ifVersion, func(c *hub.Client) error {
		if err := b.err(); err != nil {
			return err
		}
		cp.apply(c)
		if hasContact {
			c.ContactUserID = contact.id
		}
		return nil
	})
	if err != nil {
		a.writeError(w, r, clientFields(staleVersion(err)))
		return
	}
	writeID(w, updated.ID)
}

// deleteClient serves DELETE /api/v1/clients/{client_id}: 200 {"id": n};
// a client with channels is a 409 (deactivate it with isActive false).
// Its users go with it.
func (a *api) deleteClient(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	id, ok := a.readID(w, r, "client_id", "client")
	if !ok {
		return
	}
	if err := a.svc.DeleteClient(r.Context(), pr, id); err != nil {
		a.writeError(w, r, err)
		return
	}
	writeID(w, id)
}
