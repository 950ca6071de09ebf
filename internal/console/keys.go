package console

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// newestFirst orders keys and users by id, newest first.
var newestFirst = []hub.OrderTerm{{Field: "id", Desc: true}}

// keysData is the keys page: one page of the keys of the user's branch
// (or of one partner's subtree).
type keysData struct {
	Keys    []hub.APIKey
	Pager   *pager
	Partner *hub.Partner // the partner the list is narrowed to; nil: the whole branch
	Now     time.Time
}

// keys lists API keys, newest first; ?partner= narrows the list to one
// partner's subtree.
func (c *console) keys(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	d := &keysData{Now: time.Now()}
	within := hub.PartnerKey{}
	if s := r.URL.Query().Get("partner"); s != "" {
		within = idKey(s)
		p, err := c.svc.Partner(ctx, pr, within)
		if err != nil {
			c.fail(w, r, pr, err)
			return
		}
		d.Partner = p
	}
	n, err := pageNumber(r)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	page, err := c.svc.ListAPIKeys(ctx, pr, within, listQuery(n, pageSize, newestFirst))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d.Keys, d.Pager = page.Items, newPager(r, n, pageSize, page.Total, len(page.Items))
	c.page(w, r, pr, "keys", "API keys", "keys", d)
}

// keyFormData is the new-key form's extra data: the scopes the user may
// grant and those ticked.
type keyFormData struct {
	Scopes  []string
	Checked map[string]bool
	Error   string // the scopes' error
}

// expiryChoices are the lifetimes a new key may get, in days ("": never).
var expiryChoices = []string{"", "30", "90", "365"}

// keyFields are the new-key form's inputs.
func keyFields(pr hub.Principal) []formField {
	return []formField{
		{Name: "name", Label: "Name", Type: "text", Required: true, Hint: "What the key is for, such as “billing sync”."},
		{Name: "partner", Label: "Partner", Type: "text", Required: true, Value: strconv.FormatInt(pr.PartnerID, 10),
			Hint: "The id, SID or ref of the partner the key acts as; your own partner by default."},
		{Name: "expires_days", Label: "Expires after (days)", Type: "select", Options: expiryChoices,
			Hint: "Empty: the key works until it is revoked."},
	}
}

// keyForm is the new-key form.
func keyForm(pr hub.Principal, fields []formField, checked map[string]bool) *formData {
	var scopes []string
	for _, s := range hub.AllScopes {
		if pr.HasScope(s) {
			scopes = append(scopes, s)
		}
	}
	return &formData{Title: "New API key", Action: Prefix + "/keys", Submit: "Create key", Cancel: Prefix + "/keys",
		Fields: fields, Extra: &keyFormData{Scopes: scopes, Checked: checked}}
}

// newKeyForm shows the form creating a key.
func (c *console) newKeyForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	if err := pr.RequireScope(hub.NeedKeysManage.AnyOf()...); err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.page(w, r, pr, "keyform", "New API key", "keys", keyForm(pr, keyFields(pr), map[string]bool{}))
}

// keyCreated is the page that shows a new key's secret, once.
type keyCreated struct {
	Key    *hub.APIKey
	Secret string
}

// createKey creates a key and shows its secret on this response only: it
// is never stored, logged, put in the session or shown again.
func (c *console) createKey(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	fields := keyFields(pr)
	values(r, fields)
	scopes := r.PostForm["scopes"]
	checked := map[string]bool{}
	for _, s := range scopes {
		checked[s] = true
	}
	req := hub.NewAPIKeyRequest{Name: value(fields, "name"), Scopes: scopes}
	var err error
	if days := value(fields, "expires_days"); days != "" {
		if !slices.Contains(expiryChoices, days) {
			err = hub.InvalidField("expires_days", "choose one of the lifetimes offered")
		} else {
			n, _ := strconv.Atoi(days)
			exp := time.Now().Add(time.Duration(n) * 24 * time.Hour)
			req.ExpiresAt = &exp
		}
	}
	if err == nil {
		key, ok := lookupKey(value(fields, "partner"))
		if !ok {
			err = hub.InvalidField("partner", "enter the id, SID or ref of a partner")
		} else if p, perr := c.svc.Partner(ctx, pr, key); perr == nil {
			req.PartnerID = p.ID
		} else if hub.IsKind(perr, hub.NotFound) {
			err = hub.InvalidField("partner", "no such partner in your branch")
		} else {
			err = perr
		}
	}
	var k *hub.APIKey
	var secret string
	if err == nil {
		k, secret, err = c.svc.CreateAPIKey(ctx, pr, req)
	}
	if err != nil {
		if !formShowable(err) {
			c.fail(w, r, pr, err)
			return
		}
		form := keyForm(pr, fields, checked)
		form.Error = fieldErrors(fields, err)
		c.render(w, r, formStatus(err), "keyform", c.newView(ctx, pr, form.Title, "keys", form))
		return
	}
	c.render(w, r, http.StatusCreated, "keycreated", c.newView(ctx, pr, "API key created", "keys", &keyCreated{Key: k, Secret: secret}))
}

// visibleKey returns the key with the path's {id} when it lies in the
// user's branch: the key list narrowed to that id, so a key elsewhere is
// the same NotFound as a missing one.
func (c *console) visibleKey(r *http.Request, pr hub.Principal) (*hub.APIKey, error) {
	q := hub.ListQuery{Limit: 1, Filter: eqInt("id", idOf(r.PathValue("id")))}
	page, err := c.svc.ListAPIKeys(r.Context(), pr, hub.PartnerKey{}, q)
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 0 {
		return nil, hub.Errorf(hub.NotFound, "API key not found")
	}
	return &page.Items[0], nil
}

// revokeKeyForm asks to confirm a revocation.
func (c *console) revokeKeyForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	k, err := c.visibleKey(r, pr)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.page(w, r, pr, "keyrevoke", "Revoke API key", "keys", k)
}

// revokeKey revokes a key at once.
func (c *console) revokeKey(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	k, err := c.svc.RevokeAPIKey(r.Context(), pr, idOf(r.PathValue("id")))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.redirect(w, r, Prefix+"/keys", "Revoked the key “"+k.Name+"” ("+hub.APIKeyPrefix+k.Prefix+"…). It stops working now.")
}
