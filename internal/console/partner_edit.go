package console

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// partnerField is one editable field of a partner: its input and how it
// reads from and writes to the domain's Partner.
type partnerField struct {
	input formField
	get   func(*hub.Partner) string
	set   func(*hub.Partner, string)
}

// text is a partnerField over a string field of Partner.
func text(name, label, typ string, required bool, ptr func(*hub.Partner) *string) partnerField {
	return partnerField{input: formField{Name: name, Label: label, Type: typ, Required: required},
		get: func(p *hub.Partner) string { return *ptr(p) },
		set: func(p *hub.Partner, v string) { *ptr(p) = v }}
}

// partnerFields are the fields the console edits, in form order.
var partnerFields = []partnerField{
	text("name", "Organisation name", "text", true, func(p *hub.Partner) *string { return &p.Name }),
	text("contact_name", "Contact person", "text", false, func(p *hub.Partner) *string { return &p.ContactName }),
	{input: formField{Name: "status", Label: "Status", Type: "select", Required: true,
		Options: []string{hub.StatusUnverified, hub.StatusActive, hub.StatusSuspended, hub.StatusInactive},
		Hint:    "Suspended and inactive partners, and everything below them, cannot sign in or use keys."},
		get: func(p *hub.Partner) string { return p.Status },
		set: func(p *hub.Partner, v string) { p.Status = v }},
	text("reference", "Your reference", "text", false, func(p *hub.Partner) *string { return &p.Reference }),
	text("billing_id", "Billing id", "text", false, func(p *hub.Partner) *string { return &p.BillingID }),
	text("owner_email", "Owner e-mail", "email", false, func(p *hub.Partner) *string { return &p.OwnerEmail }),
	text("billing_email", "Billing e-mail", "email", false, func(p *hub.Partner) *string { return &p.BillingEmail }),
	text("tech_email", "Technical e-mail", "email", false, func(p *hub.Partner) *string { return &p.TechEmail }),
	text("phonenumber", "Phone number", "tel", false, func(p *hub.Partner) *string { return &p.Phonenumber }),
	text("address1", "Address", "text", false, func(p *hub.Partner) *string { return &p.Address1 }),
	text("address2", "Address (line 2)", "text", false, func(p *hub.Partner) *string { return &p.Address2 }),
	text("city", "City", "text", false, func(p *hub.Partner) *string { return &p.City }),
	text("state", "State or region", "text", false, func(p *hub.Partner) *string { return &p.State }),
	text("zip", "Postal code", "text", false, func(p *hub.Partner) *string { return &p.Zip }),
	{input: formField{Name: "country_code", Label: "Country code", Type: "text", Hint: "ISO 3166-1 alpha-3, such as USA or DEU."},
		get: func(p *hub.Partner) string { return p.CountryCode },
		set: func(p *hub.Partner, v string) { p.CountryCode = v }},
	{input: formField{Name: "payment_type", Label: "Payment", Type: "select", Required: true, Options: []string{hub.PaymentPrepay, hub.PaymentPostpay}},
		get: func(p *hub.Partner) string { return p.PaymentType },
		set: func(p *hub.Partner, v string) { p.PaymentType = v }},
}

// partnerInputs returns the form fields filled from p (nil: empty).
func partnerInputs(p *hub.Partner) []formField {
	out := make([]formField, len(partnerFields))
	for i, f := range partnerFields {
		out[i] = f.input
		if p != nil {
			out[i].Value = f.get(p)
		}
	}
	return out
}

// applyInputs writes the form's values to p.
func applyInputs(p *hub.Partner, fields []formField) {
	for i, f := range partnerFields {
		f.set(p, fields[i].Value)
	}
}

// editForm is the edit form of p with fields.
func editForm(p *hub.Partner, fields []formField, version int64) *formData {
	id := strconv.FormatInt(p.ID, 10)
	return &formData{Title: "Edit " + p.Name, Action: Prefix + "/partners/" + id + "/edit", Submit: "Save changes",
		Cancel: Prefix + "/partners/" + id, Fields: fields, Partner: p,
		Hidden: map[string]string{"version": strconv.FormatInt(version, 10)}}
}

