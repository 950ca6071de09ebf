package dialog360

import (
	"maps"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// The face's JSON objects. Times are RFC 3339 in UTC; an unset optional
// text is null.

// partnerJSON is the vendor's partner object. webhook_secret (ours) is
// present only in the answer that created the partner's signing secret.
type partnerJSON struct {
	ID                      string         `json:"id"`
	BrandName               string         `json:"brand_name"`
	LogoURL                 *string        `json:"logo_url"`
	WebhookURL              *string        `json:"webhook_url"`
	PartnerRedirectURL      *string        `json:"partner_redirect_url"`
	Country                 *string        `json:"country"`
	AllowClientToAddPhoneNo bool           `json:"allow_client_to_add_phone_no"`
	Settings                map[string]any `json:"settings"`
	WebhookSecret           string         `json:"webhook_secret,omitempty"`
}

func toPartner(p *hub.Partner) partnerJSON {
	settings := p.Settings
	if settings == nil {
		settings = map[string]any{}
	}
	return partnerJSON{ID: p.Ref, BrandName: p.Name, LogoURL: optional(p.LogoURL), WebhookURL: optional(p.WebhookURL),
		PartnerRedirectURL: optional(p.RedirectURL), Country: optional(p.CountryCode),
		AllowClientToAddPhoneNo: p.AllowClientAddPhone, Settings: settings}
}

// clientJSON is the vendor's client object. suspicious is always false:
// partnerhub keeps no such flag.
type clientJSON struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	Status         string           `json:"status"`
	Organisation   *string          `json:"organisation"`
	MetaInfo       map[string]any   `json:"meta_info"`
	ContactInfo    map[string]any   `json:"contact_info"`
	ContactUser    *contactUserJSON `json:"contact_user"`
	PartnerPayload *string          `json:"partner_payload"`
	MaxChannels    int              `json:"max_channels"`
	Suspicious     bool             `json:"suspicious"`
	CreatedAt      time.Time        `json:"created_at"`
	CreatedBy      actorJSON        `json:"created_by"`
	ModifiedAt     time.Time        `json:"modified_at"`
	ModifiedBy     actorJSON        `json:"modified_by"`
}

// contactUserJSON is a client's contact user (null when it has none).
type contactUserJSON struct {
	Name  string  `json:"name"`
	Email *string `json:"email"`
	Phone *string `json:"phone"`
}

// actorJSON is who created or last changed an object: the hub's actor
// ("user:12", "key:7", "system:...") as user_id; partnerhub keeps no
// user name with it (null).
type actorJSON struct {
	UserID   string  `json:"user_id"`
	UserName *string `json:"user_name"`
}

func toClient(c *hub.Client) clientJSON {
	out := clientJSON{ID: c.Ref, Name: c.Name, Status: c.Status, Organisation: optional(c.Organisation),
		MetaInfo: nonNilMap(c.MetaInfo), ContactInfo: nonNilMap(c.ContactInfo), PartnerPayload: optional(c.PartnerPayload),
		MaxChannels: c.MaxChannels, CreatedAt: c.CreatedAt.UTC(), CreatedBy: actorJSON{UserID: c.CreatedBy},
		ModifiedAt: c.ModifiedAt.UTC(), ModifiedBy: actorJSON{UserID: c.ModifiedBy}}
	if c.ContactUserID != 0 {
		out.ContactUser = &contactUserJSON{Name: c.ContactUserName, Email: optional(c.ContactUserEmail), Phone: optional(c.ContactUserPhone)}
	}
	return out
}

// channelJSON is the vendor's partner channel object.
type channelJSON struct {
	ID          string            `json:"id"`
	ClientID    string            `json:"client_id"`
	Client      channelClientJSON `json:"client"`
	Status      string            `json:"status"`
	AccountMode string            `json:"account_mode"`
	SetupInfo   map[string]any    `json:"setup_info"`
	CreatedAt   time.Time         `json:"created_at"`
	ModifiedAt  time.Time         `json:"modified_at"`
}

// channelClientJSON is the part of its client a channel shows.
type channelClientJSON struct {
	ID             string         `json:"id"`
	Name           string         `json:"name"`
	PartnerPayload *string        `json:"partner_payload"`
	ContactInfo    map[string]any `json:"contact_info"`
}

// toChannel shows setup_info as stored, with the channel's number in
// phone_number.
func toChannel(ch *hub.Channel) channelJSON {
	setup := maps.Clone(ch.SetupInfo)
	if setup == nil {
		setup = map[string]any{}
	}
	setup["phone_number"] = ch.PhoneNumber
	return channelJSON{ID: ch.Ref, ClientID: ch.ClientRef,
		Client: channelClientJSON{ID: ch.ClientRef, Name: ch.ClientName, PartnerPayload: optional(ch.ClientPartnerPayload), ContactInfo: nonNilMap(ch.ClientContactInfo)},
		Status: ch.Status, AccountMode: ch.AccountMode, SetupInfo: setup, CreatedAt: ch.CreatedAt.UTC(), ModifiedAt: ch.ModifiedAt.UTC()}
}

// apiKeyJSON is one of a partner's API keys (ours). api_key, the
// plaintext, is present only in the answer that created the key.
type apiKeyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scopes     []string   `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	APIKey     string     `json:"api_key,omitempty"`
}

func toAPIKey(k *hub.APIKey) apiKeyJSON {
	scopes := k.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return apiKeyJSON{ID: strconv.FormatInt(k.ID, 10), Name: k.Name, Prefix: k.Prefix, Scopes: scopes,
		CreatedAt: k.CreatedAt.UTC(), LastUsedAt: utc(k.LastUsedAt), ExpiresAt: utc(k.ExpiresAt), RevokedAt: utc(k.RevokedAt)}
}

// settingsJSON is a partner's change request settings.
type settingsJSON struct {
	AutoApprove bool `json:"auto_approve"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNilMap(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}
