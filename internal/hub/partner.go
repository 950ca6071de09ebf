package hub

import "time"

// Partner statuses. A new partner is unverified until its owner e-mail is
// verified; inactive is what deactivation sets.
const (
	StatusUnverified = "unverified"
	StatusActive     = "active"
	StatusSuspended  = "suspended"
	StatusInactive   = "inactive"
)

// Payment types of a partner.
const (
	PaymentPrepay  = "prepay"
	PaymentPostpay = "postpay"
)

// Partner is one node of the reseller tree. It carries the union of the
// fields of the three faces; each face shows its own subset.
type Partner struct {
	ID       int64  // Bluefin id
	SID      string // CarrierX partner_sid (UUID)
	Ref      string // 360dialog id (base62 + "PA")
	ParentID int64  // 0 only for the root
	// ParentSID is the parent's SID, filled by the store on reads ("" for
	// the root). It belongs to the child's own record, so showing it leaks
	// nothing of the parent.
	ParentSID string
	Path      string // materialised ancestry, e.g. "/1/5/23/"
	Depth     int    // 0 for the root

	Name        string // organisation name (Bluefin name, CarrierX company_name, 360dialog brand_name)
	ContactName string // CarrierX "name": the contact person
	Status      string
	Version     int64

	Login         string
	Reference     string // Bluefin reference / partnerId
	BillingID     string
	VerifyPhrase  string // Bluefin verificationPhrase
	ContactUserID int64

	Address1, Address2, City, State, Zip string
	CountryCode                          string // ISO 3166-1 alpha-3
	Phonenumber                          string

	// E-mail addresses are shown only once verified.
	OwnerEmail, BillingEmail, TechEmail                         string
	OwnerEmailVerified, BillingEmailVerified, TechEmailVerified bool

	PaymentType        string
	Balance            Money
	ChargeAt           *Money
	PrepayAmount       *Money
	DailySpendingLimit Money
	DailySpentAmount   Money
	SpendingLimit      Money

	// 360dialog partner settings.
	LogoURL             string
	WebhookURL          string
	RedirectURL         string
	AllowClientAddPhone bool

	Attributes         map[string]string
	Callbacks          map[string]string
	Settings           map[string]any
	ACLs               []map[string]any
	ParentAssignedACLs []map[string]any
	Transformations    []map[string]any

	CreatedAt  time.Time
	ModifiedAt time.Time

	// Suspensions counts the partners on this partner's path, itself
	// included, whose status blocks authentication (StatusBlocks). Above
	// zero, nothing homed in this partner can authenticate (Blocked). The
	// store maintains it and fills it on reads; writes ignore it. It is
	// derived, so it stays out of audit records.
	Suspensions int `json:"-"`
}

// StatusBlocks reports whether a partner status stops authentication in
// the partner's whole subtree: suspended and inactive do, until the
// partner is reactivated.
func StatusBlocks(status string) bool {
	return status == StatusSuspended || status == StatusInactive
}

// Blocked reports whether p or one of its ancestors is suspended or
// inactive: then no user, key, token or login homed in p authenticates.
func (p *Partner) Blocked() bool { return p.Suspensions > 0 }

// Active reports whether p is active in the sense of an isActive flag:
// its own status does not block authentication (active or unverified).
// A partner below a blocked one is Active but Blocked.
func (p *Partner) Active() bool { return !StatusBlocks(p.Status) }

// SetActive sets p's status from an isActive flag: true turns a blocking
// status (suspended, inactive) into active, false turns a non-blocking
// one (active, unverified) into inactive; a status that already agrees
// is kept (an unverified partner stays unverified).
func (p *Partner) SetActive(active bool) {
	switch {
	case active && StatusBlocks(p.Status):
		p.Status = StatusActive
	case !active && !StatusBlocks(p.Status):
		p.Status = StatusInactive
	}
}

// IsRoot reports whether p is the root of the tree.
func (p *Partner) IsRoot() bool { return p.ParentID == 0 }

// Contains reports whether other lies in p's subtree (p included).
func (p *Partner) Contains(other *Partner) bool { return PathContains(p.Path, other.Path) }

// normalize replaces nil maps and lists with empty ones, so a partner
// returned by a write equals the partner read back later.
func (p *Partner) normalize() {
	if p.Attributes == nil {
		p.Attributes = map[string]string{}
	}
	if p.Callbacks == nil {
		p.Callbacks = map[string]string{}
	}
	if p.Settings == nil {
		p.Settings = map[string]any{}
	}
	for _, l := range []*[]map[string]any{&p.ACLs, &p.ParentAssignedACLs, &p.Transformations} {
		if *l == nil {
			*l = []map[string]any{}
		}
	}
}
