package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// FastHasher is a cheap stand-in for argon2id (an unsalted SHA-256), so
// tests exercise the store, the rules and the faces rather than the
// hash's cost. It is for tests only: internal/auth provides the real
// hasher.
type FastHasher struct{}

// fastHasher is the package's own short name for FastHasher.
type fastHasher = FastHasher

// Hash returns "$test$" and the hex SHA-256 of password.
func (FastHasher) Hash(password string) (string, error) {
	sum := sha256.Sum256([]byte(password))
	return "$test$" + hex.EncodeToString(sum[:]), nil
}

// Verify reports whether encoded is Hash(password); anything else is a
// malformed hash.
func (FastHasher) Verify(encoded, password string) (bool, error) {
	if !strings.HasPrefix(encoded, "$test$") {
		return false, errors.New("malformed hash")
	}
	want, _ := FastHasher{}.Hash(password)
	return want == encoded, nil
}