// editPartnerForm shows the edit form of a partner.
func (c *console) editPartnerForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	p, err := c.svc.Partner(r.Context(), pr, idKey(r.PathValue("id")))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	if err := pr.RequireScope(hub.NeedPartnersUpdate.AnyOf()...); err != nil {
		c.fail(w, r, pr, err) // visible, so not found would be wrong; the hub would say the same on save
		return
	}
	c.page(w, r, pr, "form", "Edit "+p.Name, "tree", editForm(p, partnerInputs(p), p.Version))
}

// editPartner saves the edit form under the version the form was read
// at: a partner changed meanwhile is a conflict, shown with the values
// stored meanwhile beside the user's, which stay in the form.
func (c *console) editPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	key := idKey(r.PathValue("id"))
	version, err := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	if err != nil || version < 1 {
		c.fail(w, r, pr, &httpapi.RequestError{Status: http.StatusBadRequest, Field: "version", Message: "the form lacks the version it was read at; reload it"})
		return
	}
	fields := partnerInputs(nil)
	values(r, fields)
	p, err := c.svc.UpdatePartner(ctx, pr, key, version, func(p *hub.Partner) error {
		applyInputs(p, fields)
		return nil
	})
	if err == nil {
		c.redirect(w, r, Prefix+"/partners/"+strconv.FormatInt(p.ID, 10), "Saved the changes to "+p.Name+".")
		return
	}
	if !formShowable(err) {
		c.fail(w, r, pr, err)
		return
	}
	cur, rerr := c.svc.Partner(ctx, pr, key)
	if rerr != nil {
		c.fail(w, r, pr, rerr)
		return
	}
	form := editForm(cur, fields, version)
	form.Error = fieldErrors(fields, err)
	if errors.Is(err, hub.ErrStale) {
		for i, f := range partnerFields {
			if now := f.get(cur); now != fields[i].Value {
				fields[i].Current = now
			}
		}
		form.Hidden["version"] = strconv.FormatInt(cur.Version, 10)
		form.Error = "Someone else changed this partner while you were editing it. Your changes are still in the form; " +
			"the values saved meanwhile are shown under the fields that differ. Save again to keep yours."
	}
	c.render(w, r, formStatus(err), "form", c.newView(ctx, pr, form.Title, "tree", form))
}

// moveFields is the move form's one input.
func moveFields() []formField {
	return []formField{{Name: "parent", Label: "New parent partner", Type: "text", Required: true,
		Hint: "The id, SID or ref of a partner in your branch; not this partner or one below it."}}
}

// moveForm is the move form of p.
func moveForm(p *hub.Partner, fields []formField) *formData {
	id := strconv.FormatInt(p.ID, 10)
	return &formData{Title: "Move " + p.Name, Action: Prefix + "/partners/" + id + "/move", Submit: "Move with its whole subtree",
		Cancel: Prefix + "/partners/" + id, Fields: fields, Partner: p,
		Hidden: map[string]string{"version": strconv.FormatInt(p.Version, 10)}}
}

// movePartnerForm asks where to move a partner.
func (c *console) movePartnerForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	p, err := c.svc.Partner(r.Context(), pr, idKey(r.PathValue("id")))
	if err == nil {
		err = pr.RequireScope(hub.NeedPartnersUpdate.AnyOf()...)
	}
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.page(w, r, pr, "form", "Move "+p.Name, "tree", moveForm(p, moveFields()))
}

