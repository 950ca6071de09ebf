package dialog360

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// partnerFields are the members PATCH /partners/{partner_id} takes. id is
// read-only: it may be sent back unchanged (GET-modify-PATCH).
var partnerFields = []string{"id", "brand_name", "logo_url", "webhook_url", "partner_redirect_url",
	"country", "allow_client_to_add_phone_no", "settings"}

// partnerPublic renames the domain's partner fields in errors to this
// face's: name is brand_name, country_code country, redirect_url
// partner_redirect_url.
func partnerPublic(err error) error {
	return httpapi.RenameFields(err, func(f string) string {
		switch f {
		case "name":
			return "brand_name"
		case "country_code":
			return "country"
		}
		return f
	})
}

// getPartner serves GET /partners/{partner_id}.
func (a *api) getPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	p, err := a.svc.Partner(r.Context(), pr, partnerKey(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toPartner(p))
}

// patchPartner serves PATCH /partners/{partner_id}: the members sent
// change, the others stay; null leaves a member unchanged ("" clears a
// text). All of it is one hub operation, all or nothing (one transaction,
// one version bump): webhook_url goes through the hub's webhook check,
// which runs before anything is written, so a refused URL changes no
// other member either; the first time a URL is set the answer shows the
// new signing secret once, in webhook_secret (ours).
func (a *api) patchPartner(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	b := body(obj)
	ctx, key := r.Context(), partnerKey(r)
	change, err := partnerChange(b)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	hook, setHook, err := b.str("webhook_url")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	if change == nil {
		change = func(*hub.Partner) error { return nil } // nothing else sent
	}
	var p *hub.Partner
	var secret string
	if setHook {
		p, secret, err = a.svc.UpdatePartnerWebhook(ctx, pr, key, 0, hook, change)
	} else {
		p, err = a.svc.UpdatePartner(ctx, pr, key, 0, change)
	}
	if err != nil {
		a.writeError(w, r, partnerPublic(err))
		return
	}
	out := toPartner(p)
	out.WebhookSecret = secret
	if secret != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	writeJSON(w, http.StatusOK, out)
}

// partnerChange reads the members of a PATCH other than webhook_url into
// a change of the partner; nil when none is sent.
func partnerChange(b body) (func(*hub.Partner) error, error) {
	if err := b.only(partnerFields...); err != nil {
		return nil, err
	}
	var edits []func(*hub.Partner) error
	text := func(key string, set func(*hub.Partner, string)) error {
		v, ok, err := b.str(key)
		if ok {
			edits = append(edits, func(p *hub.Partner) error { set(p, v); return nil })
		}
		return err
	}
	id, sentID, err := b.str("id")
	if err != nil {
		return nil, err
	}
	if sentID {
		edits = append(edits, func(p *hub.Partner) error {
			if id != p.Ref {
				return invalid("id", "is read-only")
			}
			return nil
		})
	}
	for _, f := range []struct {
		key string
		set func(*hub.Partner, string)
	}{
		{"brand_name", func(p *hub.Partner, v string) { p.Name = v }},
		{"logo_url", func(p *hub.Partner, v string) { p.LogoURL = v }},
		{"partner_redirect_url", func(p *hub.Partner, v string) { p.RedirectURL = v }},
		{"country", func(p *hub.Partner, v string) { p.CountryCode = v }},
	} {
		if err := text(f.key, f.set); err != nil {
			return nil, err
		}
	}
	allow, ok, err := b.boolean("allow_client_to_add_phone_no", false)
	if err != nil {
		return nil, err
	}
	if ok {
		edits = append(edits, func(p *hub.Partner) error { p.AllowClientAddPhone = allow; return nil })
	}
	settings, ok, err := b.object("settings")
	if err != nil {
		return nil, err
	}
	if ok {
		edits = append(edits, func(p *hub.Partner) error { p.Settings = settings; return nil })
	}
	if len(edits) == 0 {
		return nil, nil
	}
	return func(p *hub.Partner) error {
		for _, e := range edits {
			if err := e(p); err != nil {
				return err
			}
		}
		return nil
	}, nil
}

// rotateWebhookSecret serves POST /partners/{partner_id}/webhook_secret
// (ours): a new signing secret, shown once; deliveries are signed with it
// from then on.
func (a *api) rotateWebhookSecret(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	secret, err := a.svc.RotateWebhookSecret(r.Context(), pr, partnerKey(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	writeJSON(w, http.StatusOK, struct {
		WebhookSecret string `json:"webhook_secret"`
	}{secret})
}

// listWebhookDeliveries serves GET /partners/{partner_id}/webhook_deliveries
// (ours): the partner's deliveries, newest first, each with its latest
// attempts and the exact body sent.
func (a *api) listWebhookDeliveries(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	lr, err := parseList(r.URL.Query(), webhookDeliveries)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	page, err := a.svc.ListWebhookDeliveries(r.Context(), pr, partnerKey(r), lr.query)
	if err != nil {
		a.writeError(w, r, listErrors(err))
		return
	}
	a.writeList(w, r, lr, "webhook_deliveries", len(page.Items), page.Total, func(dst []byte, i int) ([]byte, error) {
		d := page.Items[i].Public()
		d.FinishedAt = utc(d.FinishedAt)
		return httpapi.AppendJSON(dst, d)
	})
}
