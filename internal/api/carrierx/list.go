package carrierx

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// listRequest is a parsed CarrierX list query string.
type listRequest struct {
	query  hub.ListQuery
	after  string // the SIDs as sent
	before string
	fields *fieldSelection
}

// parseList reads limit, offset, order, filter, after/before and the field
// selection: the syntax only. Field names go through vocab into the
// domain's; bounds and combinations are the hub's rules (hub.ListQuery),
// checked when the list is asked for. An empty after= asks for cursor
// mode from the start, so that pagination.next walks by cursor rather
// than by offset. cursor resolves an after/before SID to the id the hub
// pages by (an empty SID is 0). Every problem is a 400 naming the
// parameter.
func (a *api) parseList(ctx context.Context, q url.Values, keys []string, vocab *httpapi.Vocabulary, cursor cursorFunc) (*listRequest, error) {
	lr := &listRequest{}
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
	if v, ok := httpapi.Param(q, "order"); ok {
		if lr.query.Order, lr.query.Shuffle, err = parseOrder(v); err != nil {
			return nil, err
		}
		if err := vocab.Order("order", lr.query.Order); err != nil {
			return nil, err
		}
	}
	if v, ok := httpapi.Param(q, "filter"); ok {
		if lr.query.Filter, err = filter.Parse(v); err != nil {
			return nil, filterError(err)
		}
		if err := vocab.Filter("filter", lr.query.Filter); err != nil {
			return nil, err
		}
	}
	var hasAfter, hasBefore bool
	lr.after, hasAfter = httpapi.Param(q, "after")
	lr.before, hasBefore = httpapi.Param(q, "before")
	if hasAfter {
		lr.query.Sent |= hub.SentAfter
	}
	if hasBefore {
		lr.query.Sent |= hub.SentBefore
	}
	if lr.query.After, err = cursor(ctx, "after", lr.after); err != nil {
		return nil, err
	}
	if lr.query.Before, err = cursor(ctx, "before", lr.before); err != nil {
		return nil, err
	}
	if lr.fields, err = parseFieldSelection(q, keys); err != nil {
		return nil, err
	}
	return lr, nil
}

// filterError is the 400 of a filter that does not parse: the filter
// package's pointing message, under the parameter's name once.
func filterError(err error) error {
	var fe *filter.Error
	if errors.As(err, &fe) {
		return queryError("filter", "%s", fe.Reason())
	}
	return queryError("filter", "%s", err.Error())
}

// parseOrder reads "field", "field asc|desc", comma-separated, or
// "shuffle". Whether a field may be ordered by is the hub's rule.
func parseOrder(v string) ([]hub.OrderTerm, bool, error) {
	if strings.EqualFold(v, "shuffle") {
		return nil, true, nil
	}
	var terms []hub.OrderTerm
	for _, part := range strings.Split(v, ",") {
		words := strings.Fields(part)
		if len(words) == 0 || len(words) > 2 {
			return nil, false, queryError("order", `must be "field", "field asc", "field desc" (comma-separated for several) or "shuffle"`)
		}
		t := hub.OrderTerm{Field: words[0]}
		if len(words) == 2 {
			switch strings.ToLower(words[1]) {
			case "asc":
			case "desc":
				t.Desc = true
			default:
				return nil, false, queryError("order", "direction %q must be asc or desc", shorten(words[1]))
			}
		}
		terms = append(terms, t)
	}
	return terms, false, nil
}

// cursorFunc resolves the SID of an after/before cursor (parameter name)
// to the object id the hub pages by. An empty SID means "from the start"
// (0); an unknown or invisible SID is a 400 naming the parameter.
type cursorFunc func(ctx context.Context, name, sid string) (int64, error)

// partnerCursor is the cursorFunc of the partner list.
func (a *api) partnerCursor(pr hub.Principal) cursorFunc {
	return func(ctx context.Context, name, sid string) (int64, error) {
		return a.partnerCursorID(ctx, pr, name, sid)
	}
}