// movePartner moves a partner and its subtree under the partner named in
// the form (id, SID or ref), at the version the form was read at.
func (c *console) movePartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	key := idKey(r.PathValue("id"))
	version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	fields := moveFields()
	values(r, fields)
	var err error
	var moved *hub.Partner
	parentKey, ok := lookupKey(fields[0].Value)
	if !ok {
		err = hub.InvalidField("parent", "enter the id, SID or ref of a partner")
	} else {
		// The new parent is resolved through the hub, with the user's
		// visibility: a partner outside the branch is "not found".
		var parent *hub.Partner
		if parent, err = c.svc.Partner(ctx, pr, parentKey); hub.IsKind(err, hub.NotFound) {
			err = hub.InvalidField("parent", "no such partner in your branch")
		}
		if err == nil {
			moved, err = c.svc.MovePartner(ctx, pr, key, parent.ID, version)
		}
	}
	if err == nil {
		c.redirect(w, r, Prefix+"/partners/"+strconv.FormatInt(moved.ID, 10), "Moved "+moved.Name+" with its subtree.")
		return
	}
	if !formShowable(err) {
		c.fail(w, r, pr, err)
		return
	}
	cur, rerr := c.svc.Partner(ctx, pr, key)
	if rerr != nil {
		c.fail(w, r, pr, rerr)
		return
	}
	form := moveForm(cur, fields)
	form.Error = fieldErrors(fields, err)
	if errors.Is(err, hub.ErrStale) {
		form.Error = "Someone else changed this partner meanwhile. Check it and move it again."
	}
	c.render(w, r, formStatus(err), "form", c.newView(ctx, pr, form.Title, "tree", form))
}

// newPartnerFields are the inputs of a new sub-partner: the name, the
// contact, an optional login with its password, and the e-mail.
func newPartnerFields() []formField {
	return []formField{
		{Name: "name", Label: "Organisation name", Type: "text", Required: true},
		{Name: "contact_name", Label: "Contact person", Type: "text"},
		{Name: "owner_email", Label: "Owner e-mail", Type: "email"},
		{Name: "country_code", Label: "Country code", Type: "text", Hint: "ISO 3166-1 alpha-3, such as USA or DEU."},
		{Name: "login", Label: "Login (optional)", Type: "text", Auto: "off",
			Hint: "Lets the partner sign in as its own Partner Supervisor."},
		{Name: "password", Label: "Login password", Type: "password", Auto: "new-password",
			Hint: "At least 10 characters; needed for the login to sign in."},
	}
}

// newForm is the form creating a sub-partner of parent.
func newForm(parent *hub.Partner, fields []formField) *formData {
	id := strconv.FormatInt(parent.ID, 10)
	return &formData{Title: "New sub-partner of " + parent.Name, Action: Prefix + "/partners/" + id + "/new",
		Submit: "Create sub-partner", Cancel: Prefix + "/partners/" + id, Fields: fields, Partner: parent}
}

// newPartnerForm shows the form creating a sub-partner.
func (c *console) newPartnerForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	parent, err := c.svc.VisibleParent(r.Context(), pr, idKey(r.PathValue("id")))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.page(w, r, pr, "form", "New sub-partner", "tree", newForm(parent, newPartnerFields()))
}

// createPartner creates a sub-partner (with its login, when one is
// given, in the same transaction).
func (c *console) createPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	parent, err := c.svc.VisibleParent(ctx, pr, idKey(r.PathValue("id")))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	fields := newPartnerFields()
	values(r, fields)
	in := &hub.Partner{ParentID: parent.ID, Name: value(fields, "name"), ContactName: value(fields, "contact_name"),
		OwnerEmail: value(fields, "owner_email"), CountryCode: value(fields, "country_code")}
	var login *hub.PartnerLogin
	if l := value(fields, "login"); l != "" {
		login = &hub.PartnerLogin{Login: l, Password: value(fields, "password")}
	}
	p, err := c.svc.CreatePartnerWithLogin(ctx, pr, in, login)
	if err == nil {
		c.redirect(w, r, Prefix+"/partners/"+strconv.FormatInt(p.ID, 10), "Created "+p.Name+".")
		return
	}
	if !formShowable(err) {
		c.fail(w, r, pr, err)
		return
	}
	fields[len(fields)-1].Value = "" // a password is never sent back
	form := newForm(parent, fields)
	form.Error = fieldErrors(fields, err)
	c.render(w, r, formStatus(err), "form", c.newView(ctx, pr, form.Title, "tree", form))
}
