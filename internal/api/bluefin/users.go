package bluefin

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// userFields names the hub's user fields in the vendor's words.
var userFields = renamer(map[string]string{
	"username": "userName", "first_name": "firstName", "last_name": "lastName", "role": "userRole", "active": "isActive",
})

// userRequired are the attributes POST /users must carry (the vendor's
// UserCreate).
var userRequired = []string{"userName", "firstName", "lastName", "email", "phone", "userRole"}

// userReadOnly are the attributes a GET shows that a write accepts and
// ignores.
var userReadOnly = []string{"id", "created", "modified"}

// listUsers serves GET /api/v1/users: every user the caller can see (the
// users of its subtree's partners and clients; a client-level caller's own
// client's users), or those of the partner= subtree or of the client=
// client, in id order. partner= and client= name an id or a name; one
// outside the caller's view is the 7403. Both together list the client's
// users when the client lies in the partner's subtree, else none.
func (a *api) listUsers(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	q := r.URL.Query()
	lq, err := listQuery(q)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	within, err := a.listPartner(ctx, pr, q, hub.NeedUsersRead)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	client, err := a.listClient(ctx, pr, q, hub.NeedUsersRead)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var page hub.Page[hub.User]
	switch {
	case client != nil && within != nil && !hub.PathContains(within.Path, client.PartnerPath):
		page, err = hub.Page[hub.User]{}, lq.Validate(hub.UserListFields)
	case client != nil:
		page, err = a.svc.ListUsers(ctx, pr, hub.PartnerKey{}, client.ID, false, lq)
	default:
		page, err = a.svc.ListUsers(ctx, pr, partnerKey(within), 0, false, lq)
	}
	if err != nil {
		a.writeError(w, r, pageFields(err))
		return
	}
	partners, clients := userRefIDs(page.Items)
	n, err := a.names(ctx, partners, clients)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := listBody[userItem]{Total: page.Total, Data: make([]userItem, len(page.Items))}
	for i := range page.Items {
		out.Data[i] = newUserItem(&page.Items[i], n)
	}
	writeJSON(w, http.StatusOK, out)
}

// getUser serves GET /api/v1/users/{user_id}.
func (a *api) getUser(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	id, ok := a.readID(w, r, "user_id", "user")
	if !ok {
		return
	}
	u, err := a.svc.User(ctx, pr, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	partners, clients := userRefIDs([]hub.User{*u})
	n, err := a.names(ctx, partners, clients)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, userDetails{userItem: newUserItem(u, n), Created: isoTime(u.CreatedAt), Modified: isoTime(u.ModifiedAt)})
}

// userPatch is the user attributes a request sent (nil: not sent).
type userPatch struct {
	userName, firstName, lastName, email, phone *string
	role                                        *hub.Role
	active                                      *bool
	password                                    string
	welcome                                     bool
}

// readUser reads a user's attributes (not its partner or client).
func readUser(b *body) userPatch {
	up := userPatch{userName: b.text("userName"), firstName: b.text("firstName"), lastName: b.text("lastName"),
		email: b.text("email"), phone: b.text("phone")}
	if role, ok := b.role("userRole"); ok {
		up.role = &role
	}
	up.active = b.flag("isActive")
	b.str("password", &up.password)
	b.boolean("sendWelcomeEmail", &up.welcome)
	return up
}

// apply writes the sent attributes into u.
func (up userPatch) apply(u *hub.User) {
	setSent(&u.Username, up.userName)
	setSent(&u.FirstName, up.firstName)
	setSent(&u.LastName, up.lastName)
	setSent(&u.Email, up.email)
	setSent(&u.Phone, up.phone)
	setSent(&u.Role, up.role)
	setSent(&u.Active, up.active)
}

// createUser serves POST /api/v1/users: a user of a partner (partner-level
// roles: partner required) or of a client (client-level roles: client
// required; partner, when sent too, must be the client's owner), with the
// optional write-only password. 200 {"id": n}.
//
// Order: partner and client are resolved among what the caller can see
// (missing and invisible alike: 409 naming the attribute); then the
// caller must hold users.manage and may not grant a role above its own
// (403, whatever else is wrong with the body); then the body's shape and
// required attributes (409); then the hub's rules on the values (409).
func (a *api) createUser(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	b, ok := a.readBody(w, r)
	if !ok {
		return
	}
	up := readUser(b)
	var role hub.Role
	if up.role != nil {
		role = *up.role
	}
	u := hub.User{Role: role, Active: true, WelcomeEmail: up.welcome}
	var (
		owner *hub.Partner
		err   error
	)
	if pref, ok := b.reference("partner"); ok {
		if owner, err = a.svc.ResolvePartner(ctx, pr, hub.PartnerRef{ID: pref.ID, Name: pref.Name}, hub.NeedUsersManage); err != nil {
			a.writeError(w, r, refError(err, "partner"))
			return
		}
		u.PartnerID = owner.ID
	}
	if cref, ok := b.reference("client"); ok {
		c, err := a.svc.ResolveClient(ctx, pr, hub.ClientRef{ID: cref.ID, Name: cref.Name}, hub.NeedUsersManage)
		if err != nil {
			a.writeError(w, r, refError(err, "client"))
			return
		}
		u.ClientID, u.PartnerID = c.ID, 0
		if owner != nil && owner.ID != c.PartnerID {
			b.bad("partner", "is not the client's partner")
		}
	}
	home := u.PartnerID
	if home == 0 && u.ClientID == 0 {
		home = pr.PartnerID // no home sent: checked at the caller's own
	}
	if err := a.svc.CheckNewUser(ctx, pr, home, u.ClientID, role); err != nil {
		a.writeError(w, r, err)
		return
	}
	switch {
	case u.ClientID == 0 && u.PartnerID == 0 && role.IsClientLevel():
		b.bad("client", "is required for a client-level role")
	case u.ClientID == 0 && u.PartnerID == 0:
		b.bad("partner", "is required for a partner-level role")
	}
	if !a.checkBody(w, r, b, userReadOnly, userRequired...) {
		return
	}
	up.apply(&u)
	created, err := a.svc.CreateUser(ctx, pr, &u, up.password)
	if err != nil {
		a.writeError(w, r, userFields(refError(err, "partner")))
		return
	}
	writeID(w, created.ID)
}

// patchUser serves PATCH /api/v1/users/{user_id}: only the sent
// attributes change; password (write-only) sets a new one (a manager's
// reset: not for the caller itself); version, when sent, must equal the
// stored one (else 409, nothing written). partner and client cannot change.
// 200 {"id": n}.
//
// Order: the user's visibility (404, the same for a missing one), the
// scope and the user's rank (403: nobody manages a user above their own
// role), the version (409), the role change (403: above the caller's, or
// the caller's own), then the body (409).
func (a *api) patchUser(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	id, b, ok := a.readPatch(w, r, "user_id", "user")
	if !ok {
		return
	}
	ifVersion := b.version()
	up := readUser(b)
	for _, k := range []string{"partner", "client"} {
		b.fixed(k, "cannot be changed: a user stays with its partner or client")
	}
	b.finish(userReadOnly)
	updated, err := a.svc.UpdateUserWithPassword(ctx, pr, id, ifVersion, func(u *hub.User) error {
		// The role first: the hub judges it before any problem of the
		// body, which it reports after.
		up.apply(u)
		return b.err()
	}, up.password)
	if err != nil {
		a.writeError(w, r, userFields(staleVersion(err)))
		return
	}
	writeID(w, updated.ID)
}
