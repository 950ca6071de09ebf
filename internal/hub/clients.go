package hub

import "context"

// seesClient reports whether the caller may see a client owned by a
// partner at partnerPath. Client-level principals see their own client.
func (pr Principal) seesClient(clientID int64, partnerPath string) bool {
	if pr.ClientID != 0 {
		return pr.ClientID == clientID
	}
	return PathContains(pr.PartnerPath, partnerPath)
}

// CreateClient creates a client owned by in.PartnerID, which the caller
// must see (else NotFound; a client-level caller sees no partner). It
// needs NeedClientsManage (else Forbidden).
func (s *Service) CreateClient(ctx context.Context, pr Principal, in *Client) (*Client, error) {
	return s.CreateClientAt(ctx, pr, PartnerKey{ID: in.PartnerID}, in)
}

// CreateClientAt is CreateClient for a face that names the owning
// partner by any of its keys (its ref or SID): at replaces in.PartnerID,
// under the same rules.
func (s *Service) CreateClientAt(ctx context.Context, pr Principal, at PartnerKey, in *Client) (*Client, error) {
	c := *in
	now := s.now()
	c.Ref, c.Version, c.CreatedAt, c.ModifiedAt = NewRef(ClientRefSuffix), 1, now, now
	c.CreatedBy, c.ModifiedBy = pr.Actor, pr.Actor
	if c.Status == "" {
		c.Status = ClientActive
	}
	c.normalize()
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		owner, err := s.visiblePartner(ctx, tx, pr, at, "partner")
		if err != nil {
			return err
		}
		c.PartnerID = owner.ID
		if err := pr.require(NeedClientsManage); err != nil {
			return err
		}
		if err := validateClient(&c); err != nil {
			return err
		}
		c.PartnerPath = owner.Path
		if err := tx.InsertClient(ctx, &c); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "create", "client", idString(c.ID), c.PartnerID, c.PartnerPath, nil, &c)
	})
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Client returns a client by id (id != 0) or ref when the caller may see it.
// A visible client without the clients.read scope is Forbidden.
func (s *Service) Client(ctx context.Context, pr Principal, id int64, ref string) (*Client, error) {
	return s.ClientAt(ctx, pr, PartnerKey{}, id, ref)
}

// ClientAt is Client for a face whose path names the client's partner as
// well: with a non-zero at, the client must also be owned directly by at
// (see clientAt), else NotFound.
func (s *Service) ClientAt(ctx context.Context, pr Principal, at PartnerKey, id int64, ref string) (*Client, error) {
	c, err := s.clientAt(ctx, s.store, pr, at, id, ref)
	if err != nil {
		return nil, err
	}
	if err := pr.require(NeedClientsRead); err != nil {
		return nil, err
	}
	return c, nil
}

// clientAt looks a client up with the caller's visibility and, with a
// non-zero at (the partner a face's path names), checks that at owns it
// directly: NotFound otherwise, the same answer for a missing and an
// invisible partner or client. A partner-level caller must see at (its
// NotFound names the partner, checked first); a client-level caller, who
// sees no partner, may name exactly its own client's partner (any other
// partner is NotFound, as missing ones are).
func (s *Service) clientAt(ctx context.Context, r Reader, pr Principal, at PartnerKey, id int64, ref string) (*Client, error) {
	if at == (PartnerKey{}) {
		return s.visibleClient(ctx, r, pr, id, ref)
	}
	if pr.ClientID != 0 {
		c, err := s.visibleClient(ctx, r, pr, id, ref)
		if err != nil {
			return nil, err
		}
		if !at.wellFormed() {
			return nil, notFound("partner")
		}
		p, err := r.Partner(ctx, at)
		if IsKind(err, NotFound) || (err == nil && p.ID != c.PartnerID) {
			return nil, notFound("partner")
		}
		if err != nil {
			return nil, err
		}
		return c, nil
	}
	p, err := s.visiblePartner(ctx, r, pr, at, "partner")
	if err != nil {
		return nil, err
	}
	c, err := s.visibleClient(ctx, r, pr, id, ref)
	if err != nil {
		return nil, err
	}
	if c.PartnerID != p.ID {
		return nil, notFound("client")
	}
	return c, nil
}

