package storetest

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testChangeRequestLists: a partner's incoming, outgoing and both lists,
// the client's own list, filters over the vocabulary (q included), the
// default order newest first, and cursor pages that neither skip nor
// repeat.
func testChangeRequestLists(t *testing.T, f *fixture) {
	a, b, x := f.activeChild(t, f.root, "A"), f.activeChild(t, f.root, "B"), f.activeChild(t, f.root, "X")
	var fromA, toA []*hub.ChangeRequest
	for i := range 5 {
		c, chs := f.clientWith(t, a, 1)
		in := hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: b.Ref}}
		if i%2 == 1 {
			in.Channels = []string{chs[0].Ref}
		}
		cr, err := f.svc.CreateChangeRequest(f.ctx, principal(a), hub.PartnerKey{}, in)
		if err != nil {
			t.Fatal(err)
		}
		fromA = append(fromA, cr)
	}
	for range 3 {
		c, _ := f.clientWith(t, b, 0)
		cr, err := f.svc.CreateChangeRequest(f.ctx, principal(b), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: a.Ref}})
		if err != nil {
			t.Fatal(err)
		}
		toA = append(toA, cr)
	}
	if _, err := f.svc.RejectChangeRequest(f.ctx, principal(a), hub.PartnerKey{}, toA[0].ID, ""); err != nil {
		t.Fatal(err)
	}
	list := func(pr hub.Principal, within hub.PartnerKey, dir hub.ChangeRequestDirection, q hub.ListQuery) hub.Page[hub.ChangeRequest] {
		t.Helper()
		page, err := f.svc.ListChangeRequests(f.ctx, pr, within, dir, q)
		if err != nil {
			t.Fatal(err)
		}
		return page
	}
	pa := principal(a)
	for _, tc := range []struct {
		dir  hub.ChangeRequestDirection
		want int64
	}{{hub.Outgoing, 5}, {hub.Incoming, 3}, {hub.Both, 8}, {0, 8}} {
		if got := list(pa, hub.PartnerKey{}, tc.dir, hub.ListQuery{}).Total; got != tc.want {
			t.Fatalf("direction %d: %d requests, want %d", tc.dir, got, tc.want)
		}
	}
	if got := list(principal(x), hub.PartnerKey{}, hub.Both, hub.ListQuery{}).Total; got != 0 {
		t.Fatalf("a stranger lists %d requests", got)
	}
	_, err := f.svc.ListChangeRequests(f.ctx, principal(x), hub.PartnerKey{ID: a.ID}, hub.Both, hub.ListQuery{})
	wantKind(t, err, hub.NotFound, "list an invisible partner's requests")
	_, err = f.svc.ListChangeRequests(f.ctx, pa, hub.PartnerKey{}, hub.ChangeRequestDirection(9), hub.ListQuery{})
	wantField(t, err, hub.Invalid, "direction", "an unknown direction")

	// Newest first by default: the last created comes first.
	all := list(pa, hub.PartnerKey{}, hub.Both, hub.ListQuery{Limit: 100})
	if all.Items[0].ID != toA[2].ID || all.Items[len(all.Items)-1].ID != fromA[0].ID {
		t.Fatalf("default order: first %s, last %s", all.Items[0].Ref, all.Items[len(all.Items)-1].Ref)
	}
	for i := 1; i < len(all.Items); i++ {
		p, q := all.Items[i-1], all.Items[i]
		if p.CreatedAt.Before(q.CreatedAt) || (p.CreatedAt.Equal(q.CreatedAt) && p.ID < q.ID) {
			t.Fatalf("not newest first at %d: %s then %s", i, p.Ref, q.Ref)
		}
	}

	// Filters in the domain's names.
	for _, tc := range []struct {
		filter string
		want   int64
	}{
		{`status eq rejected`, 1},
		{`status eq created`, 7},
		{`is_full_migration eq false`, 2},
		{`target_partner_ref eq "` + a.Ref + `"`, 3},
		{`source_client_ref eq "` + fromA[3].SourceClientRef + `"`, 1},
		{`ref eq "` + fromA[1].Ref + `"`, 1},
		{`target_client_id eq 0`, 2},
		{`q ilike "%` + fromA[2].Ref[2:8] + `%"`, 1},
		// Only the names of A's own clients: those of B's clients,
		// which A cannot see, never match (see ChangeRequestSearch).
		{`q ilike "%client-%"`, 5},
	} {
		page := list(pa, hub.PartnerKey{}, hub.Both, hub.ListQuery{Filter: mustParse(t, tc.filter)})
		if page.Total != tc.want {
			t.Fatalf("%s: %d, want %d", tc.filter, page.Total, tc.want)
		}
	}
	_, err = f.svc.ListChangeRequests(f.ctx, pa, hub.PartnerKey{}, hub.Both, hub.ListQuery{Filter: mustParse(t, `name eq x`)})
	wantField(t, err, hub.Invalid, "filter", "an unknown filter field")
	_, err = f.svc.ListChangeRequests(f.ctx, pa, hub.PartnerKey{}, hub.Both, hub.ListQuery{Order: []hub.OrderTerm{{Field: "nope"}}})
	wantField(t, err, hub.Invalid, "order", "an unknown order field")

	// Cursor pages of 3 in the default order see every request once.
	seen := map[int64]bool{}
	q := hub.ListQuery{Limit: 3}
	for {
		page := list(pa, hub.PartnerKey{}, hub.Both, q)
		for _, cr := range page.Items {
			if seen[cr.ID] {
				t.Fatalf("request %s on two pages", cr.Ref)
			}
			seen[cr.ID] = true
		}
		if !page.HasMore {
			break
		}
		q.After = page.Items[len(page.Items)-1].ID
	}
	if len(seen) != 8 {
		t.Fatalf("pages saw %d requests, want 8", len(seen))
	}

	// A client's admin lists its client's requests only.
	c := clientOf(t, f, fromA[0])
	page := list(clientPrincipal(c), hub.PartnerKey{}, hub.Both, hub.ListQuery{})
	if page.Total != 1 || page.Items[0].ID != fromA[0].ID {
		t.Fatalf("client's list: %+v", page)
	}
	_, err = f.svc.ListChangeRequests(f.ctx, clientPrincipal(c), hub.PartnerKey{ID: a.ID}, hub.Both, hub.ListQuery{})
	wantKind(t, err, hub.NotFound, "a client's admin naming a partner")
}

