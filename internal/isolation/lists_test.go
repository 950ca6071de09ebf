package isolation

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/internal/api/bluefin"
	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// listItem is what the matrix reads of a list item: the partner it
// belongs to, and for tokens the token's id.
type listItem struct {
	PartnerSID *string `json:"partner_sid"`
	TokenSID   *string `json:"token_sid"`
}

// list checks a GET route without parameters: every caller holding the
// scope gets 200 with an "items" array whose every item carries the
// partner_sid of a partner in the caller's subtree; the partner list is
// the whole subtree, and the token list only the caller's own tokens.
// Callers without the scope get 403.
func (f *fixture) list(t reporter, rt carrierx.Route) {
	t.Helper()
	id := routeID(rt)
	if strings.HasPrefix(rt.Pattern, bluefin.Prefix+"/") {
		f.bluefinList(t, rt)
		return
	}
	f.listAs(t, rt, "?limit=1000", func(c *caller, where string, got response) {
		var body struct {
			Items   []listItem `json:"items"`
			HasMore bool       `json:"has_more"`
		}
		if got.status != http.StatusOK || json.Unmarshal(got.body, &body) != nil || body.Items == nil {
			t.Errorf("%s: got %s; want 200 with an items array (a GET without parameters that is not a list is unknown to the isolation matrix)", where, got)
			return
		}
		if body.HasMore {
			t.Errorf("%s: more than 1000 items: the matrix would not see them all", where)
		}
		var sids []string
		for i, it := range body.Items {
			if it.PartnerSID == nil {
				t.Errorf("%s: item %d carries no partner_sid: the isolation matrix does not know whose it is", where, i)
				continue
			}
			sids = append(sids, *it.PartnerSID)
			p := f.partnerBySID(*it.PartnerSID)
			// A token shows the partner it acts at, and a client-level
			// caller's own tokens act at its client's owning partner
			// (hub.IssueToken homes a token where its principal is):
			// that partner, and only in the caller's own tokens
			// (checkOwnToken), is no leak of a partner the caller cannot
			// see.
			ownHome := id == tokensList && c.clientID != 0 && p != nil && p.ID == c.home.p.ID
			if p == nil || !(c.sees(p.Path) || ownHome) {
				t.Errorf("%s: item %d belongs to partner %s, outside the caller's subtree (%s)", where, i, *it.PartnerSID, c.home.name)
			}
			if id == tokensList {
				f.checkOwnToken(t, where, c, it.TokenSID, *it.PartnerSID)
			}
		}
		if id == "GET /core/v2/partners" {
			f.checkWholeSubtree(t, where, c, sids)
		}
	})
}

// listAs sends the list rt, with query, as every fixture caller: one
// without the route's scope must get 403; the answer to each other one,
// named where in findings, goes to served.
func (f *fixture) listAs(t reporter, rt httpapi.Route, query string, served func(c *caller, where string, got response)) {
	t.Helper()
	for _, c := range f.callers {
		got := f.do(c, request{method: http.MethodGet, path: rt.Pattern + query})
		where := "route " + routeID(rt) + ", caller " + c.name
		if !c.holds(rt.Scopes...) {
			if got.status != http.StatusForbidden {
				t.Errorf("%s: got %s; want 403: the role lacks %v", where, got, rt.Scopes)
			}
			continue
		}
		served(c, where, got)
	}
}

// tokensList is the route of the caller's own tokens.
const tokensList = "GET /core/v2/oauth/tokens"

// checkOwnToken fails unless sid names a token of c's user
// (hub.ListTokens: "the caller's own tokens"; a key has none) shown at
// the partner it is stored at.
func (f *fixture) checkOwnToken(t reporter, where string, c *caller, sid *string, partnerSID string) {
	t.Helper()
	if sid == nil {
		t.Errorf("%s: a token item without token_sid", where)
		return
	}
	tok, err := f.svc.Store().Token(f.ctx, *sid)
	if err != nil || c.userID == 0 || tok.UserID != c.userID {
		t.Errorf("%s: lists token %s, which is not the caller's own (err %v)", where, *sid, err)
		return
	}
	if p := f.partnerBySID(partnerSID); p == nil || p.ID != tok.PartnerID {
		t.Errorf("%s: lists token %s at partner %s; it is stored at partner id %d", where, *sid, partnerSID, tok.PartnerID)
	}
}

// checkWholeSubtree fails unless sids are exactly the partners of c's
// subtree as stored (none at all for a client-level caller).
func (f *fixture) checkWholeSubtree(t reporter, where string, c *caller, sids []string) {
	t.Helper()
	page, err := f.svc.Store().ListPartners(f.ctx, c.home.p.Path, hub.ListQuery{Limit: hub.MaxLimit})
	if err != nil {
		f.t.Fatal(err)
	}
	want := []string{}
	for _, p := range page.Items {
		if c.sees(p.Path) { // none for a client-level caller
			want = append(want, p.SID)
		}
	}
	slices.Sort(want)
	got := slices.Clone(sids)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("%s: lists %d partners; the subtree of %s has %d: got %v, want %v", where, len(got), c.home.name, len(want), got, want)
	}
}
