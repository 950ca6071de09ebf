package hub

import (
	"slices"
	"testing"
)

// TestListQueryValidate: Validate is the one owner of the bounds and the
// combinations; a zero the caller sent (Sent) is told apart from one it
// left out.
func TestListQueryValidate(t *testing.T) {
	for _, c := range []struct {
		name  string
		q     ListQuery
		field string // "" when valid
		limit int    // the page size after Validate, when valid
	}{
		{"empty", ListQuery{}, "", DefaultLimit},
		{"limit", ListQuery{Limit: 7}, "", 7},
		{"max limit", ListQuery{Limit: MaxLimit}, "", MaxLimit},
		{"limit over", ListQuery{Limit: MaxLimit + 1}, "limit", 0},
		{"negative limit", ListQuery{Limit: -1}, "limit", 0},
		{"limit=0 sent", ListQuery{Sent: SentLimit}, "limit", 0},
		{"negative offset", ListQuery{Offset: -1}, "offset", 0},
		{"offset=0 sent", ListQuery{Sent: SentOffset}, "", DefaultLimit},
		{"after and before", ListQuery{After: 1, Before: 2}, "after", 0},
		{"empty after and before", ListQuery{Sent: SentAfter | SentBefore}, "after", 0},
		{"after and offset", ListQuery{After: 1, Offset: 3}, "offset", 0},
		{"empty after, offset=0 sent", ListQuery{Sent: SentAfter | SentOffset}, "offset", 0},
		{"empty after, offset not sent", ListQuery{Sent: SentAfter}, "", DefaultLimit},
		{"before and shuffle", ListQuery{Before: 4, Shuffle: true}, "order", 0},
		{"empty after and shuffle", ListQuery{Sent: SentAfter, Shuffle: true}, "order", 0},
		{"shuffle and order", ListQuery{Shuffle: true, Order: []OrderTerm{{Field: "name"}}}, "order", 0},
		{"four terms", ListQuery{Order: []OrderTerm{{Field: "name"}, {Field: "city"}, {Field: "zip"}, {Field: "id"}}}, "", DefaultLimit},
		{"five terms", ListQuery{Order: []OrderTerm{{Field: "name"}, {Field: "city"}, {Field: "zip"}, {Field: "id"}, {Field: "state"}}}, "order", 0},
		{"unknown field", ListQuery{Order: []OrderTerm{{Field: "company_name"}}}, "order", 0},
		{"object field", ListQuery{Order: []OrderTerm{{Field: "attributes"}}}, "order", 0},
		{"nullable field", ListQuery{Order: []OrderTerm{{Field: "charge_at"}}}, "order", 0},
	} {
		q := c.q
		err := q.Validate(PartnerListFields)
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field == "" && q.Limit != c.limit:
			t.Errorf("%s: limit %d after Validate, want %d", c.name, q.Limit, c.limit)
		case c.field != "":
			var he *Error
			if err == nil || !asError(err, &he) || he.Kind != Invalid || len(he.Fields) != 1 || he.Fields[0].Field != c.field {
				t.Errorf("%s: %v; want Invalid naming %s", c.name, err, c.field)
			}
		}
	}
	// Messages name an order field as the caller wrote it.
	q := ListQuery{Order: []OrderTerm{{Field: "charge_at", As: "chargeAt"}}}
	if err := q.Validate(PartnerListFields); err == nil || err.Error() != `order: cannot order by "chargeAt": it may be null` {
		t.Errorf("As: %v", err)
	}
}

func asError(err error, target **Error) bool {
	e, ok := err.(*Error)
	*target = e
	return ok
}

func TestListQueryCursorAndPageSize(t *testing.T) {
	if (&ListQuery{}).Cursor() || !(&ListQuery{Sent: SentAfter}).Cursor() || !(&ListQuery{Before: 3}).Cursor() {
		t.Error("Cursor")
	}
	if (&ListQuery{}).PageSize() != DefaultLimit || (&ListQuery{Limit: 5}).PageSize() != 5 {
		t.Error("PageSize")
	}
}

// TestListFieldsSortable: the vocabularies' sortable fields are the
// non-null scalars, and every resource can be ordered by id (its
// tie-breaker).
func TestListFieldsSortable(t *testing.T) {
	for name, fields := range map[string]ListFields{"partners": PartnerListFields, "clients": ClientListFields,
		"channels": ChannelListFields, "users": UserListFields, "api keys": APIKeyListFields, "tokens": TokenListFields, "audit": AuditListFields} {
		if !fields["id"].Sortable() {
			t.Errorf("%s: id is not sortable", name)
		}
	}
	if PartnerListFields["charge_at"].Sortable() || PartnerListFields["attributes"].Sortable() || !PartnerListFields["name"].Sortable() {
		t.Error("partner sortability")
	}
	if !PartnerListFields.Has("attributes.tier") || PartnerListFields.Has("name.x") || PartnerListFields.Has("company_name") {
		t.Error("Has")
	}
}

func TestRequirementAnyOf(t *testing.T) {
	for r, want := range map[Requirement][]string{
		NeedPartnersRead:   {ScopePartnersManage, ScopePartnersRead},
		NeedPartnersDelete: {ScopePartnersDelete, ScopePartnersManage},
		NeedUsersManage:    {ScopeUsersManage},
		NeedTokensManage:   {ScopeTokensManage},
		NeedAuditRead:      {ScopeAuditRead},
	} {
		if got := r.AnyOf(); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", r, got, want)
		}
		for _, s := range r.AnyOf() {
			if !ValidScope(s) || !(Principal{Scopes: []string{s}}).HasScope(string(r)) {
				t.Errorf("%s: scope %s listed but not a scope that meets it", r, s)
			}
		}
	}
}

func TestAvailableScopes(t *testing.T) {
	if got := AvailableScopes(&Partner{ID: 1}); !slices.Equal(got, AllScopes) {
		t.Errorf("root: %v", got)
	}
	want := RolePartnerSupervisor.Scopes()
	slices.Sort(want)
	if got := AvailableScopes(&Partner{ID: 2, ParentID: 1}); !slices.Equal(got, want) {
		t.Errorf("sub-partner: %v, want %v", got, want)
	}
}
