package hub

import (
	"regexp"
	"strings"
	"time"
)

// User is a person who logs in. A user belongs to exactly one partner
// (partner and system roles) or one client (client roles). The password
// hash is never part of a User: see UserCredentials.
type User struct {
	ID            int64
	Username      string // unique, case-insensitively
	FirstName     string
	LastName      string
	Email         string
	EmailVerified bool
	Phone         string // E.164
	Role          Role
	PartnerID     int64 // home partner; 0 for client-level users
	ClientID      int64 // home client; 0 for partner-level users
	Active        bool
	Version       int64

	// OwnerPartnerID, OwnerPartnerPath and OwnerPartnerStatus describe the
	// partner that owns the user: its home partner, or its client's
	// partner. The store fills them on reads (one join, so authentication
	// needs no second read); writes ignore them.
	OwnerPartnerID     int64
	OwnerPartnerPath   string
	OwnerPartnerStatus string `json:"-"` // the partner's state, not the user's: kept out of audit records
	// OwnerPartnerBlocked: the owning partner or an ancestor of it is
	// suspended or inactive (Partner.Blocked), read in the same join.
	OwnerPartnerBlocked bool `json:"-"`

	CreatedAt   time.Time
	ModifiedAt  time.Time
	LastLoginAt *time.Time

	// WelcomeEmail records that the request creating the user asked for a
	// welcome e-mail (Bluefin's sendWelcomeEmail). partnerhub sends no
	// mail: the request is kept in the audit row of the creation only; the
	// store does not keep it, so reads return false.
	WelcomeEmail bool `json:",omitempty"`
}

// UserCredentials is what authentication needs: the user and its password
// hash (a PHC string). It is returned only by the store to the hub's
// authentication methods and must never be serialized, logged or returned
// to a caller.
type UserCredentials struct {
	User         User
	PasswordHash string
}

// UsernameKey is the case-folded form of a username under which uniqueness
// and login lookups work.
func UsernameKey(username string) string { return strings.ToLower(username) }

// MinPasswordLen is the shortest password SetPassword and CreateUser accept.
const MinPasswordLen = 10

var usernameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$`)

// validateUser checks every caller-settable field of u; before is the
// stored user on an update (nil on create), see checker.user.
func validateUser(u, before *User) error {
	var c checker
	c.user(u, before)
	return c.err()
}

// user adds the problems of every caller-settable field of u. The first
// name, last name and e-mail are required, except those that before (the
// stored user, nil on create) already lacked: a partner's login user is
// created without them (CarrierX partner logins have none), and must stay
// manageable without being made to invent them.
func (c *checker) user(u, before *User) {
	if !usernameRE.MatchString(u.Username) {
		c.add("username", "must be 1-100 characters of letters, digits and . _ @ + -, starting with a letter or digit")
	}
	c.text("first_name", u.FirstName, before == nil || before.FirstName != "", maxShortText)
	c.text("last_name", u.LastName, before == nil || before.LastName != "", maxShortText)
	c.text("email", u.Email, before == nil || before.Email != "", 254)
	c.email("email", u.Email)
	c.phone("phone", u.Phone)
	switch {
	case !u.Role.Valid():
		c.add("role", "is not a known role")
	case u.Role.IsClientLevel() && (u.ClientID == 0 || u.PartnerID != 0):
		c.add("client", "a client-level role needs a client and no partner")
	case !u.Role.IsClientLevel() && (u.PartnerID == 0 || u.ClientID != 0):
		c.add("partner", "a partner-level role needs a partner and no client")
	}
}

// PasswordHasher hashes and verifies passwords. internal/auth provides the
// argon2id implementation; the hub only stores and compares its output.
type PasswordHasher interface {
	// Hash returns a self-describing encoded hash (a PHC string) of password.
	Hash(password string) (string, error)
	// Verify reports whether password matches encoded. A malformed encoded
	// hash is an error, never a match.
	Verify(encoded, password string) (bool, error)
}