// clientOf reads the source client of cr.
func clientOf(t *testing.T, f *fixture, cr *hub.ChangeRequest) *hub.Client {
	t.Helper()
	c, err := f.svc.Client(f.ctx, f.sys, cr.SourceClientID, "")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// testChangeRequestSearch: q matches a source client's name only for a
// caller who may see that client (its partner's subtree, or the client's
// own user); the target side cannot probe the names of clients it cannot
// see, and still finds a request by the refs it is shown.
func testChangeRequestSearch(t *testing.T, f *fixture) {
	a, b := f.activeChild(t, f.root, "A"), f.activeChild(t, f.root, "B")
	c, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "Hidden Widgets", PartnerID: b.ID})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := f.svc.CreateChangeRequest(f.ctx, principal(b), hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: a.Ref}})
	if err != nil {
		t.Fatal(err)
	}
	count := func(pr hub.Principal, within hub.PartnerKey, dir hub.ChangeRequestDirection, filter string) int64 {
		t.Helper()
		page, err := f.svc.ListChangeRequests(f.ctx, pr, within, dir, hub.ListQuery{Filter: mustParse(t, filter)})
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(page.Items)) != page.Total {
			t.Fatalf("%s: %d items, total %d", filter, len(page.Items), page.Total)
		}
		return page.Total
	}
	for _, tc := range []struct {
		who    string
		pr     hub.Principal
		within hub.PartnerKey
		dir    hub.ChangeRequestDirection
		filter string
		want   int64
	}{
		{"the target probing the name", principal(a), hub.PartnerKey{}, hub.Incoming, `q ilike "%Hidden%"`, 0},
		{"the target probing the name, both directions", principal(a), hub.PartnerKey{}, hub.Both, `q ilike "%widgets%"`, 0},
		{"the target by the request's ref", principal(a), hub.PartnerKey{}, hub.Incoming, `q ilike "%` + cr.Ref[2:10] + `%"`, 1},
		{"the target by the client's ref", principal(a), hub.PartnerKey{}, hub.Incoming, `q ilike "%` + cr.SourceClientRef + `%"`, 1},
		{"the source by the name", principal(b), hub.PartnerKey{}, hub.Outgoing, `q ilike "%Hidden%"`, 1},
		{"the root by the name, in A's list", f.sys, hub.PartnerKey{ID: a.ID}, hub.Incoming, `q ilike "%hidden widgets%"`, 1},
		{"the client's own user by the name", clientPrincipal(c), hub.PartnerKey{}, hub.Both, `q ilike "%Hidden%"`, 1},
	} {
		if got := count(tc.pr, tc.within, tc.dir, tc.filter); got != tc.want {
			t.Errorf("%s (%s): %d, want %d", tc.who, tc.filter, got, tc.want)
		}
	}
}
