package auth

import (
	"encoding/base64"
	"fmt"

	"golang.org/x/crypto/argon2"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// PairSubject is the FailureStore subject of username from ip.
func PairSubject(username, ip string) string {
	return subject(subjectUserAtIP, hub.UsernameKey(username), clientNetwork(ip))
}

// encodeForTest builds a PHC string with explicit parameters.
func encodeForTest(p argonParams, salt []byte, password string) string {
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}
