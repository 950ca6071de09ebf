package hub

import "time"

// Client and channel statuses.
const (
	ClientActive   = "active"
	ClientInactive = "inactive"
)

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

	CreatedAt  time.Time
	ModifiedAt time.Time
	CreatedBy  string
	ModifiedBy string
}

// Channel is a phone number owned by one client.
type Channel struct {
	ID          int64
	Ref         string // base62 + "CH"
	ClientID    int64
	PartnerID   int64  // the owning client's partner, filled by the store on reads
	PartnerPath string // that partner's path, filled by the store on reads
	Status      string
	AccountMode string
	PhoneNumber string // E.164
	SetupInfo   map[string]any
	Version     int64

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