func (s *Service) visibleClient(ctx context.Context, r Reader, pr Principal, id int64, ref string) (*Client, error) {
	if id < 0 || (id == 0 && !IsRef(ref, ClientRefSuffix)) {
		return nil, notFound("client") // names nothing: no query (see PartnerKey.wellFormed)
	}
	c, err := r.Client(ctx, id, ref)
	if IsKind(err, NotFound) || (err == nil && !pr.seesClient(c.ID, c.PartnerPath)) {
		return nil, notFound("client")
	}
	return c, err
}

// ListClients lists clients: those owned directly by a visible partner when
// direct is true, else those anywhere in its subtree. A zero key means the
// caller's home partner; client-level principals list only their client.
// It needs NeedClientsRead; then q must be valid.
func (s *Service) ListClients(ctx context.Context, pr Principal, within PartnerKey, direct bool, q ListQuery) (Page[Client], error) {
	scope, err := s.scope(ctx, pr, within, direct)
	if err != nil {
		return Page[Client]{}, err
	}
	if err := pr.require(NeedClientsRead); err != nil {
		return Page[Client]{}, err
	}
	if err := q.Validate(ClientListFields); err != nil {
		return Page[Client]{}, err
	}
	return s.store.ListClients(ctx, scope, q)
}

// scope resolves the owners a list may show.
func (s *Service) scope(ctx context.Context, pr Principal, within PartnerKey, direct bool) (Scope, error) {
	if pr.ClientID != 0 {
		if within != (PartnerKey{}) {
			return Scope{}, notFound("partner")
		}
		return Scope{ClientID: pr.ClientID}, nil
	}
	p := &Partner{ID: pr.PartnerID, Path: pr.PartnerPath}
	if within != (PartnerKey{}) {
		var err error
		if p, err = s.visiblePartner(ctx, s.store, pr, within, "partner"); err != nil {
			return Scope{}, err
		}
	}
	if direct {
		return Scope{PartnerID: p.ID}, nil
	}
	return Scope{Path: p.Path}, nil
}

// UpdateClient applies change to a copy of the stored client and writes it
// with the same version rules as UpdatePartner. Moving a client to another
// partner is a change request's job, not an update's.
// The client must be visible (else NotFound); then it needs
// NeedClientsManage (else Forbidden). A changed ContactUserID must name a
// user of the client that the caller can see (else Invalid naming
// "contact").
func (s *Service) UpdateClient(ctx context.Context, pr Principal, id int64, ref string, ifVersion int64, change func(*Client) error) (*Client, error) {
	return s.UpdateClientAt(ctx, pr, PartnerKey{}, id, ref, ifVersion, change)
}

// UpdateClientAt is UpdateClient for a face whose path names the
// client's partner too (see ClientAt).
func (s *Service) UpdateClientAt(ctx context.Context, pr Principal, at PartnerKey, id int64, ref string, ifVersion int64, change func(*Client) error) (*Client, error) {
	load := func(tx Tx) (*Client, error) {
		obj, err := s.clientAt(ctx, tx, pr, at, id, ref)
		return authorize(pr, NeedClientsManage, obj, err)
	}
	version := func(c *Client) int64 { return c.Version }
	return updateVersioned(ctx, s, ifVersion, load, version, change, func(tx Tx, cur, next *Client) error {
		next.ID, next.Ref, next.PartnerID, next.PartnerPath = cur.ID, cur.Ref, cur.PartnerID, cur.PartnerPath
		next.Version, next.CreatedAt, next.CreatedBy = cur.Version, cur.CreatedAt, cur.CreatedBy
		next.ModifiedAt, next.ModifiedBy = s.now(), pr.Actor
		next.normalize()
		if err := validateClient(next); err != nil {
			return err
		}
		if next.ContactUserID != cur.ContactUserID && next.ContactUserID != 0 {
			if err := s.checkClientContact(ctx, tx, pr, next.ContactUserID, next); err != nil {
				return err
			}
		}
		if err := tx.UpdateClient(ctx, next); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "update", "client", idString(next.ID), next.PartnerID, next.PartnerPath, cur, next)
	})
}
