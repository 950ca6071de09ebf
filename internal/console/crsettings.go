package console

import (
	"net/http"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// autoApproveForm asks to confirm turning a partner's auto-approval of
// incoming change requests on (or off, when it is on).
func (c *console) autoApproveForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	p, err := c.svc.Partner(ctx, pr, idKey(r.PathValue("id")))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	s, err := c.svc.ChangeRequestSettings(ctx, pr, hub.PartnerKey{ID: p.ID})
	if err == nil {
		err = pr.RequireScope(hub.NeedChangeRequestsManage.AnyOf()...)
	}
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	list := Prefix + "/partners/" + strconv.FormatInt(p.ID, 10) + "/change-requests"
	d := &confirmData{Context: p.Name, ContextURL: list, Action: Prefix + "/partners/" + strconv.FormatInt(p.ID, 10) + "/auto-approve", Cancel: list}
	title := "Turn auto-approve on for " + p.Name + "?"
	if s.AutoApprove {
		title = "Turn auto-approve off for " + p.Name + "?"
		d.Paragraphs = []string{"Change requests addressed to " + p.Name + " will wait again for someone on its side to approve or reject them."}
		d.Hidden, d.Submit = map[string]string{"on": "false"}, "Turn auto-approve off"
	} else {
		d.Paragraphs = []string{
			"Every change request addressed to " + p.Name + " from now on is approved the moment it is made, and its migration starts at once: clients move to " + p.Name + " without anyone on its side looking at them.",
			"Requests already waiting still need a decision.",
		}
		d.Hidden, d.Submit, d.Danger = map[string]string{"on": "true"}, "Turn auto-approve on", true
	}
	c.page(w, r, pr, "confirm", title, "changes", d)
}

// setAutoApprove sets a partner's auto-approval to the posted state (not
// a toggle: posting twice leaves it as asked).
func (c *console) setAutoApprove(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	on, err := strconv.ParseBool(r.PostForm.Get("on"))
	if err != nil {
		c.fail(w, r, pr, &httpapi.RequestError{Status: http.StatusBadRequest, Field: "on", Message: "must be true or false"})
		return
	}
	key := idKey(r.PathValue("id"))
	if _, err := c.svc.SetChangeRequestAutoApprove(r.Context(), pr, key, on); err != nil {
		c.fail(w, r, pr, err)
		return
	}
	state := "off: incoming change requests wait for a decision"
	if on {
		state = "on: incoming change requests are approved as they are made"
	}
	c.redirect(w, r, Prefix+"/partners/"+strconv.FormatInt(key.ID, 10)+"/change-requests", "Auto-approve is now "+state+".")
}
