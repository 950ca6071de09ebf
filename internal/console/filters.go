package console

import (
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// The console builds its list filters as the domain's filter AST, with
// the domain's field names; user text only ever becomes a bound value.

// eq is "field eq value".
func eq(field, value string) filter.Expr {
	return &filter.Cond{Field: field, Op: filter.Eq, Values: []filter.Value{{Text: value, Quoted: true}}}
}

// eqInt is "field eq n".
func eqInt(field string, n int64) filter.Expr {
	return &filter.Cond{Field: field, Op: filter.Eq, Values: []filter.Value{{Text: strconv.FormatInt(n, 10)}}}
}

// inInts is "field in (ids...)".
func inInts(field string, ids []int64) filter.Expr {
	vals := make([]filter.Value, len(ids))
	for i, id := range ids {
		vals[i] = filter.Value{Text: strconv.FormatInt(id, 10)}
	}
	return &filter.Cond{Field: field, Op: filter.In, Values: vals}
}

// contains is "field ilike %text%", text matched literally (its % and _
// and the escape character escaped).
func contains(field, text string) filter.Expr {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return &filter.Cond{Field: field, Op: filter.ILike, Values: []filter.Value{{Text: "%" + r.Replace(text) + "%", Quoted: true}}}
}

// and joins the non-nil expressions; nil when there are none.
func and(exprs ...filter.Expr) filter.Expr {
	var out filter.Expr
	for _, e := range exprs {
		switch {
		case e == nil:
		case out == nil:
			out = e
		default:
			out = &filter.And{Left: out, Right: e}
		}
	}
	return out
}

// idKey is the partner key of a path's {id}: a positive number, else a
// key that names nothing, which the hub answers NotFound without a query
// (exactly like a missing or invisible partner).
func idKey(s string) hub.PartnerKey {
	return hub.PartnerKey{ID: idOf(s)}
}

// idOf parses a positive id; anything else is -1, an id that names
// nothing.
func idOf(s string) int64 {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		return -1
	}
	return id
}

// lookupKey reads what a person typed to name a partner: its id, SID
// (UUID) or ref; ok is false when the text is none of them.
func lookupKey(s string) (hub.PartnerKey, bool) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return hub.PartnerKey{}, false
	case hub.IsSID(strings.ToLower(s)):
		return hub.PartnerKey{SID: strings.ToLower(s)}, true
	case hub.IsRef(s, hub.PartnerRefSuffix):
		return hub.PartnerKey{Ref: s}, true
	}
	if id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64); err == nil && id > 0 {
		return hub.PartnerKey{ID: id}, true
	}
	return hub.PartnerKey{}, false
}
