package console

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// deliveryStatuses are the statuses the deliveries list filters by.
var deliveryStatuses = []string{hub.DeliveryPending, hub.DeliveryDelivered, hub.DeliveryFailed}

// webhooksData is a partner's webhooks page: its URL, the controls of
// those who may change it, and one page of its deliveries.
type webhooksData struct {
	Head      *partnerData
	CanUpdate bool // the user may set, clear and rotate (the hub decides anyway)
	// ShowDeliveries: the user may read the deliveries (change requests'
	// read scope: the events are theirs).
	ShowDeliveries bool
	Status         string
	Statuses       []string
	Deliveries     []hub.WebhookDelivery
	Pager          *pager
}

// webhooks shows the webhooks page of the user's home partner.
func (c *console) webhooks(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	c.webhooksOf(w, r, pr, hub.PartnerKey{ID: pr.PartnerID}, "webhooks")
}

// partnerWebhooks shows the webhooks page of the path's partner.
func (c *console) partnerWebhooks(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	c.webhooksOf(w, r, pr, idKey(r.PathValue("id")), "tree")
}

// webhooksOf renders the webhooks page of the partner with key; a
// client-level user has no partner, which is NotFound like any other.
func (c *console) webhooksOf(w http.ResponseWriter, r *http.Request, pr hub.Principal, key hub.PartnerKey, nav string) {
	ctx := r.Context()
	if pr.ClientID != 0 {
		key = hub.PartnerKey{ID: -1}
	}
	p, err := c.svc.Partner(ctx, pr, key)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	n, err := pageNumber(r)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d := &webhooksData{Head: newPartnerData(pr, p, "webhooks"), CanUpdate: pr.HasScope(hub.ScopePartnersUpdate),
		ShowDeliveries: pr.HasScope(hub.ScopeChangeRequestsRead), Status: r.URL.Query().Get("status"), Statuses: deliveryStatuses}
	if d.Status != "" && !slices.Contains(deliveryStatuses, d.Status) {
		c.fail(w, r, pr, &httpapi.RequestError{Status: http.StatusBadRequest, Field: "status", Message: "must be one of " + strings.Join(deliveryStatuses, ", ")})
		return
	}
	if d.ShowDeliveries {
		q := listQuery(n, pageSize, nil)
		if d.Status != "" {
			q.Filter = eq("status", d.Status)
		}
		page, err := c.svc.ListWebhookDeliveries(ctx, pr, hub.PartnerKey{ID: p.ID}, q)
		if err != nil {
			c.fail(w, r, pr, err)
			return
		}
		d.Deliveries, d.Pager = page.Items, newPager(r, n, pageSize, page.Total, len(page.Items))
	}
	c.page(w, r, pr, "webhooks", p.Name+": webhooks", nav, d)
}

// webhooksURL is the webhooks page of partner id.
func webhooksURL(id int64) string {
	return Prefix + "/partners/" + strconv.FormatInt(id, 10) + "/webhooks"
}

// writablePartner reads the path's partner for a change of its webhook:
// NotFound when invisible, then Forbidden without partners.update (the
// hub's order), so forms are offered only to those who may post them.
func (c *console) writablePartner(r *http.Request, pr hub.Principal) (*hub.Partner, error) {
	p, err := c.svc.Partner(r.Context(), pr, idKey(r.PathValue("id")))
	if err != nil {
		return nil, err
	}
	if err := pr.RequireScope(hub.NeedPartnersUpdate.AnyOf()...); err != nil {
		return nil, err
	}
	return p, nil
}

// webhookFields is the webhook URL form's input.
func webhookFields(current string) []formField {
	return []formField{{Name: "webhook_url", Label: "Webhook URL", Type: "url", Required: true, Value: current, Auto: "off",
		Hint: "An https URL that receives a POST at every status change of the partner's change requests."}}
}

// webhookForm is the form setting p's webhook URL.
func webhookForm(p *hub.Partner, fields []formField) *formData {
	return &formData{Title: "Webhook URL of " + p.Name, Action: webhooksURL(p.ID) + "/url", Submit: "Save the URL",
		Cancel: webhooksURL(p.ID), Fields: fields, Partner: p}
}

// webhookURLForm shows the form setting the webhook URL.
func (c *console) webhookURLForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	p, err := c.writablePartner(r, pr)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	form := webhookForm(p, webhookFields(p.WebhookURL))
	c.page(w, r, pr, "form", form.Title, "webhooks", form)
}

