// Package auth turns credentials into a hub.Principal: passwords (argon2id),
// API keys and bearer tokens, behind one Authenticator for every API face.
//
// Throttling limits failures, never success (see Authenticator): keys,
// tokens and cached passwords are never refused because of other requests;
// failed password checks are counted per (username, client network), per
// username and per network in a FailureStore the replicas share; and
// argon2id runs a few at a time (hashlimit.go), so a burst of logins gets
// 503 with Retry-After rather than exhausting memory.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the OWASP minimum (19 MiB, 2 passes, 1 lane).
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonSaltLen   = 16
	argonKeyLen    = 32
)

// Bounds on the parameters Verify accepts from a stored hash, so that a
// corrupted or hostile hash cannot make one check cost unbounded memory or
// time.
const (
	maxMemoryKiB = 1 << 20 // 1 GiB
	maxTime      = 16
	maxThreads   = 16
)

// ErrMalformedHash is returned by Verify when the encoded hash is not an
// argon2id PHC string this package can check.
var ErrMalformedHash = errors.New("malformed argon2id hash")

// Argon2id hashes passwords with argon2id into PHC strings of the form
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash> (unpadded standard base64).
// It implements hub.PasswordHasher. The zero value is ready to use.
type Argon2id struct{}

// Hash returns the PHC string of password under a fresh random salt.
func (Argon2id) Hash(password string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemoryKiB, argonTime, argonThreads,
		b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Verify reports whether password matches encoded, using the parameters
// recorded in encoded and a constant-time comparison. A malformed hash,
// another algorithm or version, or out-of-bounds parameters give
// ErrMalformedHash and never a match.
func (Argon2id) Verify(encoded, password string) (bool, error) {
	p, salt, key, err := parsePHC(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

type argonParams struct {
	memory, time uint32
	threads      uint8
}

// parsePHC splits "$argon2id$v=19$m=..,t=..,p=..$salt$hash".
func parsePHC(encoded string) (argonParams, []byte, []byte, error) {
	var p argonParams
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return p, nil, nil, ErrMalformedHash
	}
	seen := map[string]bool{}
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil || n == 0 || seen[k] {
			return p, nil, nil, ErrMalformedHash
		}
		seen[k] = true
		switch {
		case k == "m" && n <= maxMemoryKiB:
			p.memory = uint32(n)
		case k == "t" && n <= maxTime:
			p.time = uint32(n)
		case k == "p" && n <= maxThreads:
			p.threads = uint8(n)
		default:
			return p, nil, nil, ErrMalformedHash
		}
	}
	if len(seen) != 3 || p.memory < 8*uint32(p.threads) {
		return p, nil, nil, ErrMalformedHash
	}
	b64 := base64.RawStdEncoding.Strict()
	salt, err := b64.DecodeString(parts[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, ErrMalformedHash
	}
	key, err := b64.DecodeString(parts[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, ErrMalformedHash
	}
	return p, salt, key, nil
}
