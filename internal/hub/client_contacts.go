package hub

import "context"

// ClientContact is the user created together with a client as its contact
// (Bluefin's inline contact): a client-level user of the new client.
type ClientContact struct {
	Username  string
	Password  string // "" : the user cannot log in until one is set
	FirstName string
	LastName  string
	Email     string
	Phone     string // E.164
	// Role is RoleClientAdmin (the default, for "") or RoleClientUser.
	Role     Role
	Inactive bool
	// WelcomeEmail records that the request asked for a welcome e-mail
	// (see User.WelcomeEmail).
	WelcomeEmail bool
}

// CreateClientWithContact creates a client and its contact user in one
// transaction (nothing is created when anything fails) and links the user
// as the client's contact. The order of checks: the owning partner
// in.PartnerID must be visible (else NotFound); the caller needs
// NeedClientsManage and NeedUsersManage, and the contact's role may not
// rank above the caller's (else Forbidden); then the client and the user
// must be valid (Invalid naming the field: the client's, or the user's
// username, first_name, last_name, email, phone, role, password); a taken
// username is a Conflict naming "username".
func (s *Service) CreateClientWithContact(ctx context.Context, pr Principal, in *Client, contact *ClientContact) (*Client, error) {
	c := *in
	now := s.now()
	c.ID, c.Ref, c.Version, c.CreatedAt, c.ModifiedAt = 0, NewRef(ClientRefSuffix), 1, now, now
	c.CreatedBy, c.ModifiedBy, c.ContactUserID = pr.Actor, pr.Actor, 0
	if c.Status == "" {
		c.Status = ClientActive
	}
	c.normalize()
	role := contact.Role
	if role == "" {
		role = RoleClientAdmin
	}
	u := User{Username: contact.Username, FirstName: contact.FirstName, LastName: contact.LastName, Email: contact.Email,
		Phone: contact.Phone, Role: role, Active: !contact.Inactive, Version: 1, CreatedAt: now, ModifiedAt: now,
		WelcomeEmail: contact.WelcomeEmail}
	// Checked before the (slow) hash, and again in the transaction.
	check := func(r Reader) (*Partner, error) {
		owner, err := s.visiblePartner(ctx, r, pr, PartnerKey{ID: c.PartnerID}, "partner")
		if err != nil {
			return nil, err
		}
		if err := pr.require(NeedClientsManage); err != nil {
			return nil, err
		}
		if err := pr.require(NeedUsersManage); err != nil {
			return nil, err
		}
		if pr.outranks(role) {
			return nil, Errorf(Forbidden, "cannot grant the role %q, which ranks above your own", role)
		}
		var ch checker
		if err := validateClient(&c); err != nil {
			ch.fields = append(ch.fields, err.(*Error).Fields...)
		}
		var uc checker
		uc.user(&u, nil)
		for _, f := range uc.fields {
			if f.Field != "partner" && f.Field != "client" { // its home is the new client
				ch.fields = append(ch.fields, f)
			}
		}
		if u.Role.Valid() && !u.Role.IsClientLevel() {
			ch.add("role", "a client's contact is a Client Admin or a Client User")
		}
		return owner, ch.err()
	}
	if _, err := check(s.store); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(contact.Password, true)
	if err != nil {
		return nil, err
	}
	err = s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		owner, err := check(tx)
		if err != nil {
			return err
		}
		c.PartnerPath = owner.Path
		if err := tx.InsertClient(ctx, &c); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, pr, "create", "client", idString(c.ID), c.PartnerID, c.PartnerPath, nil, &c); err != nil {
			return err
		}
		u.ClientID, u.OwnerPartnerID, u.OwnerPartnerPath = c.ID, owner.ID, owner.Path
		if err := tx.InsertUser(ctx, &u, hash); err != nil {
			if IsKind(err, Conflict) {
				return fieldConflict("username", "is already taken")
			}
			return err
		}
		if err := s.audit(ctx, tx, pr, "create", "user", idString(u.ID), owner.ID, owner.Path, nil, &u); err != nil {
			return err
		}
		// The user needs the client row first; linking it back completes
		// the new client, still at version 1.
		c.ContactUserID = u.ID
		return tx.SetClientContact(ctx, c.ID, u.ID)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// DeleteClient deletes a client that has no channels, with its users (a
// user belongs to exactly one client or partner and cannot outlive it) and
// their tokens. A client with channels is a Conflict: deactivate it
// instead. The client must be visible (else NotFound); then it needs
// NeedClientsManage (else Forbidden). A user of the client that something
// else still refers to (an API key it created) makes it a Conflict and
// nothing is deleted; so does an open (created or pending) change request
// of the client. Its closed requests stay readable, with its ref.
func (s *Service) DeleteClient(ctx context.Context, pr Principal, id int64) error {
	return s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		c, err := s.visibleClient(ctx, tx, pr, id, "")
		if err != nil {
			return err
		}
		if err := pr.require(NeedClientsManage); err != nil {
			return err
		}
		channels, err := tx.ListChannels(ctx, Scope{ClientID: c.ID}, ListQuery{Limit: 1})
		if err != nil {
			return err
		}
		if channels.Total > 0 {
			return Errorf(Conflict, "client %d still has %d channels; deactivate it instead", c.ID, channels.Total)
		}
		if err := checkNoOpenRequest(ctx, tx, ChangeRequestScope{ClientID: c.ID}, "client "+idString(c.ID)); err != nil {
			return err
		}
		for {
			users, err := tx.ListUsers(ctx, Scope{ClientID: c.ID}, ListQuery{Limit: MaxLimit})
			if err != nil {
				return err
			}
			for i := range users.Items {
				u := &users.Items[i]
				if err := tx.DeleteUser(ctx, u.ID); err != nil {
					return err
				}
				if err := s.audit(ctx, tx, pr, "delete", "user", idString(u.ID), c.PartnerID, c.PartnerPath, u, nil); err != nil {
					return err
				}
			}
			if !users.HasMore {
				break
			}
		}
		if err := tx.DeleteClient(ctx, c.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "delete", "client", idString(c.ID), c.PartnerID, c.PartnerPath, c, nil)
	})
}
