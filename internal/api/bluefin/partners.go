package bluefin

import (
	"context"
	"errors"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// partnerFields names the hub's partner fields in the vendor's words
// (with those of an inline contact, the partner's login user).
var partnerFields = func() func(error) error {
	m := map[string]string{"billing_id": "billingId", "verification_phrase": "verificationPhrase", "status": "isActive"}
	for k, v := range contactFields {
		m[k] = v
	}
	return renamer(m)
}()

// listPartners serves GET /api/v1/partners: the caller's subtree, or that
// of the partner= parameter, in id order.
func (a *api) listPartners(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	q := r.URL.Query()
	lq, err := listQuery(q)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	within, err := a.listPartner(ctx, pr, q, hub.NeedPartnersRead)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	page, err := a.svc.ListPartners(ctx, pr, partnerKey(within), lq)
	if err != nil {
		a.writeError(w, r, pageFields(err))
		return
	}
	n, err := a.names(ctx, partnerRefIDs(page.Items), nil)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := listBody[partnerItem]{Total: page.Total, Data: make([]partnerItem, len(page.Items))}
	for i := range page.Items {
		out.Data[i] = newPartnerItem(&page.Items[i], n)
	}
	writeJSON(w, http.StatusOK, out)
}

// names reads the names of the partners and clients a page refers to.
func (a *api) names(ctx context.Context, partners, clients []int64) (names, error) {
	var n names
	var err error
	if len(partners) > 0 {
		if n.partners, err = a.svc.PartnerNames(ctx, partners); err != nil {
			return n, err
		}
	}
	if len(clients) > 0 {
		n.clients, err = a.svc.ClientNames(ctx, clients)
	}
	return n, err
}

// partnerReadAhead lets the credential check of a request read the
// partner {partner_id} names along with the credential
// (hub.WithPartnerReadAhead); an id that cannot name one reads nothing
// ahead.
func partnerReadAhead(r *http.Request) context.Context {
	id, err := pathID(r, "partner_id", "partner")
	if err != nil {
		return r.Context()
	}
	return hub.WithPartnerReadAhead(r.Context(), hub.PartnerKey{ID: id})
}

// getPartner serves GET /api/v1/partners/{partner_id}.
func (a *api) getPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	id, ok := a.readID(w, r, "partner_id", "partner")
	if !ok {
		return
	}
	p, err := a.svc.Partner(ctx, pr, hub.PartnerKey{ID: id})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var parents []int64
	if hasParent(p) {
		parents = []int64{p.ParentID}
	}
	n, err := a.names(ctx, parents, nil)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	contact, err := a.svc.Contact(ctx, pr, p.ContactUserID)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	d := partnerDetails{partnerItem: newPartnerItem(p, n), Created: isoTime(p.CreatedAt), Modified: isoTime(p.ModifiedAt)}
	d.Contact = contactRef(p.ContactUserID, contact)
	writeJSON(w, http.StatusOK, d)
}

// partnerWritable are the attributes a partner create or update reads.
// partnerReadOnly are those a GET shows that a write accepts and ignores.
var partnerReadOnly = []string{"id", "partnerId", "created", "modified"}

// partnerPatch is the partner's own attributes a request sent (nil: not
// sent).
type partnerPatch struct {
	name, reference, billingID, phrase *string
	active                             *bool
}

// readPartner reads the partner's own attributes.
func readPartner(b *body) partnerPatch {
	return partnerPatch{name: b.text("name"), reference: b.text("reference"), billingID: b.text("billingId"),
		phrase: b.text("verificationPhrase"), active: b.flag("isActive")}
}

// apply writes the sent attributes into p.
func (pp partnerPatch) apply(p *hub.Partner) {
	setSent(&p.Name, pp.name)
	setSent(&p.Reference, pp.reference)
	setSent(&p.BillingID, pp.billingID)
	setSent(&p.VerifyPhrase, pp.phrase)
	if pp.active != nil {
		p.SetActive(*pp.active)
	}
}

