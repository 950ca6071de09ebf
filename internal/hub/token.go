package hub

import "time"

// Token lifetimes.
const (
	DefaultTokenTTL = 24 * time.Hour
	MaxTokenTTL     = 30 * 24 * time.Hour // a longer request is capped here
	RefreshTokenTTL = MaxTokenTTL         // refresh tokens live this long, never less than the access token
)

// Token is an issued bearer token: an opaque access token with a refresh
// token, both shown once at issue; only their SHA-256 is stored, and never
// in this struct.
type Token struct {
	ID               int64
	SID              string // token_sid (UUID), the public id
	UserID           int64
	PartnerID        int64  // where the token acts: the user's home or a visible sub-partner
	PartnerPath      string // that partner's path, filled by the store on reads
	PartnerSID       string // that partner's SID, filled by the store on reads and by issuing
	Name             string
	OAuthClientID    string   // the OAuth client_id the token was issued to, free text
	Scopes           []string // a subset of the user's role scopes, sorted
	CreatedAt        time.Time
	ExpiresAt        time.Time
	RefreshExpiresAt time.Time
	RevokedAt        *time.Time
	LastAccessAt     *time.Time
	LastAccessIP     string
}

// TokenCredentials is what token authentication needs, read together:
// of the token, its ID, SID, UserID, PartnerID, PartnerPath, Scopes,
// ExpiresAt, RevokedAt, LastAccessAt and LastAccessIP; of its user, the
// ID, Role, ClientID, Active and the owner fields (OwnerPartnerID, Path,
// Status, Blocked). Other fields are left zero: each column costs on
// every authenticated request.
type TokenCredentials struct {
	Token Token
	User  User
	// PartnerBlocked: the partner the token acts at, or an ancestor of
	// it, is suspended or inactive (Partner.Blocked).
	PartnerBlocked bool
}

// TokenRequest is what a caller may ask of a new token.
type TokenRequest struct {
	Name          string
	OAuthClientID string
	Scopes        []string      // intersected with the caller's; empty means all of them
	TTL           time.Duration // 0: DefaultTokenTTL; capped at MaxTokenTTL
}

// IssuedToken is a new token with its plaintexts, which are never
// available again.
type IssuedToken struct {
	Token   Token
	Access  string
	Refresh string
}

// usable reports whether the token may authenticate at now.
func (t *Token) usable(now time.Time) bool {
	return t.RevokedAt == nil && now.Before(t.ExpiresAt)
}
