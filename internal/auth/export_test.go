package auth

import (
	"context"
	"encoding/base64"
	"fmt"

	"golang.org/x/crypto/argon2"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// PairSubject is a's FailureStore subject of username from ip.
func PairSubject(a *Authenticator, username, ip string) string {
	key, err := a.subjectKey(context.Background())
	if err != nil {
		panic(err)
	}
	return subject(key, subjectUserAtIP, hub.UsernameKey(username), clientNetwork(ip))
}

// SuccessSubject is a's FailureStore subject of username's successes from
// ip.
func SuccessSubject(a *Authenticator, username, ip string) string {
	key, err := a.subjectKey(context.Background())
	if err != nil {
		panic(err)
	}
	return newPasswordSubjects(key, username, clientNetwork(ip)).success
}

// encodeForTest builds a PHC string with explicit parameters.
func encodeForTest(p argonParams, salt []byte, password string) string {
	key := argon2.IDKey([]byte(password), salt, p.time, p.memory, p.threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$%s$%s", p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}
