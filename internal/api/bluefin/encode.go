package bluefin

import (
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// The face's answers, in the vendor's attribute order. A string that was
// never set is null (ours, as in the vendor's examples), never absent and
// never "": *string fields below are nil for "".

// ns is s as a nullable string: nil (null) when empty.
func ns(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// timeFormat is ISO 8601 in UTC with milliseconds.
const timeFormat = "2006-01-02T15:04:05.000Z07:00"

func isoTime(t time.Time) string { return t.UTC().Format(timeFormat) }

// idName is a reference to another object as GET shows it: both the id
// and the name.
type idName struct {
	ID   int64   `json:"id"`
	Name *string `json:"name"`
}

// idOnly is a reference by id alone (the vendor's UserReference).
type idOnly struct {
	ID int64 `json:"id"`
}

// contactDetails is a visible contact user as details show it (the
// vendor's UserDetailsReference).
type contactDetails struct {
	ID        int64   `json:"id"`
	FirstName *string `json:"firstName"`
	LastName  *string `json:"lastName"`
	Email     *string `json:"email"`
}

// contactRef shows a contact: nil (absent) without one, its details when
// the caller may see the user, else its id alone.
func contactRef(id int64, u *hub.User) any {
	switch {
	case id == 0:
		return nil
	case u == nil:
		return idOnly{ID: id}
	}
	return contactDetails{ID: u.ID, FirstName: ns(u.FirstName), LastName: ns(u.LastName), Email: ns(u.Email)}
}

// names holds the names of the objects a page refers to (read once per
// page: hub.Service.PartnerNames, ClientNames).
type names struct{ partners, clients map[int64]string }

func (n names) partner(id int64) *idName { return &idName{ID: id, Name: nameOf(n.partners, id)} }
func (n names) client(id int64) *idName  { return &idName{ID: id, Name: nameOf(n.clients, id)} }

func nameOf(m map[int64]string, id int64) *string {
	if s, ok := m[id]; ok {
		return &s
	}
	return nil // gone since the page was read
}

// partnerItem is the vendor's PartnerListItem (with our partnerId).
type partnerItem struct {
	ID                 int64   `json:"id"`
	Name               string  `json:"name"`
	Reference          *string `json:"reference"`
	VerificationPhrase *string `json:"verificationPhrase"`
	Parent             *idName `json:"parent,omitempty"`
	Version            int64   `json:"version"`
	Contact            any     `json:"contact,omitempty"`
	IsActive           bool    `json:"isActive"`
	PartnerID          *string `json:"partnerId"`
	BillingID          *string `json:"billingId"`
}

// partnerDetails is the vendor's PartnerDetails.
type partnerDetails struct {
	partnerItem
	Created  string `json:"created"`
	Modified string `json:"modified"`
}

// hasParent reports whether a partner shows a parent: the root and the
// top-level partners below it show none (the root stands for the
// operator, whose partners are the vendor's top partners).
func hasParent(p *hub.Partner) bool { return p.Depth >= 2 }

func newPartnerItem(p *hub.Partner, n names) partnerItem {
	it := partnerItem{ID: p.ID, Name: p.Name, Reference: ns(p.Reference), VerificationPhrase: ns(p.VerifyPhrase),
		Version: p.Version, IsActive: p.Active(), PartnerID: ns(p.Reference), BillingID: ns(p.BillingID)}
	if hasParent(p) {
		it.Parent = n.partner(p.ParentID)
	}
	if p.ContactUserID != 0 {
		it.Contact = idOnly{ID: p.ContactUserID}
	}
	return it
}

// partnerRefIDs lists the partners a page of partners names.
func partnerRefIDs(ps []hub.Partner) []int64 {
	ids := make([]int64, 0, len(ps))
	for i := range ps {
		if hasParent(&ps[i]) {
			ids = append(ids, ps[i].ParentID)
		}
	}
	return ids
}

// roleRef is the vendor's UserRoleReference.
type roleRef struct {
	Name string `json:"name"`
}

// userItem is the vendor's UserListItem: partner for a partner-level
// user, client for a client-level one.
type userItem struct {
	ID        int64   `json:"id"`
	UserName  string  `json:"userName"`
	FirstName *string `json:"firstName"`
	LastName  *string `json:"lastName"`
	Email     *string `json:"email"`
	Phone     *string `json:"phone"`
	IsActive  bool    `json:"isActive"`
	Version   int64   `json:"version"`
	UserRole  roleRef `json:"userRole"`
	Partner   *idName `json:"partner,omitempty"`
	Client    *idName `json:"client,omitempty"`
}

// userDetails is the vendor's UserDetails.
type userDetails struct {
	userItem
	Created  string `json:"created"`
	Modified string `json:"modified"`
}

func newUserItem(u *hub.User, n names) userItem {
	it := userItem{ID: u.ID, UserName: u.Username, FirstName: ns(u.FirstName), LastName: ns(u.LastName), Email: ns(u.Email),
		Phone: ns(u.Phone), IsActive: u.Active, Version: u.Version, UserRole: roleRef{Name: string(u.Role)}}
	if u.ClientID != 0 {
		it.Client = n.client(u.ClientID)
	} else {
		it.Partner = n.partner(u.PartnerID)
	}
	return it
}

// userRefIDs lists the partners and clients a page of users names.
func userRefIDs(us []hub.User) (partners, clients []int64) {
	for i := range us {
		if us[i].ClientID != 0 {
			clients = append(clients, us[i].ClientID)
		} else {
			partners = append(partners, us[i].PartnerID)
		}
	}
	return partners, clients
}

// clientItem is the vendor's ClientListItem. partner is the top-level
// partner of the client's branch, directPartner the owner (ours).
type clientItem struct {
	ID            int64   `json:"id"`
	Name          string  `json:"name"`
	BillingID     *string `json:"billingId"`
	MID           *string `json:"mid"`
	IsActive      bool    `json:"isActive"`
	Version       int64   `json:"version"`
	Partner       *idName `json:"partner"`
	DirectPartner *idName `json:"directPartner"`
	Contact       any     `json:"contact,omitempty"`
}

// clientDetails is the vendor's ClientDetails.
type clientDetails struct {
	clientItem
	Created  string `json:"created"`
	Modified string `json:"modified"`
}

func newClientItem(c *hub.Client, n names) clientItem {
	it := clientItem{ID: c.ID, Name: c.Name, BillingID: ns(c.BillingID), MID: ns(c.MID), IsActive: c.Active(), Version: c.Version,
		Partner: n.partner(hub.TopPartnerID(c.PartnerPath)), DirectPartner: n.partner(c.PartnerID)}
	if c.ContactUserID != 0 {
		it.Contact = idOnly{ID: c.ContactUserID}
	}
	return it
}

// clientRefIDs lists the partners a page of clients names.
func clientRefIDs(cs []hub.Client) []int64 {
	ids := make([]int64, 0, 2*len(cs))
	for i := range cs {
		ids = append(ids, hub.TopPartnerID(cs[i].PartnerPath), cs[i].PartnerID)
	}
	return ids
}

// listBody is the vendor's list envelope.
type listBody[T any] struct {
	Total int64 `json:"total"`
	Data  []T   `json:"data"`
}