// secretData is the page that shows a new webhook signing secret, once.
type secretData struct {
	P      *hub.Partner
	Secret string
	Why    string // what made it
}

// setWebhookURL sets the webhook URL. The partner's first URL creates its
// signing secret, shown on this response only (never stored elsewhere,
// logged or shown again); a later URL keeps the secret it has.
func (c *console) setWebhookURL(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	p, err := c.writablePartner(r, pr)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	fields := webhookFields("")
	values(r, fields)
	raw := value(fields, "webhook_url")
	var secret string
	if raw == "" {
		err = hub.InvalidField("webhook_url", "enter a URL; to stop the webhooks, remove the URL instead")
	} else {
		p, secret, err = c.svc.SetPartnerWebhook(ctx, pr, hub.PartnerKey{ID: p.ID}, raw)
	}
	if err != nil {
		if !formShowable(err) {
			c.fail(w, r, pr, err)
			return
		}
		cur, rerr := c.svc.Partner(ctx, pr, idKey(r.PathValue("id")))
		if rerr != nil {
			c.fail(w, r, pr, rerr)
			return
		}
		form := webhookForm(cur, fields)
		form.Error = fieldErrors(fields, err)
		c.render(w, r, formStatus(err), "form", c.newView(ctx, pr, form.Title, "webhooks", form))
		return
	}
	if secret != "" {
		c.render(w, r, http.StatusCreated, "webhooksecret", c.newView(ctx, pr, "Webhook signing secret", "webhooks",
			&secretData{P: p, Secret: secret, Why: "The webhook URL is saved and its signing secret created."}))
		return
	}
	c.redirect(w, r, webhooksURL(p.ID), "Saved the webhook URL of "+p.Name+". Deliveries are signed with its current secret.")
}

// clearWebhookForm asks to confirm removing the webhook URL.
func (c *console) clearWebhookForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	p, err := c.writablePartner(r, pr)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d := &confirmData{Context: p.Name, ContextURL: webhooksURL(p.ID), Cancel: webhooksURL(p.ID),
		Paragraphs: []string{"No event is sent to " + p.Name + " any more, and deliveries still waiting for a retry fail. The signing secret is kept for a later URL."}}
	if p.WebhookURL == "" {
		d.Notice = p.Name + " has no webhook URL."
	} else {
		d.Action, d.Submit, d.Danger = webhooksURL(p.ID)+"/clear", "Remove the URL", true
	}
	c.page(w, r, pr, "confirm", "Remove the webhook URL of "+p.Name+"?", "webhooks", d)
}

// clearWebhook removes the webhook URL.
func (c *console) clearWebhook(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	p, _, err := c.svc.SetPartnerWebhook(r.Context(), pr, idKey(r.PathValue("id")), "")
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.redirect(w, r, webhooksURL(p.ID), "Removed the webhook URL of "+p.Name+": no more events are sent to it.")
}

// rotateSecretForm asks to confirm replacing the signing secret.
func (c *console) rotateSecretForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	p, err := c.writablePartner(r, pr)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d := &confirmData{Context: p.Name, ContextURL: webhooksURL(p.ID), Cancel: webhooksURL(p.ID),
		Paragraphs: []string{
			"A new signing secret replaces the current one at once: every delivery from now on, retries of earlier events included, is signed with the new one, and signatures made with the old one stop matching.",
			"The new secret is shown once, on the next page: give it to the receiver right away.",
		},
		Action: webhooksURL(p.ID) + "/rotate", Submit: "Replace the secret", Danger: true}
	c.page(w, r, pr, "confirm", "Replace the webhook signing secret of "+p.Name+"?", "webhooks", d)
}

// rotateSecret replaces the signing secret and shows the new one, on
// this response only.
func (c *console) rotateSecret(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	key := idKey(r.PathValue("id"))
	secret, err := c.svc.RotateWebhookSecret(ctx, pr, key)
	var p *hub.Partner
	if err == nil {
		p, err = c.svc.Partner(ctx, pr, key)
	}
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.render(w, r, http.StatusCreated, "webhooksecret", c.newView(ctx, pr, "Webhook signing secret", "webhooks",
		&secretData{P: p, Secret: secret, Why: "The signing secret is replaced; the old one no longer signs anything."}))
}
