package console

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// byUsername orders users by username.
var byUsername = []hub.OrderTerm{{Field: "username"}}

// usersData is the users page.
type usersData struct {
	Q     string
	Users []hub.User
	Pager *pager
}

// users lists the users of the user's branch (client users included),
// optionally those whose username contains ?q=.
func (c *console) users(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	n, err := pageNumber(r)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d := &usersData{Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	q := listQuery(n, pageSize, byUsername)
	if d.Q != "" {
		if len(d.Q) > maxSearchLen {
			c.fail(w, r, pr, &httpapi.RequestError{Status: http.StatusBadRequest, Field: "q", Message: "must be at most 200 characters"})
			return
		}
		q.Filter = contains("username", d.Q)
	}
	page, err := c.svc.ListUsers(r.Context(), pr, hub.PartnerKey{}, 0, false, q)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d.Users, d.Pager = page.Items, newPager(r, n, pageSize, page.Total, len(page.Items))
	c.page(w, r, pr, "users", "Users", "users", d)
}

// grantableRoles are the roles pr may give: none above its own.
func grantableRoles(pr hub.Principal) []string {
	var out []string
	for _, role := range hub.Roles {
		if role.Rank() >= pr.Role.Rank() {
			out = append(out, string(role))
		}
	}
	return out
}

// userFields are the new-user form's inputs.
func userFields(pr hub.Principal) []formField {
	return []formField{
		{Name: "username", Label: "Username", Type: "text", Required: true, Auto: "off"},
		{Name: "first_name", Label: "First name", Type: "text", Required: true},
		{Name: "last_name", Label: "Last name", Type: "text", Required: true},
		{Name: "email", Label: "E-mail", Type: "email", Required: true},
		{Name: "phone", Label: "Phone (E.164)", Type: "tel", Hint: "Such as +14155550100; optional."},
		{Name: "role", Label: "Role", Type: "select", Required: true, Options: grantableRoles(pr),
			Hint: "At most your own role. Client roles belong to a client."},
		{Name: "partner", Label: "Home partner", Type: "text", Value: strconv.FormatInt(pr.PartnerID, 10),
			Hint: "The id, SID or ref of the partner the user belongs to (partner and system roles)."},
		{Name: "client", Label: "Home client id", Type: "text", Hint: "For client roles only: the id of the user's client."},
		{Name: "password", Label: "Initial password", Type: "password", Auto: "new-password",
			Hint: "At least 10 characters; empty: the user cannot sign in until a manager sets one."},
	}
}

// userForm is the new-user form.
func userForm(fields []formField) *formData {
	return &formData{Title: "New user", Action: Prefix + "/users", Submit: "Create user", Cancel: Prefix + "/users", Fields: fields}
}

// newUserForm shows the form creating a user.
func (c *console) newUserForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	if err := pr.RequireScope(hub.NeedUsersManage.AnyOf()...); err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.page(w, r, pr, "form", "New user", "users", userForm(userFields(pr)))
}

