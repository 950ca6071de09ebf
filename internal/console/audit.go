package console

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// objectTypes are the kinds of object the audit log records (the
// filter's choices).
var objectTypes = []string{"partner", "client", "channel", "user", "api_key", "token", "email_verification",
	"change_request", "change_request_settings", "webhook_secret"}

// auditData is the audit page: the filter and one page of rows.
type auditData struct {
	ObjectType, ObjectID, Actor string
	Types                       []string
	Rows                        []auditRow
	Pager                       *pager
}

// auditRow is one audit entry with its changes laid out.
type auditRow struct {
	hub.AuditEntry
	Link    string // the object's page, when the console has one
	Changes []fieldChange
}

// fieldChange is one field's value before and after (JSON; "" absent).
type fieldChange struct{ Field, Before, After string }

// audit lists the audit log of the user's branch, newest first, filtered
// by object (type and id) and actor.
func (c *console) audit(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	n, err := pageNumber(r)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	qs := r.URL.Query()
	d := &auditData{ObjectType: strings.TrimSpace(qs.Get("object_type")), ObjectID: strings.TrimSpace(qs.Get("object_id")),
		Actor: strings.TrimSpace(qs.Get("actor")), Types: objectTypes}
	for name, v := range map[string]string{"object_id": d.ObjectID, "actor": d.Actor} {
		if !utf8.ValidString(v) || len(v) > 100 || strings.ContainsRune(v, 0) {
			c.fail(w, r, pr, &httpapi.RequestError{Status: http.StatusBadRequest, Field: name, Message: "must be at most 100 characters of text"})
			return
		}
	}
	if d.ObjectType != "" && !slices.Contains(objectTypes, d.ObjectType) {
		c.fail(w, r, pr, &httpapi.RequestError{Status: http.StatusBadRequest, Field: "object_type", Message: "is not a kind of object the log records"})
		return
	}
	q := listQuery(n, pageSize, newestFirst)
	for _, f := range [][2]string{{"object_type", d.ObjectType}, {"object_id", d.ObjectID}, {"actor", d.Actor}} {
		if f[1] != "" {
			q.Filter = and(q.Filter, eq(f[0], f[1]))
		}
	}
	page, err := c.svc.ListAudit(r.Context(), pr, q)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d.Rows = make([]auditRow, len(page.Items))
	for i, e := range page.Items {
		d.Rows[i] = auditRow{AuditEntry: e, Link: objectLink(e.ObjectType, e.ObjectID), Changes: changes(e.Before, e.After)}
	}
	d.Pager = newPager(r, n, pageSize, page.Total, len(page.Items))
	c.page(w, r, pr, "audit", "Audit log", "audit", d)
}

// objectLink is the console page of an audited object, or "".
func objectLink(typ, id string) string {
	if _, err := strconv.ParseInt(id, 10, 64); err != nil {
		return ""
	}
	switch typ {
	case "partner":
		return Prefix + "/partners/" + id
	case "client":
		return Prefix + "/clients/" + id
	case "user":
		return Prefix + "/users/" + id
	case "change_request":
		return Prefix + "/change-requests/" + id
	case "change_request_settings": // its id is the partner's
		return Prefix + "/partners/" + id + "/change-requests"
	case "webhook_secret": // likewise
		return Prefix + "/partners/" + id + "/webhooks"
	}
	return ""
}

// changes lays out the fields of before and after, sorted by name.
func changes(before, after map[string]any) []fieldChange {
	var names []string
	for k := range before {
		names = append(names, k)
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	out := make([]fieldChange, len(names))
	for i, k := range names {
		out[i] = fieldChange{Field: k, Before: show(before, k), After: show(after, k)}
	}
	return out
}

// show renders m[k] compactly ("" when absent).
func show(m map[string]any, k string) string {
	v, ok := m[k]
	if !ok {
		return ""
	}
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "?"
	}
	return string(b)
}
