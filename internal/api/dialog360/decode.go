package dialog360

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// Path identifiers. {partner_id} takes a partner's ref (...PA) or its UUID
// (the partner_sid of /core/v2); any other text names nothing, and the
// hub answers it NotFound without a query, exactly like a missing id.

// partnerKey is the partner {partner_id} names.
func partnerKey(r *http.Request) hub.PartnerKey {
	return keyOf(r.PathValue("partner_id"))
}

// keyOf reads a partner id as sent: a UUID (any case) or a ref. The
// result is never the zero key, which the hub reads as "the caller's
// home partner".
func keyOf(v string) hub.PartnerKey {
	if hub.IsSID(v) {
		return hub.PartnerKey{SID: strings.ToLower(v)}
	}
	if v == "" {
		v = "-" // names nothing
	}
	return hub.PartnerKey{Ref: v}
}

// body is a decoded JSON object body: its members undecoded.
type body map[string]json.RawMessage

// only refuses any member not in allowed: a wrong payload names the first
// one (sorted), and the fields the request takes.
func (b body) only(allowed ...string) error {
	var extra []string
	for k := range b {
		if !slices.Contains(allowed, k) {
			extra = append(extra, k)
		}
	}
	if len(extra) == 0 {
		return nil
	}
	slices.Sort(extra)
	return invalid(extra[0], "is not a field of this request; fields: %s", strings.Join(allowed, ", "))
}

// isNull reports whether a member is the JSON null.
func isNull(raw json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(raw), []byte("null")) }

// str reads a string member: ok is false when it is absent or null.
func (b body) str(key string) (string, bool, error) {
	raw, sent := b[key]
	if !sent || isNull(raw) {
		return "", false, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false, invalid(key, "must be a string")
	}
	return s, true, nil
}

// integer reads a whole-number member: ok is false when it is absent or
// null.
func (b body) integer(key string) (int, bool, error) {
	raw, sent := b[key]
	if !sent || isNull(raw) {
		return 0, false, nil
	}
	var n json.Number
	if err := json.Unmarshal(raw, &n); err != nil {
		return 0, false, invalid(key, "must be a whole number")
	}
	v, err := strconv.Atoi(n.String())
	if err != nil {
		return 0, false, invalid(key, "must be a whole number")
	}
	return v, true, nil
}

// boolean reads a true/false member: ok is false when it is absent or
// null. With strings set, "true" and "false" are accepted as well.
func (b body) boolean(key string, strings bool) (bool, bool, error) {
	raw, sent := b[key]
	if !sent || isNull(raw) {
		return false, false, nil
	}
	var v bool
	if err := json.Unmarshal(raw, &v); err == nil {
		return v, true, nil
	}
	if strings {
		var s string
		if err := json.Unmarshal(raw, &s); err == nil && (s == "true" || s == "false") {
			return s == "true", true, nil
		}
		return false, false, invalid(key, `must be true or false (or the string "true" or "false")`)
	}
	return false, false, invalid(key, "must be true or false")
}

// object reads a JSON object member: ok is false when it is absent or
// null.
func (b body) object(key string) (map[string]any, bool, error) {
	raw, sent := b[key]
	if !sent || isNull(raw) {
		return nil, false, nil
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil || m == nil {
		return nil, false, invalid(key, "must be a JSON object")
	}
	return m, true, nil
}

// strings reads an array of strings: ok is false when it is absent or
// null.
func (b body) strings(key string) ([]string, bool, error) {
	raw, sent := b[key]
	if !sent || isNull(raw) {
		return nil, false, nil
	}
	var s []string
	if err := json.Unmarshal(raw, &s); err != nil || s == nil {
		return nil, false, invalid(key, "must be an array of strings")
	}
	return s, true, nil
}
