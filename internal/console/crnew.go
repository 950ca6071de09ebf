package console

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// maxFormChannels bounds the channels the new-request form lists (the
// hub's bound on a partial request's channels).
const maxFormChannels = 1000

// crFormData is the new-request form's extra part: full or partial, and
// the client's channels to choose from.
type crFormData struct {
	Client   *hub.Client
	Mode     string // "full" or "partial"
	Channels []hub.Channel
	Total    int64 // the client's channels
	More     bool  // the client has more channels than listed
	Checked  map[string]bool
	Error    string // the channels' error
}

// crFields are the new-request form's inputs besides the channels.
func crFields() []formField {
	return []formField{{Name: "target_partner", Label: "Target partner", Type: "text", Required: true, Auto: "off",
		Hint: "The ref (…PA) or SID of the partner the client moves to, as its owner gave it to you; a partner in your branch may also be named by its id."}}
}

// loadClientForRequest reads the path's client and its channels for the
// form.
func (c *console) loadClientForRequest(r *http.Request, pr hub.Principal) (*hub.Client, *crFormData, error) {
	ctx := r.Context()
	cl, err := c.svc.Client(ctx, pr, idOf(r.PathValue("id")), "")
	if err != nil {
		return nil, nil, err
	}
	within := hub.PartnerKey{ID: cl.PartnerID}
	if pr.ClientID != 0 {
		within = hub.PartnerKey{}
	}
	q := hub.ListQuery{Limit: maxFormChannels, Filter: eqInt("client_id", cl.ID), Order: []hub.OrderTerm{{Field: "phone_number"}, {Field: "id"}}}
	page, err := c.svc.ListChannels(ctx, pr, within, true, q)
	if err != nil {
		return nil, nil, err
	}
	return cl, &crFormData{Client: cl, Mode: "full", Channels: page.Items, Total: page.Total,
		More: page.Total > int64(len(page.Items)), Checked: map[string]bool{}}, nil
}

// crForm is the new-request form of a client.
func crForm(cl *hub.Client, fields []formField, extra *crFormData) *formData {
	id := strconv.FormatInt(cl.ID, 10)
	return &formData{Title: "Move " + cl.Name + " to another partner", Action: Prefix + "/clients/" + id + "/change-request",
		Submit: "Ask to move", Cancel: Prefix + "/clients/" + id, Fields: fields, Extra: extra}
}

// newChangeRequestForm shows the form asking to move a client. Only who
// may ask gets it: the hub's Forbidden otherwise.
func (c *console) newChangeRequestForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	cl, extra, err := c.loadClientForRequest(r, pr)
	if err == nil {
		err = pr.RequireScope(hub.NeedChangeRequestsManage.AnyOf()...)
	}
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	form := crForm(cl, crFields(), extra)
	c.page(w, r, pr, "crnew", form.Title, "changes", form)
}

// createChangeRequest asks to move the path's client, whole or some of
// its channels, and shows the new request.
func (c *console) createChangeRequest(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	cl, extra, err := c.loadClientForRequest(r, pr)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	fields := crFields()
	values(r, fields)
	extra.Mode = r.PostForm.Get("mode")
	in := hub.NewChangeRequest{ClientID: cl.ID}
	switch extra.Mode {
	case "full":
	case "partial":
		in.Channels = append([]string{}, r.PostForm["channels"]...)
		for _, ref := range in.Channels {
			extra.Checked[ref] = true
		}
	default:
		extra.Mode = "full"
		err = hub.InvalidField("mode", "choose the whole client or some of its channels")
	}
	if err == nil {
		if key, ok := lookupKey(value(fields, "target_partner")); ok {
			in.Target = key
		} else {
			err = hub.InvalidField("target_partner", "enter the ref, SID or id of a partner")
		}
	}
	var cr *hub.ChangeRequest
	if err == nil {
		cr, err = c.svc.CreateChangeRequest(ctx, pr, hub.PartnerKey{}, in)
	}
	if err != nil {
		if !formShowable(err) {
			c.fail(w, r, pr, err)
			return
		}
		form := crForm(cl, fields, extra)
		form.Error = fieldErrors(fields, err)
		var he *hub.Error
		if errors.As(err, &he) {
			for _, fe := range he.Fields {
				if fe.Field == "mode" || strings.HasPrefix(fe.Field, "channels") {
					extra.Error = sentence(fe.Message)
				}
			}
		}
		c.render(w, r, formStatus(err), "crnew", c.newView(ctx, pr, form.Title, "changes", form))
		return
	}
	msg := "Asked to move " + cl.Name + " (request " + cr.Ref + "). The target partner's side approves or rejects it."
	if cr.Status == hub.ChangeRequestPending {
		msg = "Asked to move " + cl.Name + " (request " + cr.Ref + "); the target partner approves such requests automatically, and the migration runs now."
	}
	c.redirect(w, r, crURL(cr), msg)
}
