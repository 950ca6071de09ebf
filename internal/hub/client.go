package hub

import "time"

// Client and channel statuses.
const (
	ClientActive   = "active"
	ClientInactive = "inactive"
)

// ChannelReady is the 360dialog status of a channel that can be used.
const ChannelReady = "ready"

// ChannelStatuses lists the statuses a channel may have: ClientActive and
// ClientInactive, and the lifecycle statuses of 360dialog's partner
// channels (created, unverified, ..., ready, ...), which the /api/v2 face
// shows and filters by as they are.
var ChannelStatuses = []string{ClientActive, ClientInactive,
	"created", "unverified", "verified", ChannelReady, "modified", "imported", "new_name_requested",
	"certificate_declined", "consents_signed", "error", "porting_ready", "ready_for_migration",
	"waiting_for_migration_code", "migration_code_requested"}

// Client is a customer served by one partner.
type Client struct {
	ID        int64
	Ref       string // base62 + "CL"
	PartnerID int64  // the owning (direct) partner
	// PartnerPath is the owning partner's path, filled by the store on
	// reads so visibility needs no second query.
	PartnerPath string
	Name        string
	Status      string
	Version     int64

	Organisation   string
	BillingID      string
	MID            string // Bluefin merchant id
	ContactUserID  int64
	PartnerPayload string
	MaxChannels    int
	MetaInfo       map[string]any
	ContactInfo    map[string]any

	// The contact user's name (first and last), e-mail and phone, filled
	// by the store on reads ("" when ContactUserID is 0). Derived, so they
	// stay out of audit records.
	ContactUserName  string `json:"-"`
	ContactUserEmail string `json:"-"`
	ContactUserPhone string `json:"-"`

	CreatedAt  time.Time
	ModifiedAt time.Time
	CreatedBy  string
	ModifiedBy string
}

// Channel is a phone number owned by one client.
type Channel struct {
	ID       int64
	Ref      string // base62 + "CH"
	ClientID int64
	// The owning client's ref, name, partner payload and contact info,
	// filled by the store on reads (the /api/v2 face shows them with
	// every channel). Derived, so they stay out of audit records.
	ClientRef            string         `json:"-"`
	ClientName           string         `json:"-"`
	ClientPartnerPayload string         `json:"-"`
	ClientContactInfo    map[string]any `json:"-"`
	PartnerID            int64          // the owning client's partner, filled by the store on reads
	PartnerPath          string         // that partner's path, filled by the store on reads
	Status               string
	AccountMode          string
	PhoneNumber          string // E.164
	SetupInfo            map[string]any
	Version              int64

	CreatedAt  time.Time
	ModifiedAt time.Time
}

// Active reports whether the client's status is active.
func (c *Client) Active() bool { return c.Status == ClientActive }

// SetActive sets the client's status from an isActive flag.
func (c *Client) SetActive(active bool) {
	c.Status = ClientInactive
	if active {
		c.Status = ClientActive
	}
}

// normalize replaces nil maps with empty ones (see Partner.normalize).
func (c *Client) normalize() {
	if c.MetaInfo == nil {
		c.MetaInfo = map[string]any{}
	}
	if c.ContactInfo == nil {
		c.ContactInfo = map[string]any{}
	}
}

// normalize replaces a nil map with an empty one (see Partner.normalize).
func (ch *Channel) normalize() {
	if ch.SetupInfo == nil {
		ch.SetupInfo = map[string]any{}
	}
}
