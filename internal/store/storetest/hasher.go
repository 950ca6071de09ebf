package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
)

// fastHasher is a cheap stand-in for argon2id, so the suite tests the
// store and the rules rather than the hash's cost. It is not for
// production: internal/auth provides the real hasher.
type fastHasher struct{}

func (fastHasher) Hash(password string) (string, error) {
	sum := sha256.Sum256([]byte(password))
	return "$test$" + hex.EncodeToString(sum[:]), nil
}

func (fastHasher) Verify(encoded, password string) (bool, error) {
	if !strings.HasPrefix(encoded, "$test$") {
		return false, errors.New("malformed hash")
	}
	want, _ := fastHasher{}.Hash(password)
	return want == encoded, nil
}
