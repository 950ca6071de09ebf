package dialog360

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// listRequest is a parsed list query string: the hub's query, and what
// the envelope echoes.
type listRequest struct {
	query   hub.ListQuery
	sort    []string        // the sort terms in force, as the caller writes them
	filters json.RawMessage // the filters object as sent (compact, keys sorted); {} for none
}

// parseList reads limit, offset, sort and filters for the list of
// resource: the syntax only. Names go through the resource's Vocabulary
// into the domain's; bounds and combinations are the hub's rules (see
// hub.ListQuery), checked when the list is asked for. Every problem is a
// 400 naming the parameter.
func parseList(q url.Values, res *resource) (*listRequest, error) {
	lr := &listRequest{filters: json.RawMessage(`{}`)}
	n, sent, err := httpapi.IntParam(q, "limit")
	if err != nil {
		return nil, err
	}
	if sent {
		lr.query.Limit, lr.query.Sent = n, lr.query.Sent|hub.SentLimit
	}
	if n, sent, err = httpapi.IntParam(q, "offset"); err != nil {
		return nil, err
	}
	if sent {
		lr.query.Offset, lr.query.Sent = n, lr.query.Sent|hub.SentOffset
	}
	if err := lr.parseSort(q["sort"], res); err != nil {
		return nil, err
	}
	if v, ok := httpapi.Param(q, "filters"); ok && v != "" {
		if err := lr.parseFilters(v, res); err != nil {
			return nil, err
		}
	}
	return lr, nil
}

// parseSort reads the sort parameters: field names, each with an optional
// leading "-" for descending order, repeated or comma-separated. Empty
// terms and a bare "-" mean nothing; no term at all is the resource's
// default order.
func (lr *listRequest) parseSort(values []string, res *resource) error {
	for _, v := range values {
		for _, term := range strings.Split(v, ",") {
			term = strings.TrimSpace(term)
			if term == "" || term == "-" {
				continue
			}
			name, desc := strings.CutPrefix(term, "-")
			if !slices.Contains(res.sort, name) {
				return invalid("sort", "unknown field %q; fields: %s (a leading - sorts descending)", shorten(name), strings.Join(res.sort, ", "))
			}
			lr.query.Order = append(lr.query.Order, hub.OrderTerm{Field: name, Desc: desc})
			lr.sort = append(lr.sort, term)
		}
	}
	if len(lr.query.Order) == 0 {
		// The default, in the domain's names: newest first, the id
		// breaking ties the same way.
		lr.sort = []string{"-created_at"}
		lr.query.Order = []hub.OrderTerm{{Field: "created_at", Desc: true}, {Field: "id", Desc: true}}
		return nil
	}
	return res.vocab.Order("sort", lr.query.Order)
}

// parseFilters reads filters: a JSON object of field -> expected value.
// A string, number or boolean is compared for equality, null matches an
// unset value, an array of those matches any of them; a date (2006-01-02)
// given for a time field matches that whole UTC day. q is free text,
// matched case-insensitively anywhere in the resource's q field. Keys are
// exactly the resource's filter keys and dot paths below its object
// fields; anything else is a wrong payload.
func (lr *listRequest) parseFilters(v string, res *resource) error {
	dec := json.NewDecoder(strings.NewReader(v))
	dec.UseNumber()
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return invalid("filters", "must be a URL-encoded JSON object such as {\"status\":\"active\"}")
	}
	if dec.More() {
		return invalid("filters", "has data after the JSON object")
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var expr filter.Expr
	type written struct {
		cond *filter.Cond
		key  string
	}
	var renamed []written // conditions whose key the vocabulary spells otherwise
	for _, key := range keys {
		field, ok := res.filterField(key)
		if !ok {
			return invalid("filters", "unknown key %q; keys: %s", shorten(key), res.filterKeyList())
		}
		cond, err := condition(key, field, obj[key], res)
		if err != nil {
			return err
		}
		if field != key {
			for _, c := range leaves(cond) {
				renamed = append(renamed, written{c, key})
			}
		}
		expr = and(expr, cond)
	}
	if err := res.vocab.Filter("filters", expr); err != nil {
		return err
	}
	for _, w := range renamed {
		w.cond.As = w.key // errors name the key as the caller wrote it
	}
	lr.query.Filter = expr
	b, err := json.Marshal(obj) // compact, keys sorted
	if err != nil {
		return invalid("filters", "cannot be read: %v", err)
	}
	lr.filters = b
	return nil
}

