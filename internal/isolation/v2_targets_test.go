package isolation

import (
	"fmt"
	"strings"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// The /api/v2 matrix (TestIsolationMatrixV2): every route names a partner
// ({partner_id}) and possibly an object below it ({client_id}, {pcr_id},
// {api_key_id}). A target fills all of a route's parameters at once:
// a fixture partner with its client, one of its change requests seen
// from its source or its target side, or one of its API keys; or, for
// the missing-id answer, ids that name nothing.

// v2objects are the objects of the /api/v2 matrix beyond the fixture's
// tree: per partner one change request (its client to v2TargetOf) and
// one API key.
type v2objects struct {
	requests map[string]*hub.ChangeRequest // by the source node's name
	keys     map[string]int64              // key id by node name (replaced once revoked)
	phones   int                           // numbers handed out to channel creates
}

// v2TargetOf is the partner a node's change request moves its client to:
// U for every node but U, whose request goes to B. U and B are made
// active for it.
func v2TargetOf(n *node) string {
	if n.name == "U" {
		return "B"
	}
	return "U"
}

// v2target is what one request's path parameters name.
type v2target struct {
	name    string
	partner *node              // the path's partner; nil for the missing target
	client  *hub.Client        // {client_id}: the partner's client
	request *hub.ChangeRequest // {pcr_id}: a request of which the partner is the source or the target
	keyID   int64              // {api_key_id}: a key of the partner
}

func (tg v2target) missing() bool { return tg.partner == nil }

// fill substitutes the target's ids into a route pattern.
func (tg v2target) fill(pattern string) string {
	// Well-formed ids that name nothing: looked up, and not found.
	partner, client, pcr, key := "missingPartner"+hub.PartnerRefSuffix, "missingClient"+hub.ClientRefSuffix, "missingRequest"+hub.ChangeRequestRefSuffix, "987654321"
	if !tg.missing() {
		partner, client, key = tg.partner.p.Ref, tg.partner.client.Ref, fmt.Sprint(tg.keyID)
		if tg.request != nil {
			pcr = tg.request.Ref
		}
	}
	return strings.NewReplacer("{partner_id}", partner, "{client_id}", client, "{pcr_id}", pcr, "{api_key_id}", key).Replace(pattern)
}

// visible reports whether c may see what the target names on route
// pattern, by the hub's rules: a partner-level caller sees a partner of
// its subtree and everything the path names below it (the client, key
// and request of that partner); a client-level caller sees no partner,
// but may name its own client's partner for its own client
// (hub.ClientAt), on the routes with {client_id}.
func (tg v2target) visible(c *caller, pattern string) bool {
	switch {
	case tg.missing():
		return false
	case c.clientID != 0:
		return strings.Contains(pattern, "{client_id}") && tg.partner == c.home && tg.partner.client.ID == c.clientID
	}
	return c.sees(tg.partner.p.Path)
}

// targetSide reports whether c speaks for the target partner of the
// target's request (the target or an ancestor): only that side decides.
func (tg v2target) targetSide(c *caller) bool {
	return tg.request != nil && c.clientID == 0 && hub.PathContains(c.home.p.Path, tg.request.TargetPartnerPath)
}

// v2Targets are the targets of a route by the parameters it has.
func (f *fixture) v2Targets(pattern string, o *v2objects) []v2target {
	var out []v2target
	for _, n := range f.nodes {
		switch {
		case strings.Contains(pattern, "{pcr_id}"):
			// n's own request, seen from its source side, and the requests
			// into n, seen from their target side.
			out = append(out, v2target{name: "request of " + n.name + " at its source", partner: n, request: o.requests[n.name]})
			for _, src := range f.nodes {
				if r := o.requests[src.name]; r.TargetPartnerID == n.p.ID {
					out = append(out, v2target{name: "request of " + src.name + " at its target " + n.name, partner: n, request: r})
				}
			}
		case strings.Contains(pattern, "{api_key_id}"):
			out = append(out, v2target{name: "key of " + n.name, partner: n, keyID: o.keys[n.name]})
		default:
			out = append(out, v2target{name: "partner " + n.name, partner: n, client: n.client})
		}
	}
	return append(out, v2target{name: "missing ids"})
}

// v2State is what a refused request must leave as it was: the path
// partner's version and the audit rows of its subtree, the client's
// version, the request's status and version, the key's revocation.
func (f *fixture) v2State(tg v2target) string {
	f.t.Helper()
	if tg.missing() {
		return ""
	}
	st := f.svc.Store()
	p, err := st.Partner(f.ctx, hub.PartnerKey{ID: tg.partner.p.ID})
	if err != nil {
		f.t.Fatal(err)
	}
	audit, err := st.ListAudit(f.ctx, p.Path, hub.ListQuery{Limit: 1})
	if err != nil {
		f.t.Fatal(err)
	}
	out := fmt.Sprintf("partner v%d, %d audit rows", p.Version, audit.Total)
	if tg.client != nil {
		c, err := st.Client(f.ctx, tg.client.ID, "")
		if err != nil {
			f.t.Fatal(err)
		}
		out += fmt.Sprintf(", client v%d", c.Version)
	}
	if tg.request != nil {
		r, err := st.ChangeRequest(f.ctx, tg.request.ID, "")
		if err != nil {
			f.t.Fatal(err)
		}
		out += fmt.Sprintf(", request %s v%d", r.Status, r.Version)
	}
	if tg.keyID != 0 {
		k, err := st.APIKey(f.ctx, tg.keyID)
		if err != nil {
			f.t.Fatal(err)
		}
		out += fmt.Sprintf(", key revoked %v", k.RevokedAt != nil)
	}
	return out
}

// v2Setup makes U and B active (change request targets must be), and
// gives every fixture partner a change request of its client and an API
// key.
func (f *fixture) v2Setup() *v2objects {
	f.t.Helper()
	sys := hub.SystemPrincipal(f.nodes[0].p, "matrix")
	byName := map[string]*node{}
	for _, n := range f.nodes {
		byName[n.name] = n
	}
	for _, name := range []string{"U", "B"} {
		p, err := f.svc.UpdatePartner(f.ctx, sys, hub.PartnerKey{ID: byName[name].p.ID}, 0, func(p *hub.Partner) error { p.Status = hub.StatusActive; return nil })
		if err != nil {
			f.t.Fatalf("activate %s: %v", name, err)
		}
		byName[name].p = p
	}
	o := &v2objects{requests: map[string]*hub.ChangeRequest{}, keys: map[string]int64{}}
	for _, n := range f.nodes {
		r, err := f.svc.CreateChangeRequest(f.ctx, sys, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: n.client.ID, Target: hub.PartnerKey{Ref: byName[v2TargetOf(n)].p.Ref}})
		if err != nil {
			f.t.Fatalf("request of %s: %v", n.name, err)
		}
		o.requests[n.name] = r
		o.keys[n.name] = f.v2Key(n)
	}
	return o
}

// v2Key creates a key of n that no caller uses: a target to revoke.
func (f *fixture) v2Key(n *node) int64 {
	f.t.Helper()
	k, _, err := f.svc.CreateAPIKey(f.ctx, hub.SystemPrincipal(f.nodes[0].p, "matrix"),
		hub.NewAPIKeyRequest{PartnerID: n.p.ID, Name: "matrix target of " + n.name, Scopes: []string{hub.ScopePartnersRead}})
	if err != nil {
		f.t.Fatalf("key of %s: %v", n.name, err)
	}
	return k.ID
}

// liveKey returns tg, or when its key has been revoked (by a caller
// allowed to), tg with a fresh key of the same partner: a revoked key
// cannot show that a refused DELETE revokes it.
func (f *fixture) liveKey(tg v2target, o *v2objects) v2target {
	f.t.Helper()
	if tg.keyID == 0 {
		return tg
	}
	k, err := f.svc.Store().APIKey(f.ctx, tg.keyID)
	if err != nil {
		f.t.Fatal(err)
	}
	if k.RevokedAt != nil {
		tg.keyID = f.v2Key(tg.partner)
		o.keys[tg.partner.name] = tg.keyID
	}
	return tg
}
