package hub

import (
	"context"
	"time"
)

// Store is the domain's storage. Reads outside a transaction see committed
// data; every mutation runs inside Write, one transaction per service call.
// Methods that look an object up return a NotFound *Error when it is absent.
type Store interface {
	Reader
	// Write runs fn in one read-write transaction. An error from fn rolls
	// everything back; a nil error commits.
	Write(ctx context.Context, fn func(Tx) error) error
	// Ping reports whether the database is reachable and migrated.
	Ping(ctx context.Context) error
}

// PartnerKey selects a partner by exactly one of its three identifiers.
type PartnerKey struct {
	ID  int64
	SID string
	Ref string
}

// wellFormed reports whether the identifier the store looks up (ID first,
// then SID, then Ref) could name a partner: a positive id, a canonical
// UUID or a partner ref. Anything else is NotFound without a query.
func (k PartnerKey) wellFormed() bool {
	switch {
	case k.ID != 0:
		return k.ID > 0
	case k.SID != "":
		return IsSID(k.SID)
	case k.Ref != "":
		return IsRef(k.Ref, PartnerRefSuffix)
	}
	return false
}

// Reader is the read side of the storage.
type Reader interface {
	// Partner returns the partner with the given key.
	Partner(ctx context.Context, key PartnerKey) (*Partner, error)
	// RootPartner returns the root (the partner without a parent).
	RootPartner(ctx context.Context) (*Partner, error)
	// InSubtree reports whether partner id lies in the subtree rooted at
	// ancestorPath, in one indexed lookup.
	InSubtree(ctx context.Context, id int64, ancestorPath string) (bool, error)
	// SubtreeHeight returns the greatest depth found in the subtree rooted
	// at path.
	SubtreeHeight(ctx context.Context, path string) (int, error)
	// ListPartners lists the subtree rooted at path (inclusive). The page
	// may be shared with a cache: callers must not modify its items.
	ListPartners(ctx context.Context, path string, q ListQuery) (Page[Partner], error)
	// CountChildren counts a partner's direct sub-partners and clients.
	CountChildren(ctx context.Context, id int64) (partners, clients int64, err error)

	// Client returns a client by id (when id != 0) or by ref.
	Client(ctx context.Context, id int64, ref string) (*Client, error)
	// ListClients lists the clients selected by scope.
	ListClients(ctx context.Context, scope Scope, q ListQuery) (Page[Client], error)
	// Channel returns a channel by id (when id != 0) or by ref.
	Channel(ctx context.Context, id int64, ref string) (*Channel, error)
	// ListChannels lists the channels selected by scope.
	ListChannels(ctx context.Context, scope Scope, q ListQuery) (Page[Channel], error)

	// User returns a user by id, with its owner fields filled.
	User(ctx context.Context, id int64) (*User, error)
	// PartnerWithUser is Partner(key) and User(userID) in one read (one
	// round trip): NotFound when either is missing, and the caller then
	// reads the user alone. Only authentication may call it (see
	// WithPartnerReadAhead).
	PartnerWithUser(ctx context.Context, key PartnerKey, userID int64) (*Partner, *User, error)
	// UserCredentials returns the user whose UsernameKey is usernameKey,
	// with its password hash. Only authentication may call it.
	UserCredentials(ctx context.Context, usernameKey string) (*UserCredentials, error)
	// ListUsers lists users: homed at partner PartnerID, owned anywhere in
	// the subtree at Path (client users included), or of client ClientID.
	ListUsers(ctx context.Context, scope Scope, q ListQuery) (Page[User], error)
	// ListAudit lists the audit rows whose owning partner lies in the
	// subtree at path (its current path, or the recorded one when the
	// partner is gone).
	ListAudit(ctx context.Context, path string, q ListQuery) (Page[AuditEntry], error)

	// APIKey returns a key by id (without its secret hash).
	APIKey(ctx context.Context, id int64) (*APIKey, error)
	// APIKeyByPrefix returns a key and its secret hash by its prefix. Only
	// authentication may call it.
	APIKeyByPrefix(ctx context.Context, prefix string) (*APIKeyCredentials, error)
	// ListAPIKeys lists the keys of the partners in the subtree at path.
	ListAPIKeys(ctx context.Context, path string, q ListQuery) (Page[APIKey], error)

	// Token returns a token by its SID.
	Token(ctx context.Context, sid string) (*Token, error)
	// TokenCredentials returns the token whose access secret hashes to
	// accessHash with its user, in one read. Only authentication may call
	// it.
	TokenCredentials(ctx context.Context, accessHash string) (*TokenCredentials, error)
	// PartnerWithTokenCredentials is Partner(key) and
	// TokenCredentials(accessHash) in one read (one round trip): NotFound
	// when either is missing, and the caller then reads the token alone.
	// Only authentication may call it (see WithPartnerReadAhead).
	PartnerWithTokenCredentials(ctx context.Context, key PartnerKey, accessHash string) (*Partner, *TokenCredentials, error)
	// TokenByRefreshHash returns the token whose refresh secret hashes to
	// refreshHash. Only token refresh may call it.
	TokenByRefreshHash(ctx context.Context, refreshHash string) (*Token, error)
	// ListTokens lists one user's tokens.
	ListTokens(ctx context.Context, userID int64, q ListQuery) (Page[Token], error)

	ChangeRequestReader

	// PartnerNames returns id -> name of the partners among ids that
	// exist, in one read.
	PartnerNames(ctx context.Context, ids []int64) (map[int64]string, error)
	// ClientNames returns id -> name of the clients among ids that exist,
	// in one read.
	ClientNames(ctx context.Context, ids []int64) (map[int64]string, error)
}