// partnerCursorID resolves a partner_sid cursor to the partner id.
func (a *api) partnerCursorID(ctx context.Context, pr hub.Principal, name, sid string) (int64, error) {
	if sid == "" {
		return 0, nil
	}
	if !hub.IsSID(sid) {
		return 0, queryError(name, "is not the partner_sid of a partner in this list")
	}
	p, err := a.svc.Partner(ctx, pr, hub.PartnerKey{SID: sid})
	if hub.IsKind(err, hub.NotFound) {
		return 0, queryError(name, "is not the partner_sid of a partner in this list")
	}
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// listPartners serves GET /core/v2/partners: the caller's subtree.
func (a *api) listPartners(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	lr, err := a.parseList(ctx, r.URL.Query(), partnerKeys, partnerVocabulary, a.partnerCursor(pr))
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	page, err := a.svc.ListPartners(ctx, pr, hub.PartnerKey{}, lr.query)
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	items := page.Items
	firstSID, lastSID := "", ""
	if len(items) > 0 {
		firstSID, lastSID = items[0].SID, items[len(items)-1].SID
	}
	sel := lr.fields
	a.writeList(w, r, lr, len(items), func(dst []byte, i int) ([]byte, error) {
		if sel == nil {
			return a.memo.appendPartner(dst, &items[i])
		}
		return appendPartner(dst, &items[i], sel)
	}, page.HasMore, page.Total, firstSID, lastSID)
}

// writeList answers 200 with one page in the vendor's list envelope:
//
//	{"count":n,"has_more":b,"items":[...],"limit":l,"offset":o,
//	 "pagination":{"next":...,"previous":...},"total":t}
//
// keys in alphabetical order, followed by "\n", the bytes encoding/json
// wrote for the envelope struct the face used before. appendItem appends
// item i (of n); firstSID and lastSID are the SIDs of the page's first and
// last items (the cursors of the pagination links). A failing item is
// answered through writeError before anything is written.
func (a *api) writeList(w http.ResponseWriter, r *http.Request, lr *listRequest, n int, appendItem func(dst []byte, i int) ([]byte, error), hasMore bool, total int64, firstSID, lastSID string) {
	bp := httpapi.GetBuffer()
	defer httpapi.PutBuffer(bp)
	b := append(*bp, `{"count":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	b = append(b, `,"has_more":`...)
	b = strconv.AppendBool(b, hasMore)
	b = append(b, `,"items":[`...)
	var err error
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendItem(b, i); err != nil {
			*bp = b
			a.writeError(w, r, err, fromQuery)
			return
		}
	}
	b = append(b, `],"limit":`...)
	b = strconv.AppendInt(b, int64(lr.query.PageSize()), 10)
	b = append(b, `,"offset":`...)
	b = strconv.AppendInt(b, int64(lr.query.Offset), 10)
	b = append(b, `,"pagination":`...)
	b = appendStringMap(b, pagination(r, a.base, lr, hasMore, firstSID, lastSID))
	b = append(b, `,"total":`...)
	b = strconv.AppendInt(b, total, 10)
	b = append(b, "}\n"...)
	*bp = b
	httpapi.WriteBody(w, http.StatusOK, b)
}

// pagination builds the next/previous links: full URLs on base (never the
// request's Host) that repeat the request's query with the page moved.
// Offset mode moves offset by limit; cursor mode points after the last
// item or before the first one. hasMore is the hub's "rows follow in the
// query's direction" (backwards for before=).
func pagination(r *http.Request, base httpapi.BaseURL, lr *listRequest, hasMore bool, firstSID, lastSID string) map[string]string {
	links := map[string]string{}
	link := func(set func(url.Values)) string {
		q := r.URL.Query()
		set(q)
		return base.Link(r.URL.Path, q)
	}
	if !lr.query.Cursor() {
		off, lim := lr.query.Offset, lr.query.PageSize()
		if hasMore {
			links["next"] = link(func(q url.Values) { q.Set("offset", strconv.Itoa(off+lim)) })
		}
		if off > 0 {
			links["previous"] = link(func(q url.Values) { q.Set("offset", strconv.Itoa(max(off-lim, 0))) })
		}
		return links
	}
	backward := lr.before != ""
	moreAfter := (!backward && hasMore) || backward
	moreBefore := (backward && hasMore) || (!backward && lr.after != "")
	if moreAfter && lastSID != "" {
		links["next"] = link(func(q url.Values) { q.Del("before"); q.Set("after", lastSID) })
	}
	if moreBefore && firstSID != "" {
		links["previous"] = link(func(q url.Values) { q.Del("after"); q.Set("before", firstSID) })
	}
	return links
}
