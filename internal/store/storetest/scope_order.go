package storetest

import (
	"fmt"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// testScopeOrder checks the one order of checks of every Service
// operation that names an object: visibility first, then the scope. A
// caller without any scope gets NotFound for an object outside its
// subtree (exactly as for a missing one) and Forbidden for one inside
// it, for reads and writes alike; nothing changes either way.
func testScopeOrder(t *testing.T, f *fixture) {
	a := f.child(t, f.root, "A")
	a1 := f.child(t, a, "A1")
	b := f.child(t, f.root, "B")
	b1 := f.child(t, b, "B1")
	ca, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "ca", PartnerID: a1.ID})
	if err != nil {
		t.Fatal(err)
	}
	cb, err := f.svc.CreateClient(f.ctx, f.sys, &hub.Client{Name: "cb", PartnerID: b1.ID})
	if err != nil {
		t.Fatal(err)
	}
	cha, err := f.svc.CreateChannel(f.ctx, f.sys, &hub.Channel{ClientID: ca.ID, PhoneNumber: "+14155550181"})
	if err != nil {
		t.Fatal(err)
	}
	chb, err := f.svc.CreateChannel(f.ctx, f.sys, &hub.Channel{ClientID: cb.ID, PhoneNumber: "+14155550182"})
	if err != nil {
		t.Fatal(err)
	}
	self := f.mustUser(t, f.newUser("order-self", hub.RolePartnerSupervisor, a.ID, 0), "")
	ua := f.mustUser(t, f.newUser("order-ua", hub.RolePartnerUser, a1.ID, 0), "")
	ub := f.mustUser(t, f.newUser("order-ub", hub.RolePartnerUser, b1.ID, 0), "")
	key := func(p *hub.Partner) int64 {
		k, _, err := f.svc.CreateAPIKey(f.ctx, f.sys, hub.NewAPIKeyRequest{PartnerID: p.ID, Name: "order", Scopes: []string{hub.ScopePartnersRead}})
		if err != nil {
			t.Fatal(err)
		}
		return k.ID
	}
	ka, kb := key(a1), key(b1)
	token := func(u *hub.User) string {
		pr, _, err := f.svc.UserPrincipal(f.ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		it, err := f.svc.IssueToken(f.ctx, pr, hub.TokenRequest{})
		if err != nil {
			t.Fatal(err)
		}
		return it.Token.SID
	}
	ownToken, otherToken := token(self), token(ub)
	// Change requests of a client in each subtree, to an active partner
	// of the same subtree.
	ta, tb := f.activeChild(t, a, "TA"), f.activeChild(t, b, "TB")
	request := func(c *hub.Client, target *hub.Partner) *hub.ChangeRequest {
		cr, err := f.svc.CreateChangeRequest(f.ctx, f.sys, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: target.Ref}})
		if err != nil {
			t.Fatal(err)
		}
		return cr
	}
	cra, crb := request(ca, ta), request(cb, tb)
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: a1.ID}, 0, func(p *hub.Partner) error { p.OwnerEmail = "o@a1.test"; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.UpdatePartner(f.ctx, f.sys, hub.PartnerKey{ID: b1.ID}, 0, func(p *hub.Partner) error { p.OwnerEmail = "o@b1.test"; return nil }); err != nil {
		t.Fatal(err)
	}

	// The caller: a user homed at A, holding no scope at all.
	none := principal(a)
	none.UserID, none.Scopes = self.ID, nil

	rename := func(p *hub.Partner) error { p.Name = "renamed"; return nil }
	ops := []struct {
		name               string
		visible, invisible func() error
	}{
		{name: "Partner",
			visible:   func() error { _, err := f.svc.Partner(f.ctx, none, hub.PartnerKey{ID: a1.ID}); return err },
			invisible: func() error { _, err := f.svc.Partner(f.ctx, none, hub.PartnerKey{ID: b1.ID}); return err }},
		{name: "ListPartners within",
			visible: func() error {
				_, err := f.svc.ListPartners(f.ctx, none, hub.PartnerKey{ID: a1.ID}, hub.ListQuery{})
				return err
			},
			invisible: func() error {
				_, err := f.svc.ListPartners(f.ctx, none, hub.PartnerKey{ID: b1.ID}, hub.ListQuery{})
				return err
			}},
		{name: "CreatePartner under",
			visible: func() error {
				_, err := f.svc.CreatePartner(f.ctx, none, &hub.Partner{Name: "x", ParentID: a1.ID})
				return err
			},
			invisible: func() error {
				_, err := f.svc.CreatePartner(f.ctx, none, &hub.Partner{Name: "x", ParentID: b1.ID})
				return err
			}},
		{name: "VisibleParent",
			visible:   func() error { _, err := f.svc.VisibleParent(f.ctx, none, hub.PartnerKey{ID: a1.ID}); return err },
			invisible: func() error { _, err := f.svc.VisibleParent(f.ctx, none, hub.PartnerKey{ID: b1.ID}); return err }},
		{name: "UpdatePartner",
			visible: func() error {
				_, err := f.svc.UpdatePartner(f.ctx, none, hub.PartnerKey{ID: a1.ID}, 0, rename)
				return err
			},
			invisible: func() error {
				_, err := f.svc.UpdatePartner(f.ctx, none, hub.PartnerKey{ID: b1.ID}, 0, rename)
				return err
			}},
		{name: "MovePartner",
			visible:   func() error { _, err := f.svc.MovePartner(f.ctx, none, hub.PartnerKey{ID: a1.ID}, a.ID, 0); return err },
			invisible: func() error { _, err := f.svc.MovePartner(f.ctx, none, hub.PartnerKey{ID: b1.ID}, a.ID, 0); return err }},
		{name: "DeactivatePartner",
			visible:   func() error { _, err := f.svc.DeactivatePartner(f.ctx, none, hub.PartnerKey{ID: a1.ID}); return err },
			invisible: func() error { _, err := f.svc.DeactivatePartner(f.ctx, none, hub.PartnerKey{ID: b1.ID}); return err }},
		{name: "DeletePartner",
			visible:   func() error { return f.svc.DeletePartner(f.ctx, none, hub.PartnerKey{ID: a1.ID}) },
			invisible: func() error { return f.svc.DeletePartner(f.ctx, none, hub.PartnerKey{ID: b1.ID}) }},
		{name: "RequestEmailVerification",
			visible: func() error {
				_, err := f.svc.RequestEmailVerification(f.ctx, none, hub.PartnerKey{ID: a1.ID}, hub.EmailFieldOwner)
				return err
			},
			invisible: func() error {
				_, err := f.svc.RequestEmailVerification(f.ctx, none, hub.PartnerKey{ID: b1.ID}, hub.EmailFieldOwner)
				return err
			}},
		{name: "Client",
			visible:   func() error { _, err := f.svc.Client(f.ctx, none, ca.ID, ""); return err },
			invisible: func() error { _, err := f.svc.Client(f.ctx, none, cb.ID, ""); return err }},
		{name: "CreateClient at",
			visible: func() error {
				_, err := f.svc.CreateClient(f.ctx, none, &hub.Client{Name: "x", PartnerID: a1.ID})
				return err
			},
			invisible: func() error {
				_, err := f.svc.CreateClient(f.ctx, none, &hub.Client{Name: "x", PartnerID: b1.ID})
				return err
			}},
		{name: "UpdateClient",
			visible: func() error {
				_, err := f.svc.UpdateClient(f.ctx, none, ca.ID, "", 0, func(c *hub.Client) error { c.Name = "y"; return nil })
				return err
			},
			invisible: func() error {
				_, err := f.svc.UpdateClient(f.ctx, none, cb.ID, "", 0, func(c *hub.Client) error { c.Name = "y"; return nil })
				return err
			}},
		{name: "Channel",
			visible:   func() error { _, err := f.svc.Channel(f.ctx, none, cha.ID, ""); return err },
			invisible: func() error { _, err := f.svc.Channel(f.ctx, none, chb.ID, ""); return err }},
		{name: "CreateChannel for",
			visible: func() error {
				_, err := f.svc.CreateChannel(f.ctx, none, &hub.Channel{ClientID: ca.ID, PhoneNumber: "+14155550183"})
				return err
			},
			invisible: func() error {
				_, err := f.svc.CreateChannel(f.ctx, none, &hub.Channel{ClientID: cb.ID, PhoneNumber: "+14155550184"})
				return err
			}},
		{name: "UpdateChannel",
			visible: func() error {
				_, err := f.svc.UpdateChannel(f.ctx, none, cha.ID, "", 0, func(c *hub.Channel) error { c.AccountMode = "live"; return nil })
				return err
			},
			invisible: func() error {
				_, err := f.svc.UpdateChannel(f.ctx, none, chb.ID, "", 0, func(c *hub.Channel) error { c.AccountMode = "live"; return nil })
				return err
			}},
		{name: "User",
			visible:   func() error { _, err := f.svc.User(f.ctx, none, ua.ID); return err },
			invisible: func() error { _, err := f.svc.User(f.ctx, none, ub.ID); return err }},
		{name: "CreateUser at",
			visible: func() error {
				_, err := f.svc.CreateUser(f.ctx, none, f.newUser("order-new-a", hub.RolePartnerUser, a1.ID, 0), "")
				return err
			},
			invisible: func() error {
				_, err := f.svc.CreateUser(f.ctx, none, f.newUser("order-new-b", hub.RolePartnerUser, b1.ID, 0), "")
				return err
			}},
		{name: "UpdateUser",
			visible: func() error {
				_, err := f.svc.UpdateUser(f.ctx, none, ua.ID, 0, func(u *hub.User) error { u.FirstName = "x"; return nil })
				return err
			},
			invisible: func() error {
				_, err := f.svc.UpdateUser(f.ctx, none, ub.ID, 0, func(u *hub.User) error { u.FirstName = "x"; return nil })
				return err
			}},
		{name: "DeactivateUser",
			visible:   func() error { _, err := f.svc.DeactivateUser(f.ctx, none, ua.ID); return err },
			invisible: func() error { _, err := f.svc.DeactivateUser(f.ctx, none, ub.ID); return err }},
		{name: "SetPassword",
			visible:   func() error { return f.svc.SetPassword(f.ctx, none, ua.ID, "another password 1") },
			invisible: func() error { return f.svc.SetPassword(f.ctx, none, ub.ID, "another password 1") }},
		{name: "CreateAPIKey at",
			visible: func() error {
				_, _, err := f.svc.CreateAPIKey(f.ctx, none, hub.NewAPIKeyRequest{PartnerID: a1.ID, Name: "x"})
				return err
			},
			invisible: func() error {
				_, _, err := f.svc.CreateAPIKey(f.ctx, none, hub.NewAPIKeyRequest{PartnerID: b1.ID, Name: "x"})
				return err
			}},
		{name: "ListAPIKeys within",
			visible: func() error {
				_, err := f.svc.ListAPIKeys(f.ctx, none, hub.PartnerKey{ID: a1.ID}, hub.ListQuery{})
				return err
			},
			invisible: func() error {
				_, err := f.svc.ListAPIKeys(f.ctx, none, hub.PartnerKey{ID: b1.ID}, hub.ListQuery{})
				return err
			}},
		{name: "RevokeAPIKey",
			visible:   func() error { _, err := f.svc.RevokeAPIKey(f.ctx, none, ka); return err },
			invisible: func() error { _, err := f.svc.RevokeAPIKey(f.ctx, none, kb); return err }},
		{name: "IssueTokenForPartner",
			visible: func() error {
				_, err := f.svc.IssueTokenForPartner(f.ctx, none, hub.PartnerKey{ID: a1.ID}, hub.TokenRequest{})
				return err
			},
			invisible: func() error {
				_, err := f.svc.IssueTokenForPartner(f.ctx, none, hub.PartnerKey{ID: b1.ID}, hub.TokenRequest{})
				return err
			}},
		{name: "OwnToken",
			visible:   func() error { _, err := f.svc.OwnToken(f.ctx, none, ownToken); return err },
			invisible: func() error { _, err := f.svc.OwnToken(f.ctx, none, otherToken); return err }},
		{name: "ResolvePartner by id",
			visible: func() error {
				_, err := f.svc.ResolvePartner(f.ctx, none, hub.PartnerRef{ID: a1.ID}, hub.NeedPartnersRead)
				return err
			},
			invisible: func() error {
				_, err := f.svc.ResolvePartner(f.ctx, none, hub.PartnerRef{ID: b1.ID}, hub.NeedPartnersRead)
				return err
			}},
		{name: "ResolvePartner by name",
			visible: func() error {
				_, err := f.svc.ResolvePartner(f.ctx, none, hub.PartnerRef{Name: "A1"}, hub.NeedPartnersRead)
				return err
			},
			invisible: func() error {
				_, err := f.svc.ResolvePartner(f.ctx, none, hub.PartnerRef{Name: "B1"}, hub.NeedPartnersRead)
				return err
			}},
		{name: "ResolveClient",
			visible: func() error {
				_, err := f.svc.ResolveClient(f.ctx, none, hub.ClientRef{Name: "ca"}, hub.NeedClientsRead)
				return err
			},
			invisible: func() error {
				_, err := f.svc.ResolveClient(f.ctx, none, hub.ClientRef{Name: "cb"}, hub.NeedClientsRead)
				return err
			}},
		{name: "CreateClientWithContact at",
			visible: func() error {
				_, err := f.svc.CreateClientWithContact(f.ctx, none, &hub.Client{Name: "x", PartnerID: a1.ID}, &hub.ClientContact{Username: "order-cc-a"})
				return err
			},
			invisible: func() error {
				_, err := f.svc.CreateClientWithContact(f.ctx, none, &hub.Client{Name: "x", PartnerID: b1.ID}, &hub.ClientContact{Username: "order-cc-b"})
				return err
			}},
		{name: "DeleteClient",
			visible:   func() error { return f.svc.DeleteClient(f.ctx, none, ca.ID) },
			invisible: func() error { return f.svc.DeleteClient(f.ctx, none, cb.ID) }},
		{name: "CheckNewUser at",
			visible:   func() error { return f.svc.CheckNewUser(f.ctx, none, a1.ID, 0, hub.RolePartnerUser) },
			invisible: func() error { return f.svc.CheckNewUser(f.ctx, none, b1.ID, 0, hub.RolePartnerUser) }},
		{name: "UpdateUserWithPassword",
			visible: func() error {
				_, err := f.svc.UpdateUserWithPassword(f.ctx, none, ua.ID, 0, func(u *hub.User) error { u.FirstName = "x"; return nil }, "another password 1")
				return err
			},
			invisible: func() error {
				_, err := f.svc.UpdateUserWithPassword(f.ctx, none, ub.ID, 0, func(u *hub.User) error { u.FirstName = "x"; return nil }, "another password 1")
				return err
			}},
		{name: "RevokeToken",
			visible:   func() error { _, err := f.svc.RevokeToken(f.ctx, none, ownToken); return err },
			invisible: func() error { _, err := f.svc.RevokeToken(f.ctx, none, otherToken); return err }},
		{name: "ChangeRequest",
			visible:   func() error { _, err := f.svc.ChangeRequest(f.ctx, none, hub.PartnerKey{}, cra.ID, ""); return err },
			invisible: func() error { _, err := f.svc.ChangeRequest(f.ctx, none, hub.PartnerKey{}, crb.ID, ""); return err }},
		{name: "ListChangeRequests within",
			visible: func() error {
				_, err := f.svc.ListChangeRequests(f.ctx, none, hub.PartnerKey{ID: a1.ID}, hub.Both, hub.ListQuery{})
				return err
			},
			invisible: func() error {
				_, err := f.svc.ListChangeRequests(f.ctx, none, hub.PartnerKey{ID: b1.ID}, hub.Both, hub.ListQuery{})
				return err
			}},
		{name: "CreateChangeRequest for",
			visible: func() error {
				_, err := f.svc.CreateChangeRequest(f.ctx, none, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: ca.ID, Target: hub.PartnerKey{Ref: tb.Ref}})
				return err
			},
			invisible: func() error {
				_, err := f.svc.CreateChangeRequest(f.ctx, none, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: cb.ID, Target: hub.PartnerKey{Ref: ta.Ref}})
				return err
			}},
		{name: "ApproveChangeRequest",
			visible: func() error {
				_, err := f.svc.ApproveChangeRequest(f.ctx, none, hub.PartnerKey{}, cra.ID, "")
				return err
			},
			invisible: func() error {
				_, err := f.svc.ApproveChangeRequest(f.ctx, none, hub.PartnerKey{}, crb.ID, "")
				return err
			}},
		{name: "RejectChangeRequest",
			visible: func() error {
				_, err := f.svc.RejectChangeRequest(f.ctx, none, hub.PartnerKey{}, 0, cra.Ref)
				return err
			},
			invisible: func() error {
				_, err := f.svc.RejectChangeRequest(f.ctx, none, hub.PartnerKey{}, 0, crb.Ref)
				return err
			}},
		{name: "ChangeRequestSettings",
			visible: func() error {
				_, err := f.svc.ChangeRequestSettings(f.ctx, none, hub.PartnerKey{ID: ta.ID})
				return err
			},
			invisible: func() error {
				_, err := f.svc.ChangeRequestSettings(f.ctx, none, hub.PartnerKey{ID: tb.ID})
				return err
			}},
		{name: "SetChangeRequestAutoApprove",
			visible: func() error {
				_, err := f.svc.SetChangeRequestAutoApprove(f.ctx, none, hub.PartnerKey{ID: ta.ID}, true)
				return err
			},
			invisible: func() error {
				_, err := f.svc.SetChangeRequestAutoApprove(f.ctx, none, hub.PartnerKey{ID: tb.ID}, true)
				return err
			}},
		{name: "SetPartnerWebhook",
			visible: func() error {
				_, _, err := f.svc.SetPartnerWebhook(f.ctx, none, hub.PartnerKey{ID: a1.ID}, "not a URL")
				return err
			},
			invisible: func() error {
				_, _, err := f.svc.SetPartnerWebhook(f.ctx, none, hub.PartnerKey{ID: b1.ID}, "not a URL")
				return err
			}},
		{name: "RotateWebhookSecret",
			visible:   func() error { _, err := f.svc.RotateWebhookSecret(f.ctx, none, hub.PartnerKey{ID: a1.ID}); return err },
			invisible: func() error { _, err := f.svc.RotateWebhookSecret(f.ctx, none, hub.PartnerKey{ID: b1.ID}); return err }},
		{name: "ListWebhookDeliveries",
			visible: func() error {
				_, err := f.svc.ListWebhookDeliveries(f.ctx, none, hub.PartnerKey{ID: a1.ID}, hub.ListQuery{})
				return err
			},
			invisible: func() error {
				_, err := f.svc.ListWebhookDeliveries(f.ctx, none, hub.PartnerKey{ID: b1.ID}, hub.ListQuery{})
				return err
			}},
		// The variants for faces whose paths name the partner by ref.
		{name: "ClientAt",
			visible: func() error {
				_, err := f.svc.ClientAt(f.ctx, none, hub.PartnerKey{Ref: a1.Ref}, 0, ca.Ref)
				return err
			},
			invisible: func() error {
				_, err := f.svc.ClientAt(f.ctx, none, hub.PartnerKey{Ref: b1.Ref}, 0, cb.Ref)
				return err
			}},
		{name: "UpdateClientAt",
			visible: func() error {
				_, err := f.svc.UpdateClientAt(f.ctx, none, hub.PartnerKey{Ref: a1.Ref}, 0, ca.Ref, 0, func(c *hub.Client) error { c.Name = "y"; return nil })
				return err
			},
			invisible: func() error {
				_, err := f.svc.UpdateClientAt(f.ctx, none, hub.PartnerKey{Ref: b1.Ref}, 0, cb.Ref, 0, func(c *hub.Client) error { c.Name = "y"; return nil })
				return err
			}},
		{name: "CreateClientAt",
			visible: func() error {
				_, err := f.svc.CreateClientAt(f.ctx, none, hub.PartnerKey{Ref: a1.Ref}, &hub.Client{Name: "x"})
				return err
			},
			invisible: func() error {
				_, err := f.svc.CreateClientAt(f.ctx, none, hub.PartnerKey{Ref: b1.Ref}, &hub.Client{Name: "x"})
				return err
			}},
		{name: "CreateChannelAt",
			visible: func() error {
				_, err := f.svc.CreateChannelAt(f.ctx, none, hub.PartnerKey{Ref: a1.Ref}, 0, ca.Ref, &hub.Channel{PhoneNumber: "+14155550185"})
				return err
			},
			invisible: func() error {
				_, err := f.svc.CreateChannelAt(f.ctx, none, hub.PartnerKey{Ref: b1.Ref}, 0, cb.Ref, &hub.Channel{PhoneNumber: "+14155550186"})
				return err
			}},
		{name: "ListPartnerAPIKeys",
			visible: func() error {
				_, err := f.svc.ListPartnerAPIKeys(f.ctx, none, hub.PartnerKey{Ref: a1.Ref}, hub.ListQuery{})
				return err
			},
			invisible: func() error {
				_, err := f.svc.ListPartnerAPIKeys(f.ctx, none, hub.PartnerKey{Ref: b1.Ref}, hub.ListQuery{})
				return err
			}},
		{name: "RevokePartnerAPIKey",
			visible: func() error {
				_, err := f.svc.RevokePartnerAPIKey(f.ctx, none, hub.PartnerKey{Ref: a1.Ref}, ka)
				return err
			},
			invisible: func() error {
				_, err := f.svc.RevokePartnerAPIKey(f.ctx, none, hub.PartnerKey{Ref: b1.Ref}, kb)
				return err
			}},
		{name: "CheckPartnerWebhook",
			visible: func() error {
				return f.svc.CheckPartnerWebhook(f.ctx, none, hub.PartnerKey{Ref: a1.Ref}, "not a URL")
			},
			invisible: func() error {
				return f.svc.CheckPartnerWebhook(f.ctx, none, hub.PartnerKey{Ref: b1.Ref}, "not a URL")
			}},
	}
	before := fmt.Sprint(f.get(t, a1.ID).Version, f.get(t, b1.ID).Version)
	for _, op := range ops {
		wantKind(t, op.invisible(), hub.NotFound, op.name+": an invisible object without the scope")
		wantKind(t, op.visible(), hub.Forbidden, op.name+": a visible object without the scope")
	}
	if after := fmt.Sprint(f.get(t, a1.ID).Version, f.get(t, b1.ID).Version); after != before {
		t.Fatalf("refused calls changed a partner: versions %s, then %s", before, after)
	}
	if k, err := f.svc.Store().APIKey(f.ctx, ka); err != nil || k.RevokedAt != nil {
		t.Fatalf("a refused revocation revoked the key: %+v %v", k, err)
	}
	if tok, err := f.svc.Store().Token(f.ctx, ownToken); err != nil || tok.RevokedAt != nil {
		t.Fatalf("a refused revocation revoked the token: %+v %v", tok, err)
	}
	if u, err := f.svc.Store().User(f.ctx, ua.ID); err != nil || !u.Active || u.FirstName != "First" {
		t.Fatalf("a refused call changed the user: %+v %v", u, err)
	}
	for _, cr := range []*hub.ChangeRequest{cra, crb} {
		if got, err := f.svc.Store().ChangeRequest(f.ctx, cr.ID, ""); err != nil || got.Version != cr.Version || got.Status != hub.ChangeRequestCreated {
			t.Fatalf("a refused call changed change request %s: %+v %v", cr.Ref, got, err)
		}
	}
	for _, p := range []*hub.Partner{ta, tb} {
		if s, err := f.svc.Store().ChangeRequestSettings(f.ctx, p.ID); err != nil || s.AutoApprove {
			t.Fatalf("a refused call changed %s's settings: %+v %v", p.Name, s, err)
		}
		if secret, err := f.svc.Store().WebhookSecret(f.ctx, p.ID); err != nil || secret != "" {
			t.Fatalf("a refused call gave %s a webhook secret: %v", p.Name, err)
		}
	}
}