// createUser creates a user homed at a partner or, for a client role, a
// client.
func (c *console) createUser(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	fields := userFields(pr)
	values(r, fields)
	in := &hub.User{Username: value(fields, "username"), FirstName: value(fields, "first_name"), LastName: value(fields, "last_name"),
		Email: value(fields, "email"), Phone: value(fields, "phone"), Role: hub.Role(value(fields, "role")), Active: true}
	var err error
	if in.Role.IsClientLevel() {
		if in.ClientID = idOf(value(fields, "client")); in.ClientID < 0 {
			err = hub.InvalidField("client", "a client role needs the id of the user's client")
		}
	} else if key, ok := lookupKey(value(fields, "partner")); !ok {
		err = hub.InvalidField("partner", "enter the id, SID or ref of a partner")
	} else if p, perr := c.svc.Partner(ctx, pr, key); perr == nil {
		in.PartnerID = p.ID
	} else if hub.IsKind(perr, hub.NotFound) {
		err = hub.InvalidField("partner", "no such partner in your branch")
	} else {
		err = perr
	}
	var u *hub.User
	if err == nil {
		u, err = c.svc.CreateUser(ctx, pr, in, value(fields, "password"))
	}
	if err != nil {
		if !formShowable(err) && !hub.IsKind(err, hub.NotFound) {
			c.fail(w, r, pr, err)
			return
		}
		if hub.IsKind(err, hub.NotFound) {
			// The home client: missing or outside the branch, alike.
			err = hub.InvalidField("client", "no such client in your branch")
		}
		fields[len(fields)-1].Value = "" // a password is never sent back
		form := userForm(fields)
		form.Error = fieldErrors(fields, err)
		c.render(w, r, formStatus(err), "form", c.newView(ctx, pr, form.Title, "users", form))
		return
	}
	c.redirect(w, r, Prefix+"/users/"+strconv.FormatInt(u.ID, 10), "Created the user "+u.Username+".")
}

// userData is a user's page.
type userData struct {
	U         *hub.User
	Roles     []string // the roles the viewer may give
	CanManage bool     // the viewer may change the role and deactivate
	IsSelf    bool
	Error     string
}

// userPage shows a user, with the role and deactivation controls for
// those who may use them; /console/users/new is the new-user form.
func (c *console) userPage(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	if r.PathValue("id") == "new" {
		c.newUserForm(w, r, pr)
		return
	}
	u, err := c.svc.User(r.Context(), pr, idOf(r.PathValue("id")))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.page(w, r, pr, "user", u.Username, "users", c.userData(pr, u))
}

// userData describes u for pr's user page.
func (c *console) userData(pr hub.Principal, u *hub.User) *userData {
	return &userData{U: u, Roles: grantableRoles(pr), IsSelf: u.ID == pr.UserID,
		CanManage: pr.HasScope(hub.ScopeUsersManage) && u.Role.Rank() >= pr.Role.Rank()}
}

// setUserRole changes a user's role within the viewer's own, at the
// version the page was read at.
func (c *console) setUserRole(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	id := idOf(r.PathValue("id"))
	version, _ := strconv.ParseInt(r.PostForm.Get("version"), 10, 64)
	role := hub.Role(r.PostForm.Get("role"))
	u, err := c.svc.UpdateUser(ctx, pr, id, version, func(u *hub.User) error {
		u.Role = role
		return nil
	})
	if err == nil {
		c.redirect(w, r, Prefix+"/users/"+strconv.FormatInt(u.ID, 10), u.Username+" is now "+string(u.Role)+".")
		return
	}
	if !formShowable(err) {
		c.fail(w, r, pr, err)
		return
	}
	cur, rerr := c.svc.User(ctx, pr, id)
	if rerr != nil {
		c.fail(w, r, pr, rerr)
		return
	}
	d := c.userData(pr, cur)
	d.Error = fieldErrors(nil, err)
	if hub.IsKind(err, hub.Conflict) {
		d.Error = "Someone else changed this user meanwhile; the page now shows the current values. Choose the role again."
	}
	c.render(w, r, formStatus(err), "user", c.newView(ctx, pr, cur.Username, "users", d))
}

// deactivateUserForm asks to confirm a deactivation.
func (c *console) deactivateUserForm(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	u, err := c.svc.User(r.Context(), pr, idOf(r.PathValue("id")))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.page(w, r, pr, "userdeactivate", "Deactivate "+u.Username, "users", u)
}

// deactivateUser deactivates a user: it can no longer sign in, and its
// tokens and keys stop working.
func (c *console) deactivateUser(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	u, err := c.svc.DeactivateUser(r.Context(), pr, idOf(r.PathValue("id")))
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.redirect(w, r, Prefix+"/users/"+strconv.FormatInt(u.ID, 10), "Deactivated "+u.Username+".")
}