// Scope selects the owners of listed clients or channels: exactly one of a
// direct partner, a whole subtree (by path), or one client.
type Scope struct {
	PartnerID int64
	Path      string
	ClientID  int64
}

// Tx is one read-write transaction.
type Tx interface {
	Reader
	Writer
}

// Writer is the write side of a transaction.
type Writer interface {
	// LockTree serializes tree changes: exclusive for moves, shared for
	// every other write that authorizes by a tree path, taken before the
	// visibility check, so no move can slip between the check and the
	// write. SQLite's single writer makes it a no-op there.
	LockTree(ctx context.Context, exclusive bool) error
	// NextPartnerID reserves a fresh partner id.
	NextPartnerID(ctx context.Context) (int64, error)
	// InsertPartner stores a new partner with ID, Path and Depth already set.
	InsertPartner(ctx context.Context, p *Partner) error
	// UpdatePartner writes every field of p except its identifiers and tree
	// position (ParentID, Path, Depth) and sets p.Version to version+1,
	// provided the stored version still equals p.Version; otherwise it is a
	// Conflict wrapping ErrStale and nothing is written.
	UpdatePartner(ctx context.Context, p *Partner) error
	// MoveSubtree re-parents node under newParent, rewriting the paths and
	// depths of node's whole subtree in one statement. It leaves versions
	// alone (the caller's UpdatePartner bumps node's). It returns the number
	// of partners moved.
	MoveSubtree(ctx context.Context, node, newParent *Partner) (int64, error)
	// DeletePartner removes a partner; it is a Conflict when anything still
	// refers to it (an open change request included). Closed change
	// requests that name it keep their refs and lose the id (read as 0).
	DeletePartner(ctx context.Context, id int64) error
	// SetPartnerContact sets a partner's contact user without changing
	// its version or modified_at: it completes a partner inserted in the
	// same transaction, whose login user needed the partner row first.
	SetPartnerContact(ctx context.Context, id, userID int64) error

	// InsertClient stores a new client and sets its ID.
	InsertClient(ctx context.Context, c *Client) error
	// UpdateClient writes c with the same version rule as UpdatePartner.
	UpdateClient(ctx context.Context, c *Client) error
	// SetClientContact sets a client's contact user without changing its
	// version or modified_at: it completes a client inserted in the same
	// transaction, whose contact user needed the client row first.
	SetClientContact(ctx context.Context, id, userID int64) error
	// DeleteClient removes a client; it is a Conflict when anything still
	// refers to it (a channel, a user, an open change request). Closed
	// change requests that name it keep their refs and lose the id (read
	// as 0).
	DeleteClient(ctx context.Context, id int64) error
	// InsertChannel stores a new channel and sets its ID.
	InsertChannel(ctx context.Context, ch *Channel) error
	// UpdateChannel writes ch with the same version rule as UpdatePartner.
	UpdateChannel(ctx context.Context, ch *Channel) error

	// InsertUser stores a new user with its password hash ("" for none)
	// and sets its ID. A taken username (case-insensitively) is a Conflict.
	InsertUser(ctx context.Context, u *User, passwordHash string) error
	// UpdateUser writes u's mutable fields (not the password, home or
	// login time) with the same version rule as UpdatePartner.
	UpdateUser(ctx context.Context, u *User) error
	// SetUserPassword replaces a user's password hash and bumps its
	// version.
	SetUserPassword(ctx context.Context, id int64, passwordHash string, at time.Time) error
	// TouchUserLogin records a successful login; the version is unchanged.
	TouchUserLogin(ctx context.Context, id int64, at time.Time) error
	// DeleteUser removes a user and its tokens; it is a Conflict when
	// anything else still refers to the user (an API key it created). Only
	// the deletion of a partner removes users: its login user goes with it.
	DeleteUser(ctx context.Context, id int64) error

	// InsertAPIKey stores a new key with the hash of its secret and sets
	// its ID; a taken prefix is a Conflict.
	InsertAPIKey(ctx context.Context, k *APIKey, secretHash string) error
	// RevokeAPIKey sets a key's revoked_at unless already set.
	RevokeAPIKey(ctx context.Context, id int64, at time.Time) error
	// TouchAPIKey sets last_used_at to at when it is unset or older than
	// olderThan, so concurrent uses write at most once.
	TouchAPIKey(ctx context.Context, id int64, at, olderThan time.Time) error

	// InsertToken stores a new token with the hashes of its access and
	// refresh secrets and sets its ID.
	InsertToken(ctx context.Context, t *Token, accessHash, refreshHash string) error
	// RevokeToken sets a token's revoked_at unless already set and reports
	// whether this call set it (false: it was already revoked).
	RevokeToken(ctx context.Context, id int64, at time.Time) (bool, error)
	// TouchToken records an access at at from ip when the last one is
	// unset, older than olderThan, or from another ip.
	TouchToken(ctx context.Context, id int64, at time.Time, ip string, olderThan time.Time) error

	// InsertAudit appends one audit row and sets its ID.
	InsertAudit(ctx context.Context, e *AuditEntry) error

	// EmailVerificationByHash returns the e-mail verification whose token
	// hashes to tokenHash (used or not). Only VerifyEmail may call it.
	EmailVerificationByHash(ctx context.Context, tokenHash string) (*EmailVerification, error)
	// InsertEmailVerification stores a new verification with the hash of
	// its token and sets its ID.
	InsertEmailVerification(ctx context.Context, v *EmailVerification, tokenHash string) error
	// DeleteEmailVerifications removes every verification of one e-mail
	// field of a partner, so that their tokens stop working.
	DeleteEmailVerifications(ctx context.Context, partnerID int64, field string) error
	// UseEmailVerification sets a verification's used_at unless already
	// set and reports whether this call set it.
	UseEmailVerification(ctx context.Context, id int64, at time.Time) (bool, error)
	// MarkEmailVerified sets the verified flag of e-mail field (one of
	// EmailFields) of partner id, provided the field still holds exactly
	// address; with activate, an unverified status becomes active. It bumps
	// the version and sets modified_at to at. It reports whether the
	// partner matched; false means nothing was written.
	MarkEmailVerified(ctx context.Context, id int64, field, address string, activate bool, at time.Time) (bool, error)

	ChangeRequestWriter
	JobWriter
}
