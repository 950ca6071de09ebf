package bluefin

import (
	"github.com/partnerhub/partnerhub/internal/hub"
)

// contactIn is a request's contact attribute: an existing user named by
// id ({"id": n}, ours), or a new user described inline (the vendor's
// UserCreateInline, with our write-only password).
type contactIn struct {
	id     int64
	inline *inlineUser
}

// inlineUser is a contact user described in the request.
type inlineUser struct {
	userName, password, firstName, lastName, email, phone string
	role                                                  hub.Role
	inactive, welcome                                     bool
}

// inlineRequired are the attributes an inline contact must carry (the
// vendor's UserCreateInline).
var inlineRequired = []string{"userName", "firstName", "lastName", "email", "phone"}

// contact reads the contact attribute (null: not sent). Problems are
// recorded on b, named "contact" or "contact.<attribute>".
func (b *body) contact() (contactIn, bool) {
	m, ok := b.object("contact")
	if !ok {
		return contactIn{}, false
	}
	cb := newBody(m, "contact.")
	defer b.add(cb)
	if v, ok := m["id"]; ok && !isNull(v) {
		id, err := parseID(v)
		if err != nil || id <= 0 {
			b.bad("contact", "id must be a positive whole number")
			return contactIn{}, false
		}
		// A GET shows the contact as {id, firstName, lastName, email}:
		// sent back, only the id counts.
		cb.ignore("id", "firstName", "lastName", "email")
		cb.rejectUnknown()
		return contactIn{id: id}, true
	}
	u := &inlineUser{}
	cb.str("userName", &u.userName)
	cb.str("password", &u.password)
	cb.str("firstName", &u.firstName)
	cb.str("lastName", &u.lastName)
	cb.str("email", &u.email)
	cb.str("phone", &u.phone)
	u.role, _ = cb.role("userRole")
	var active bool
	if cb.boolean("isActive", &active) {
		u.inactive = !active
	}
	cb.boolean("sendWelcomeEmail", &u.welcome)
	cb.require(inlineRequired...)
	cb.rejectUnknown()
	return contactIn{inline: u}, true
}

// partnerLogin is an inline contact as the partner's login user.
func (u *inlineUser) partnerLogin() *hub.PartnerLogin {
	return &hub.PartnerLogin{Login: u.userName, Password: u.password, FirstName: u.firstName, LastName: u.lastName,
		Email: u.email, Phone: u.phone, Inactive: u.inactive, Role: u.role, WelcomeEmail: u.welcome}
}

// clientContact is an inline contact as a client's contact user.
func (u *inlineUser) clientContact() *hub.ClientContact {
	return &hub.ClientContact{Username: u.userName, Password: u.password, FirstName: u.firstName, LastName: u.lastName,
		Email: u.email, Phone: u.phone, Role: u.role, Inactive: u.inactive, WelcomeEmail: u.welcome}
}

// contactFields names the hub's fields of a contact user (a partner's
// login user, a client's contact) in the request's words.
var contactFields = map[string]string{
	"login":      "contact.userName",
	"username":   "contact.userName",
	"password":   "contact.password",
	"first_name": "contact.firstName",
	"last_name":  "contact.lastName",
	"email":      "contact.email",
	"phone":      "contact.phone",
	"role":       "contact.userRole",
}