// createPartner serves POST /api/v1/partners: a sub-partner under parent
// ({"id"} or {"name"}, required) with its contact: an inline user, who
// becomes the partner's login user (a Partner Supervisor homed at it, with
// the optional write-only password), or an existing user by id. 200
// {"id": n}.
//
// Order: parent is resolved first among the partners the caller can see
// (missing and invisible alike: 409 naming parent), with partners.create
// (403); for an inline contact, the caller must be able to create a
// Partner Supervisor there (users.manage and rank: 403); only then is the
// rest of the body read (409 naming each bad attribute) and the partner
// created by the hub, which checks all of it again in one transaction.
func (a *api) createPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	b, parent, ok := a.readCreate(w, r, pr, "parent", hub.NeedPartnersCreate)
	if !ok {
		return
	}
	contact, hasContact := b.contact()
	if hasContact && contact.inline != nil {
		if err := a.svc.CheckNewUser(ctx, pr, parent.ID, 0, hub.RolePartnerSupervisor); err != nil {
			a.writeError(w, r, refError(err, "parent"))
			return
		}
	}
	p := hub.Partner{ParentID: parent.ID, Status: hub.StatusActive}
	readPartner(b).apply(&p)
	if !a.checkBody(w, r, b, partnerReadOnly, "name", "contact") {
		return
	}
	var (
		created *hub.Partner
		err     error
	)
	if contact.inline != nil {
		created, err = a.svc.CreatePartnerWithLogin(ctx, pr, &p, contact.inline.partnerLogin())
	} else {
		p.ContactUserID = contact.id
		created, err = a.svc.CreatePartner(ctx, pr, &p)
	}
	if err != nil {
		a.writeError(w, r, partnerFields(refError(err, "parent")))
		return
	}
	writeID(w, created.ID)
}

// patchPartner serves PATCH /api/v1/partners/{partner_id}: only the sent
// attributes change. parent moves the partner with its whole subtree;
// version, when sent, must equal the stored one (else 409 naming version,
// nothing written); isActive false deactivates (there is no DELETE);
// contact {"id"} names another contact user. 200 {"id": n}.
//
// Order: the partner's visibility (404, the same for a missing one), the
// scope (403), the version (409), then the body: a parent that names no
// partner the caller can see is a 409 naming parent, as is every rule of
// the move (cycle, depth, the caller's own home partner).
func (a *api) patchPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	id, b, ok := a.readPatch(w, r, "partner_id", "partner")
	if !ok {
		return
	}
	ifVersion := b.version()
	pref, moving := b.reference("parent")
	contact, hasContact := b.contact()
	if hasContact && contact.inline != nil {
		b.bad("contact", `an existing partner's contact is named by {"id": <user id>}`)
	}
	pp := readPartner(b)
	b.finish(partnerReadOnly)
	// The body's errors are reported from change, which the hub calls
	// only once the partner proved visible and the scope held: an
	// invisible partner then answers 404 whatever the body holds. The new
	// parent is resolved by the hub inside the same transaction, after
	// change.
	change := func(p *hub.Partner) error {
		if err := b.err(); err != nil {
			return err
		}
		pp.apply(p)
		if hasContact {
			p.ContactUserID = contact.id
		}
		return nil
	}
	key := hub.PartnerKey{ID: id}
	var (
		updated *hub.Partner
		err     error
	)
	if moving {
		updated, err = a.svc.UpdatePartnerUnder(ctx, pr, key, ifVersion, hub.PartnerRef{ID: pref.ID, Name: pref.Name}, change)
	} else {
		updated, err = a.svc.UpdatePartner(ctx, pr, key, ifVersion, change)
	}
	if errors.Is(err, hub.ErrNoSuchParent) || errors.Is(err, hub.ErrAmbiguous) {
		err = refError(err, "parent")
	}
	if err != nil {
		a.writeError(w, r, partnerFields(staleVersion(err)))
		return
	}
	writeID(w, updated.ID)
}
