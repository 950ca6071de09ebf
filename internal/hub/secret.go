package hub

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"math/big"
	"strings"
)

// secretBytes is the entropy of every API key and token secret.
const secretBytes = 32

// secretLen is the length of a 32-byte value in base62 (62^43 > 2^256).
const secretLen = 43

// newSecret returns 32 random bytes as a fixed-length base62 string.
func newSecret() string {
	var b [secretBytes]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	s := new(big.Int).SetBytes(b[:]).Text(62)
	return strings.Repeat("0", secretLen-len(s)) + s
}

// isBase62 reports whether s is non-empty and only base62 characters.
func isBase62(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(base62, s[i]) < 0 {
			return false
		}
	}
	return true
}

// HashSecret returns the hex SHA-256 of a high-entropy secret. A fast hash
// is right here: the secrets are random 256-bit values, not passwords.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// secretMatches compares a presented secret with a stored hash in constant
// time.
func secretMatches(secret, storedHash string) bool {
	return subtle.ConstantTimeCompare([]byte(HashSecret(secret)), []byte(storedHash)) == 1
}

// grantableScopes checks that every requested scope is known and held by
// the caller (Forbidden otherwise) and returns them sorted without
// duplicates.
func grantableScopes(pr Principal, field string, scopes []string) ([]string, error) {
	if len(scopes) == 0 {
		return nil, InvalidField(field, "at least one scope is required")
	}
	out := make([]string, 0, len(scopes))
	for _, s := range scopes {
		if !ValidScope(s) {
			return nil, InvalidField(field, "unknown scope %q", s)
		}
		if !pr.HasScope(s) {
			return nil, Errorf(Forbidden, "cannot grant the scope %q, which you do not hold", s)
		}
		out = append(out, s)
	}
	return sortedUnique(out), nil
}

// sortedUnique sorts s in place and drops duplicates.
func sortedUnique(s []string) []string {
	if len(s) == 0 {
		return s
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	out := s[:1]
	for _, v := range s[1:] {
		if v != out[len(out)-1] {
			out = append(out, v)
		}
	}
	return out
}

// effectiveScopes returns the scopes of granted that role still implies:
// a credential never acts beyond its creator's current role.
func effectiveScopes(role Role, granted []string) []string {
	holder := Principal{Scopes: role.Scopes()}
	out := make([]string, 0, len(granted))
	for _, s := range granted {
		if holder.HasScope(s) {
			out = append(out, s)
		}
	}
	return out
}
