package bluefin

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// body reads a JSON request object one attribute at a time. A value of
// the wrong JSON type is recorded as a problem naming the attribute (with
// prefix, for nested objects such as contact) and the reading goes on, so
// one answer names every bad attribute; err reports them all. Reading is
// the request's shape only: what the values mean is the hub's to judge.
type body struct {
	obj    map[string]json.RawMessage
	prefix string // "contact." for a nested object
	seen   map[string]bool
	fields []hub.FieldError
}

func newBody(obj map[string]json.RawMessage, prefix string) *body {
	return &body{obj: obj, prefix: prefix, seen: map[string]bool{}}
}

// bad records a problem with attribute key.
func (b *body) bad(key, msg string) {
	b.fields = append(b.fields, hub.FieldError{Field: b.prefix + key, Message: msg})
}

// raw returns key's value, marking it read; ok is false when it was not
// sent.
func (b *body) raw(key string) (json.RawMessage, bool) {
	b.seen[key] = true
	v, ok := b.obj[key]
	return v, ok
}

// has reports whether key was sent (null included).
func (b *body) has(key string) bool { _, ok := b.obj[key]; return ok }

func isNull(v json.RawMessage) bool { return bytes.Equal(bytes.TrimSpace(v), []byte("null")) }

// str reads a string attribute into dst; null clears it. It reports
// whether the attribute was sent with a usable value.
func (b *body) str(key string, dst *string) bool {
	v, ok := b.raw(key)
	if !ok {
		return false
	}
	if isNull(v) {
		*dst = ""
		return true
	}
	var s string
	if err := json.Unmarshal(v, &s); err != nil {
		b.bad(key, "must be a string")
		return false
	}
	*dst = s
	return true
}

// text reads an optional string attribute as str does: nil when it was
// not sent or not usable, else its value ("" for null).
func (b *body) text(key string) *string {
	var s string
	if b.str(key, &s) {
		return &s
	}
	return nil
}

// flag reads an optional true/false attribute as boolean does: nil when
// it was not sent (or null) or not usable.
func (b *body) flag(key string) *bool {
	var v bool
	if b.boolean(key, &v) {
		return &v
	}
	return nil
}

// setSent writes *v into *dst when v was sent (not nil): the apply step of
// a patch read with text, flag and the like.
func setSent[T any](dst, v *T) {
	if v != nil {
		*dst = *v
	}
}

// boolean reads a true/false attribute into dst (null: not sent).
func (b *body) boolean(key string, dst *bool) bool {
	v, ok := b.raw(key)
	if !ok || isNull(v) {
		return false
	}
	if err := json.Unmarshal(v, dst); err != nil {
		b.bad(key, "must be true or false")
		return false
	}
	return true
}

// integer reads a whole number attribute (null: not sent).
func (b *body) integer(key string) (int64, bool) {
	v, ok := b.raw(key)
	if !ok || isNull(v) {
		return 0, false
	}
	n, err := parseID(v)
	if err != nil {
		b.bad(key, "must be a whole number")
		return 0, false
	}
	return n, true
}

// parseID reads a JSON number, or a string of digits (the vendor's
// documents type ids both ways), as an int64.
func parseID(v json.RawMessage) (int64, error) {
	var s string
	if json.Unmarshal(v, &s) == nil {
		return strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(v))
	dec.UseNumber()
	if err := dec.Decode(&n); err != nil {
		return 0, err
	}
	return strconv.ParseInt(n.String(), 10, 64)
}

