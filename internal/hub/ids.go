package hub

import (
	"crypto/rand"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// Ref suffixes name the type of a short public identifier (360dialog style).
const (
	PartnerRefSuffix = "PA"
	ClientRefSuffix  = "CL"
	ChannelRefSuffix = "CH"
)

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// refBodyLen gives 62^12 ≈ 3e21 possible refs per type: collisions are
// practically impossible and still caught by a unique index.
const refBodyLen = 12

// NewRef returns a random base62 identifier followed by suffix.
func NewRef(suffix string) string {
	var b [refBodyLen]byte
	// Rejection sampling keeps the distribution uniform.
	out := make([]byte, 0, refBodyLen+len(suffix))
	for len(out) < refBodyLen {
		if _, err := rand.Read(b[:]); err != nil {
			panic(err) // crypto/rand never fails on supported platforms
		}
		for _, c := range b {
			if c < 248 && len(out) < refBodyLen {
				out = append(out, base62[c%62])
			}
		}
	}
	return string(out) + suffix
}

// NewSID returns a random UUID (version 4) in canonical form.
func NewSID() string { return uuid.NewString() }

// IsSID reports whether s is a canonical UUID.
func IsSID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// IsRef reports whether s looks like a ref with the given suffix.
func IsRef(s, suffix string) bool {
	body, ok := strings.CutSuffix(s, suffix)
	if !ok || len(body) == 0 || len(body) > 32 {
		return false
	}
	for i := 0; i < len(body); i++ {
		if strings.IndexByte(base62, body[i]) < 0 {
			return false
		}
	}
	return true
}

// DisplayID is the CarrierX display id of a partner: "CX" and eight digits
// derived from its numeric id.
func DisplayID(id int64) string { return fmt.Sprintf("CX%08d", id%100000000) }
