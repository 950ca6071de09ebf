package hub

import (
	"strings"
	"time"
)

// APIKeyPrefix starts every API key: "phk_<prefix>_<secret>".
const APIKeyPrefix = "phk_"

// apiKeyPrefixLen is the length of the visible, unique id part of a key.
const apiKeyPrefixLen = 8

// APIKey is a partner's machine credential. Its secret is shown once, at
// creation; only its SHA-256 is stored, and never in this struct.
type APIKey struct {
	ID          int64
	PartnerID   int64
	PartnerPath string // the owning partner's path, filled by the store on reads
	Name        string
	Role        Role     // the creator's role at creation: the key never acts above it
	Scopes      []string // a subset of the creator's scopes, sorted
	Prefix      string   // the visible id part, unique
	CreatedBy   string   // the creator's Actor
	// CreatorUserID is the user behind the creator (for a key created by a
	// key, that key's creator user); 0 for a system principal. While it is
	// set, the key works only while that user is active, and never above
	// the user's current role.
	CreatorUserID int64
	CreatedAt     time.Time
	LastUsedAt    *time.Time
	ExpiresAt     *time.Time
	RevokedAt     *time.Time
}

// APIKeyCredentials is a key with its secret hash, for authentication only.
// It must never be serialized, logged or returned to a caller.
type APIKeyCredentials struct {
	Key           APIKey
	SecretHash    string
	PartnerStatus string // the status of the key's partner
	// PartnerBlocked: the key's partner or an ancestor of it is suspended
	// or inactive (Partner.Blocked). The creator's home contains the
	// key's partner, so a blocked home blocks the key through this too.
	PartnerBlocked bool
	Creator        *KeyCreator // the creator user's current state; nil when Key.CreatorUserID is 0
}

// KeyCreator is the current state of the user who created an API key, read
// with the key so that authentication needs no second round trip.
type KeyCreator struct {
	Found      bool   // false: the user no longer exists
	Active     bool   // the user is active
	Role       Role   // the user's current role
	HomePath   string // the path of the user's home partner ("" if none)
	HomeStatus string // the status of the user's home partner
}

// NewAPIKeyRequest is what CreateAPIKey needs.
type NewAPIKeyRequest struct {
	PartnerID int64 // 0: Partner, or else the caller's home partner
	// Partner names the key's partner by any of its keys (a face's ref or
	// SID) when PartnerID is 0.
	Partner   PartnerKey
	Name      string
	Scopes    []string
	ExpiresAt *time.Time // nil: never expires
}

// parseAPIKey splits "phk_<prefix>_<secret>"; ok is false when the text
// cannot be a key.
func parseAPIKey(key string) (prefix, secret string, ok bool) {
	rest, ok := strings.CutPrefix(key, APIKeyPrefix)
	if !ok {
		return "", "", false
	}
	prefix, secret, ok = strings.Cut(rest, "_")
	if !ok || len(prefix) != apiKeyPrefixLen || len(secret) != secretLen || !isBase62(prefix) || !isBase62(secret) {
		return "", "", false
	}
	return prefix, secret, true
}

// usable reports whether the key may authenticate at now.
func (k *APIKey) usable(now time.Time) bool {
	return k.RevokedAt == nil && (k.ExpiresAt == nil || now.Before(*k.ExpiresAt))
}
