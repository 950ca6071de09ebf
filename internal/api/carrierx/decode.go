package carrierx

import (
	"bytes"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// readObject reads the body as one JSON object (httpapi.ReadObject: 415,
// 400, 413) and answers any problem itself; ok is false then.
func (a *api) readObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, bool) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return nil, false
	}
	return obj, true
}

// checkKeys returns a 422 naming the first key of obj (alphabetically) that
// is not in allowed: "is read-only" for keys of the Partner object,
// "is not a known field" otherwise.
func checkKeys(obj map[string]json.RawMessage, allowed map[string]bool) error {
	var bad []hub.FieldError
	for _, k := range sortedKeys(obj) {
		if allowed[k] {
			continue
		}
		msg := "is not a known field"
		if isPartnerKey(k) {
			msg = "is read-only"
		}
		bad = append(bad, hub.FieldError{Field: k, Message: msg})
	}
	return fieldErrors(bad)
}

// fieldErrors builds one Invalid error naming every field of bad, or nil.
func fieldErrors(bad []hub.FieldError) error {
	if len(bad) == 0 {
		return nil
	}
	msg := bad[0].Field + ": " + bad[0].Message
	if len(bad) > 1 {
		msg += " (and " + itoa(int64(len(bad)-1)) + " more)"
	}
	return &hub.Error{Kind: hub.Invalid, Message: msg, Fields: bad}
}

// The typed decoders below read one member of a request object. A value of
// the wrong JSON type is a 422 naming the field.

// decodeString reads a string; null reads as "" (clears the field).
func decodeString(field string, raw json.RawMessage) (string, error) {
	if isNull(raw) {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", hub.InvalidField(field, "must be a string")
	}
	return s, nil
}

// decodeMoney reads an amount given as a JSON string ("351.52") or number
// (351.52, kept exact); null reads as nil.
func decodeMoney(field string, raw json.RawMessage) (*hub.Money, error) {
	if isNull(raw) {
		return nil, nil
	}
	text := string(bytes.TrimSpace(raw))
	if strings.HasPrefix(text, `"`) {
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, hub.InvalidField(field, "must be a decimal amount as a string")
		}
	}
	m, err := hub.ParseMoney(text)
	if err != nil {
		return nil, hub.InvalidField(field, "must be a decimal amount as a string, such as \"351.52\"")
	}
	return &m, nil
}

// decodeStringMap reads an object of strings. Members whose value is null
// are returned in del: when merging they delete the stored key.
func decodeStringMap(field string, raw json.RawMessage) (set map[string]string, del []string, err error) {
	var m map[string]json.RawMessage
	if isNull(raw) || json.Unmarshal(raw, &m) != nil {
		return nil, nil, hub.InvalidField(field, "must be an object of strings")
	}
	set = make(map[string]string, len(m))
	for _, k := range sortedKeys(m) {
		if isNull(m[k]) {
			del = append(del, k)
			continue
		}
		var s string
		if json.Unmarshal(m[k], &s) != nil {
			return nil, nil, hub.InvalidField(field+"."+k, "must be a string or null")
		}
		set[k] = s
	}
	return set, del, nil
}

// decodeObjectList reads an array of objects (arrays are replaced whole).
func decodeObjectList(field string, raw json.RawMessage) ([]map[string]any, error) {
	var l []map[string]any
	if isNull(raw) || json.Unmarshal(raw, &l) != nil {
		return nil, hub.InvalidField(field, "must be an array of objects")
	}
	for _, e := range l {
		if e == nil {
			return nil, hub.InvalidField(field, "must be an array of objects")
		}
	}
	return l, nil
}

func isNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
