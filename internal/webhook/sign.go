package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// The headers of every delivery.
const (
	SignatureHeader = "X-Partnerhub-Signature"
	EventHeader     = "X-Partnerhub-Event"
	DeliveryHeader  = "X-Partnerhub-Delivery"
)

// Sign returns the signature header value of body sent at unix time t:
// "t=<t>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed by secret>".
func Sign(secret string, t int64, body []byte) string {
	ts := strconv.FormatInt(t, 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// ErrBadSignature is Verify's answer for a header that does not match.
var ErrBadSignature = errors.New("webhook signature does not match")

// Verify checks a signature header against body and secret, as a
// receiver would: the v1 HMAC must match (constant-time), and the
// timestamp must lie within tolerance of now (0: any time).
func Verify(secret, header string, body []byte, tolerance time.Duration, now time.Time) error {
	var ts, sig string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	t, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("webhook signature header is malformed")
	}
	got, err := hex.DecodeString(sig)
	if err != nil || !hmac.Equal(got, mac(secret, ts, body)) {
		return ErrBadSignature
	}
	if tolerance > 0 {
		if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
			return errors.New("webhook signature timestamp is outside the tolerance")
		}
	}
	return nil
}