// condition is the filter of one key: field (the vocabulary's public
// name) compared with the JSON value raw.
func condition(key, field string, raw json.RawMessage, res *resource) (filter.Expr, error) {
	if field == "q" {
		var text string
		if err := json.Unmarshal(raw, &text); err != nil {
			return nil, invalid("filters", "%s must be a string", key)
		}
		return contains(field, text), nil
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, invalid("filters", "%s: %v", key, err)
	}
	if list, ok := v.([]any); ok {
		if len(list) == 0 || len(list) > filter.MaxListItems {
			return nil, invalid("filters", "%s: a list must hold 1 to %d values", key, filter.MaxListItems)
		}
		vals := make([]filter.Value, len(list))
		for i, item := range list {
			val, err := literal(key, item)
			if err != nil {
				return nil, err
			}
			if val.IsNull() {
				return nil, invalid("filters", "%s: a list cannot hold null", key)
			}
			vals[i] = val
		}
		return &filter.Cond{Field: field, Op: filter.In, Values: vals}, nil
	}
	val, err := literal(key, v)
	if err != nil {
		return nil, err
	}
	if slices.Contains(res.days, field) && val.Quoted {
		if day, err := time.Parse(time.DateOnly, val.Text); err == nil {
			return and(
				&filter.Cond{Field: field, Op: filter.Ge, Values: []filter.Value{{Text: day.Format(time.RFC3339), Quoted: true}}},
				&filter.Cond{Field: field, Op: filter.Lt, Values: []filter.Value{{Text: day.AddDate(0, 0, 1).Format(time.RFC3339), Quoted: true}}},
			), nil
		}
	}
	return &filter.Cond{Field: field, Op: filter.Eq, Values: []filter.Value{val}}, nil
}

// literal is one JSON scalar as a filter value: strings quoted, numbers
// and booleans as written, null as the unquoted word.
func literal(key string, v any) (filter.Value, error) {
	switch x := v.(type) {
	case nil:
		return filter.Value{Text: "null"}, nil
	case string:
		return filter.Value{Text: x, Quoted: true}, nil
	case json.Number:
		return filter.Value{Text: x.String()}, nil
	case bool:
		return filter.Value{Text: strconv.FormatBool(x)}, nil
	}
	return filter.Value{}, invalid("filters", "%s must be a string, number, boolean, null or a list of those", key)
}

// contains is "field ilike %text%", text matched literally (its % and _
// and the escape character escaped).
func contains(field, text string) filter.Expr {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return &filter.Cond{Field: field, Op: filter.ILike, Values: []filter.Value{{Text: "%" + r.Replace(text) + "%", Quoted: true}}}
}

// and joins two expressions; either may be nil.
func and(a, b filter.Expr) filter.Expr {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	return &filter.And{Left: a, Right: b}
}

// leaves returns the conditions of an expression built by condition.
func leaves(e filter.Expr) []*filter.Cond {
	switch x := e.(type) {
	case *filter.Cond:
		return []*filter.Cond{x}
	case *filter.And:
		return append(leaves(x.Left), leaves(x.Right)...)
	}
	return nil
}

// shorten bounds user text repeated in messages to 40 runes.
func shorten(s string) string {
	r := []rune(s)
	if len(r) <= 40 {
		return s
	}
	return string(r[:40]) + "..."
}

// listErrors renames the hub's list parameters to this face's words:
// order is sort, filter is filters.
func listErrors(err error) error {
	return httpapi.RenameFields(err, func(f string) string {
		switch f {
		case "order":
			return "sort"
		case "filter":
			return "filters"
		}
		return f
	})
}

// writeList answers 200 with one page in the vendor's list envelope:
//
//	{"count":n,"total":t,"limit":l,"offset":o,"sort":[...],"filters":{...},"<items>":[...]}
//
// appendItem appends item i (of n). A failing item is answered through
// writeError before anything is written.
func (a *api) writeList(w http.ResponseWriter, r *http.Request, lr *listRequest, items string, n int, total int64, appendItem func(dst []byte, i int) ([]byte, error)) {
	bp := httpapi.GetBuffer()
	defer httpapi.PutBuffer(bp)
	b := append(*bp, `{"count":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, total, 10)
	b = append(b, `,"limit":`...)
	b = strconv.AppendInt(b, int64(lr.query.PageSize()), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(lr.query.Offset), 10)
	b = append(b, `,"sort":`...)
	var err error
	if b, err = httpapi.AppendJSON(b, lr.sort); err != nil {
		*bp = b
		a.writeError(w, r, err)
		return
	}
	b = append(b, `,"filters":`...)
	b = append(b, lr.filters...)
	b = append(b, `,"`...)
	b = append(b, items...)
	b = append(b, `":[`...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendItem(b, i); err != nil {
			*bp = b
			a.writeError(w, r, err)
			return
		}
	}
	b = append(b, "]}\n"...)
	*bp = b
	httpapi.WriteBody(w, http.StatusOK, b)
}
