package isolation

import (
	"fmt"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// target is what one path parameter (or POST's parent_sid) names: a
// fixture partner, a fixture token, or nothing at all (missing).
type target struct {
	name    string
	sid     string
	partner *node        // set for partner targets
	token   *tokenTarget // set for token targets
	user    *user        // set for user targets (/api/v1/users/{user_id})
	client  *node        // set for client targets: the node whose client it is
}

// missing reports whether the target names nothing.
func (tg target) missing() bool {
	return tg.partner == nil && tg.token == nil && tg.user == nil && tg.client == nil
}

// visible reports whether c may see the target. A partner is visible when
// it lies in c's subtree (never to a client-level caller). A token is
// visible by the rule of hub.RevokeToken ("the caller's own, or that of a
// visible user the caller may manage (users.manage, rank). Any other
// token is NotFound"): c's own, or one whose owner c sees (caller.seesUser:
// for a client-level caller, a user of its own client) when c holds
// users.manage and the owner's role does not rank above c's.
func (tg target) visible(c *caller) bool {
	switch {
	case tg.partner != nil:
		return c.sees(tg.partner.p.Path)
	case tg.token != nil:
		owner := tg.token.owner.u
		if c.userID != 0 && c.userID == owner.ID {
			return true
		}
		return c.seesUser(owner) && c.holds(hub.ScopeUsersManage) && owner.Role.Rank() >= c.role.Rank()
	case tg.user != nil:
		return c.seesUser(tg.user.u)
	case tg.client != nil:
		// hub's seesClient: a client-level caller sees its own client,
		// any other caller the clients of its subtree's partners.
		if c.clientID != 0 {
			return c.clientID == tg.client.client.ID
		}
		return c.sees(tg.client.p.Path)
	}
	return false
}

// missingTarget names a random id that no object has.
func missingTarget(kind string) target {
	return target{name: "missing " + kind, sid: hub.NewSID()}
}

// partnerTargets are the six fixture partners and a missing one.
func (f *fixture) partnerTargets() []target {
	var out []target
	for _, n := range f.nodes {
		out = append(out, target{name: "partner " + n.name, sid: n.p.SID, partner: n})
	}
	return append(out, missingTarget("partner"))
}

// tokenTargets are a token of every fixture user and a missing one.
func (f *fixture) tokenTargets() []target {
	var out []target
	for _, tt := range f.tokens {
		home := tt.owner.home.name
		if tt.owner.client != nil {
			home += "/client"
		}
		name := fmt.Sprintf("token of %s (%s@%s)", tt.owner.u.Username, tt.owner.u.Role, home)
		out = append(out, target{name: name, sid: tt.sid, token: tt})
	}
	return append(out, missingTarget("token"))
}

// liveToken returns tg, or when tg's token has been revoked (by a caller
// allowed to), a fresh token of the same owner in its place: a revoked
// token cannot show that a refused DELETE revokes it, and the System
// Admins, who come first, revoke every token they are sent.
func (f *fixture) liveToken(tg target) target {
	f.t.Helper()
	tok, err := f.svc.Store().Token(f.ctx, tg.sid)
	if err != nil {
		f.t.Fatalf("read %s: %v", tg.name, err)
	}
	if tok.RevokedAt == nil {
		return tg
	}
	tt := f.targetToken(tg.token.owner)
	return target{name: tg.name, sid: tt.sid, token: tt}
}

// snapshot is the state of the target that a refused request must leave
// as it was: a partner's version, a token's revocation, and the number of
// audit rows in the subtree of the partner concerned (every hub write is
// audited there: a child created under it, a token issued at it, ...).
func (f *fixture) snapshot(tg target) string {
	f.t.Helper()
	var path, state string
	switch {
	case tg.partner != nil:
		p := f.partnerBySID(tg.partner.p.SID)
		if p == nil {
			f.t.Fatalf("%s is gone", tg.name)
		}
		path, state = p.Path, fmt.Sprintf("version %d", p.Version)
	case tg.token != nil:
		t, err := f.svc.Store().Token(f.ctx, tg.sid)
		if err != nil {
			f.t.Fatalf("read %s: %v", tg.name, err)
		}
		path, state = t.PartnerPath, fmt.Sprintf("revoked %v", t.RevokedAt != nil)
	case tg.user != nil:
		u, err := f.svc.Store().User(f.ctx, tg.user.u.ID)
		if err != nil {
			f.t.Fatalf("read %s: %v", tg.name, err)
		}
		path, state = u.OwnerPartnerPath, fmt.Sprintf("version %d", u.Version)
	case tg.client != nil:
		c, err := f.svc.Store().Client(f.ctx, tg.client.client.ID, "")
		if err != nil {
			f.t.Fatalf("%s is gone: %v", tg.name, err)
		}
		path, state = c.PartnerPath, fmt.Sprintf("version %d", c.Version)
	default:
		return ""
	}
	page, err := f.svc.Store().ListAudit(f.ctx, path, hub.ListQuery{Limit: 1})
	if err != nil {
		f.t.Fatalf("audit of %s: %v", tg.name, err)
	}
	return fmt.Sprintf("%s, %d audit rows", state, page.Total)
}