// object reads a nested object attribute (null: not sent).
func (b *body) object(key string) (map[string]json.RawMessage, bool) {
	v, ok := b.raw(key)
	if !ok || isNull(v) {
		return nil, false
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(v, &m); err != nil || m == nil {
		b.bad(key, "must be an object")
		return nil, false
	}
	return m, true
}

// ref is a reference to another object as a body sends it: {"id": n} or
// {"name": "..."} (both: the id wins, so a GET's {id, name} can be sent
// back).
type ref struct {
	ID   int64
	Name string
}

// reference reads a reference attribute (null: not sent). A reference
// with neither a usable id nor a name is a problem naming the attribute.
func (b *body) reference(key string) (ref, bool) {
	m, ok := b.object(key)
	if !ok {
		return ref{}, false
	}
	var r ref
	if v, ok := m["id"]; ok && !isNull(v) {
		id, err := parseID(v)
		if err != nil || id <= 0 {
			b.bad(key, "id must be a positive whole number")
			return ref{}, false
		}
		r.ID = id
		return r, true
	}
	if v, ok := m["name"]; ok && !isNull(v) {
		if err := json.Unmarshal(v, &r.Name); err != nil || r.Name == "" {
			b.bad(key, "name must be a non-empty string")
			return ref{}, false
		}
		return r, true
	}
	b.bad(key, `must be {"id": <id>} or {"name": "<name>"}`)
	return ref{}, false
}

// role reads a user role attribute: "Partner User" or {"name": "Partner
// User"} (the vendor's documents use both forms). An unknown name is
// passed on for the hub to refuse.
func (b *body) role(key string) (hub.Role, bool) {
	v, ok := b.raw(key)
	if !ok || isNull(v) {
		return "", false
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return hub.Role(s), true
	}
	var o struct {
		Name *string `json:"name"`
	}
	if err := json.Unmarshal(v, &o); err != nil || o.Name == nil {
		b.bad(key, `must be {"name": "<role>"}, one of `+roleNames())
		return "", false
	}
	return hub.Role(*o.Name), true
}

func roleNames() string {
	names := make([]string, len(hub.Roles))
	for i, r := range hub.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// ignore marks attributes a GET shows that a write accepts and ignores
// (read-only values sent back in a GET-modify-PATCH round trip).
func (b *body) ignore(keys ...string) {
	for _, k := range keys {
		b.seen[k] = true
	}
}

// rejectUnknown records every attribute that nothing read or ignored.
func (b *body) rejectUnknown() {
	var unknown []string
	for k := range b.obj {
		if !b.seen[k] {
			unknown = append(unknown, k)
		}
	}
	slices.Sort(unknown)
	for _, k := range unknown {
		b.bad(k, "is not a known attribute")
	}
}

// require records each key that was not sent, or sent as null.
func (b *body) require(keys ...string) {
	for _, k := range keys {
		if v, ok := b.obj[k]; !ok || isNull(v) {
			b.bad(k, "is required")
		}
	}
}

// fixed records msg against key when it was sent (null included): an
// attribute a write may not change. The key counts as read.
func (b *body) fixed(key, msg string) {
	if b.has(key) {
		b.raw(key)
		b.bad(key, msg)
	}
}

// finish ends the reading of a request object: each of required must
// have been sent (require), readOnly are accepted and ignored (ignore),
// and any other attribute nothing read is a problem (rejectUnknown).
func (b *body) finish(readOnly []string, required ...string) {
	b.require(required...)
	b.ignore(readOnly...)
	b.rejectUnknown()
}

// add merges the problems of a nested body.
func (b *body) add(other *body) { b.fields = append(b.fields, other.fields...) }

// err returns the recorded problems as one Invalid error, or nil.
func (b *body) err() error {
	if len(b.fields) == 0 {
		return nil
	}
	f := b.fields[0]
	msg := f.Field + ": " + f.Message
	if n := len(b.fields) - 1; n > 0 {
		msg += " (and " + strconv.Itoa(n) + " more)"
	}
	return &hub.Error{Kind: hub.Invalid, Message: msg, Fields: b.fields}
}

// version reads the version attribute of an update: the ifVersion the hub
// takes. A version no object can have (below 1) is sent on as -1, so it is
// stale like any other mismatch.
func (b *body) version() int64 {
	v, ok := b.integer("version")
	switch {
	case !ok:
		return 0
	case v < 1:
		return -1
	}
	return v
}
