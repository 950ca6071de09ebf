package carrierx

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
)

// fieldSelection is the outcome of include_fields / exclude_fields: the
// object keys to drop from each rendered object. A nil selection keeps all.
// drop holds the dropped keys; mask has bit i set when keys[i] (of the key
// list the selection was parsed against) is dropped, which is what the
// append encoders read.
type fieldSelection struct {
	drop map[string]bool
	mask uint64
}

// parseFieldSelection reads include_fields and exclude_fields (and the
// camelCase includeFields / excludeFields the Python client sends) against
// the object's keys. Both may be given: include is applied first, then
// exclude. An unknown field name is a 400 naming the parameter.
func parseFieldSelection(q url.Values, keys []string) (*fieldSelection, error) {
	include, err := fieldList(q, keys, "include_fields", "includeFields")
	if err != nil {
		return nil, err
	}
	exclude, err := fieldList(q, keys, "exclude_fields", "excludeFields")
	if err != nil {
		return nil, err
	}
	if include == nil && exclude == nil {
		return nil, nil
	}
	if len(keys) > 64 {
		panic("carrierx: a field selection covers at most 64 keys")
	}
	sel := &fieldSelection{drop: map[string]bool{}}
	for i, k := range keys {
		if (include != nil && !slices.Contains(include, k)) || slices.Contains(exclude, k) {
			sel.drop[k] = true
			sel.mask |= 1 << uint(i)
		}
	}
	return sel, nil
}

// fieldList gathers the comma-separated names of every occurrence of the
// given parameter spellings; nil when none is present.
func fieldList(q url.Values, keys []string, names ...string) ([]string, error) {
	var out []string
	for _, param := range names {
		for _, v := range q[param] {
			if out == nil {
				out = []string{}
			}
			for _, f := range strings.Split(v, ",") {
				f = strings.TrimSpace(f)
				if f == "" {
					continue
				}
				if !slices.Contains(keys, f) {
					return nil, queryError(param, "unknown field %q; fields: %s", shorten(f), strings.Join(keys, ", "))
				}
				out = append(out, f)
			}
		}
	}
	return out, nil
}

// apply returns obj with the dropped keys removed. Without a selection it
// returns obj itself, which keeps the struct's fast, ordered encoding;
// with one it returns a map, which encoding/json also writes sorted. Only
// the Token object still goes through it; partners are written by
// appendPartner, which reads mask instead.
func (s *fieldSelection) apply(obj any) (any, error) {
	if s == nil {
		return obj, nil
	}
	b, err := httpapi.AppendJSON(nil, obj) // no HTML escaping, as without a selection
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	for k := range s.drop {
		delete(m, k)
	}
	return m, nil
}

// shorten bounds user text repeated in messages.
func shorten(s string) string {
	if len(s) <= 40 {
		return s
	}
	r := []rune(s)
	if len(r) > 40 {
		r = r[:40]
	}
	return string(r) + "..."
}
