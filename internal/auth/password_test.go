package auth

import (
	"errors"
	"regexp"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

var _ hub.PasswordHasher = Argon2id{}

func TestArgon2idHashAndVerify(t *testing.T) {
	t.Parallel()
	var h Argon2id
	enc, err := h.Hash("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(enc) {
		t.Fatalf("hash %q is not the expected PHC string", enc)
	}
	if ok, err := h.Verify(enc, "correct horse battery"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, err := h.Verify(enc, "correct horse batterz"); ok || err != nil {
		t.Fatalf("wrong password: %v %v", ok, err)
	}
	again, _ := h.Hash("correct horse battery")
	if again == enc {
		t.Fatal("two hashes of one password share a salt")
	}
}

func TestArgon2idVerifyUsesStoredParams(t *testing.T) {
	t.Parallel()
	// RFC 9106-style hash made with other parameters (m=64, t=3, p=2):
	// Verify must read them from the string, not assume its own.
	var h Argon2id
	p, salt, _, err := parsePHC("$argon2id$v=19$m=64,t=3,p=2$c29tZXNhbHQ$" + strings.Repeat("A", 43))
	if err != nil || p.memory != 64 || p.time != 3 || p.threads != 2 || string(salt) != "somesalt" {
		t.Fatalf("parse: %+v %q %v", p, salt, err)
	}
	enc := encodeForTest(p, salt, "pw")
	if ok, err := h.Verify(enc, "pw"); !ok || err != nil {
		t.Fatalf("verify with stored params: %v %v", ok, err)
	}
}

func TestArgon2idRejectsMalformed(t *testing.T) {
	t.Parallel()
	var h Argon2id
	good, _ := h.Hash("pw")
	parts := strings.Split(good, "$")
	for _, bad := range []string{
		"",
		"plain",
		strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "v=19", "v=16", 1),
		strings.Replace(good, "m=19456", "m=0", 1),
		strings.Replace(good, "m=19456", "m=99999999", 1),
		strings.Replace(good, "t=2", "t=x", 1),
		strings.Replace(good, ",p=1", "", 1),
		strings.Replace(good, "p=1", "p=1,p=1", 1),
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4] + "$!!!",
		"$argon2id$v=19$m=19456,t=2,p=1$" + parts[4],
		good + "$",
	} {
		ok, err := h.Verify(bad, "pw")
		if ok || !errors.Is(err, ErrMalformedHash) {
			t.Errorf("Verify(%q) = %v, %v; want ErrMalformedHash", bad, ok, err)
		}
	}
}

func BenchmarkArgon2idVerify(b *testing.B) {
	var h Argon2id
	enc, err := h.Hash("correct horse battery")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if ok, _ := h.Verify(enc, "correct horse battery"); !ok {
			b.Fatal("no match")
		}
	}
}
