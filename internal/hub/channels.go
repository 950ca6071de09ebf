package hub

import "context"

// CreateChannel creates a channel owned by in.ClientID, which the caller
// must see (else NotFound). It needs NeedChannelsManage (else Forbidden);
// a client-level caller (the client's own user) also needs the client's
// partner to allow its clients to add phone numbers
// (Partner.AllowClientAddPhone, else Forbidden). Partner-level callers
// are not bound by that setting.
func (s *Service) CreateChannel(ctx context.Context, pr Principal, in *Channel) (*Channel, error) {
	return s.CreateChannelAt(ctx, pr, PartnerKey{}, in.ClientID, "", in)
}

// CreateChannelAt is CreateChannel for a face that names the owning
// client by ref (clientRef, when clientID is 0) and its partner as well
// (at, see ClientAt): clientID or clientRef replace in.ClientID, under
// the same rules.
func (s *Service) CreateChannelAt(ctx context.Context, pr Principal, at PartnerKey, clientID int64, clientRef string, in *Channel) (*Channel, error) {
	ch := *in
	now := s.now()
	ch.Ref, ch.Version, ch.CreatedAt, ch.ModifiedAt = NewRef(ChannelRefSuffix), 1, now, now
	if ch.Status == "" {
		ch.Status = ClientActive
	}
	ch.normalize()
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		owner, err := s.clientAt(ctx, tx, pr, at, clientID, clientRef)
		if err != nil {
			return err
		}
		ch.ClientID = owner.ID
		ch.ClientRef, ch.ClientName, ch.ClientPartnerPayload, ch.ClientContactInfo = owner.Ref, owner.Name, owner.PartnerPayload, owner.ContactInfo
		if err := pr.require(NeedChannelsManage); err != nil {
			return err
		}
		if err := s.checkClientMayAddPhone(ctx, tx, pr, owner); err != nil {
			return err
		}
		if err := validateChannel(&ch); err != nil {
			return err
		}
		ch.PartnerID, ch.PartnerPath = owner.PartnerID, owner.PartnerPath
		if err := tx.InsertChannel(ctx, &ch); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "create", "channel", idString(ch.ID), ch.PartnerID, ch.PartnerPath, nil, &ch)
	})
	if err != nil {
		return nil, err
	}
	return &ch, nil
}

// Channel returns a channel by id (id != 0) or ref when the caller may see
// its client. A visible channel without the channels.read scope is
// Forbidden.
func (s *Service) Channel(ctx context.Context, pr Principal, id int64, ref string) (*Channel, error) {
	ch, err := s.visibleChannel(ctx, s.store, pr, id, ref)
	if err != nil {
		return nil, err
	}
	if err := pr.require(NeedChannelsRead); err != nil {
		return nil, err
	}
	return ch, nil
}

func (s *Service) visibleChannel(ctx context.Context, r Reader, pr Principal, id int64, ref string) (*Channel, error) {
	if id < 0 || (id == 0 && !IsRef(ref, ChannelRefSuffix)) {
		return nil, notFound("channel") // names nothing: no query (see PartnerKey.wellFormed)
	}
	ch, err := r.Channel(ctx, id, ref)
	if IsKind(err, NotFound) || (err == nil && !pr.seesClient(ch.ClientID, ch.PartnerPath)) {
		return nil, notFound("channel")
	}
	return ch, err
}

// ListChannels lists channels whose clients are owned directly by a visible
// partner (direct) or anywhere in its subtree; see ListClients. It needs the
// NeedChannelsRead scope; then q must be valid.
func (s *Service) ListChannels(ctx context.Context, pr Principal, within PartnerKey, direct bool, q ListQuery) (Page[Channel], error) {
	scope, err := s.scope(ctx, pr, within, direct)
	if err != nil {
		return Page[Channel]{}, err
	}
	if err := pr.require(NeedChannelsRead); err != nil {
		return Page[Channel]{}, err
	}
	if err := q.Validate(ChannelListFields); err != nil {
		return Page[Channel]{}, err
	}
	return s.store.ListChannels(ctx, scope, q)
}

// UpdateChannel applies change to a copy of the stored channel and writes
// it with the same version rules as UpdatePartner. The owning client is not
// changeable here.
// The channel must be visible (else NotFound); then it needs
// NeedChannelsManage (else Forbidden).
func (s *Service) UpdateChannel(ctx context.Context, pr Principal, id int64, ref string, ifVersion int64, change func(*Channel) error) (*Channel, error) {
	load := func(tx Tx) (*Channel, error) {
		obj, err := s.visibleChannel(ctx, tx, pr, id, ref)
		return authorize(pr, NeedChannelsManage, obj, err)
	}
	version := func(ch *Channel) int64 { return ch.Version }
	return updateVersioned(ctx, s, ifVersion, load, version, change, func(tx Tx, cur, next *Channel) error {
		next.ID, next.Ref, next.ClientID, next.PartnerID, next.PartnerPath = cur.ID, cur.Ref, cur.ClientID, cur.PartnerID, cur.PartnerPath
		next.Version, next.CreatedAt, next.ModifiedAt = cur.Version, cur.CreatedAt, s.now()
		next.normalize()
		if err := validateChannel(next); err != nil {
			return err
		}
		if err := tx.UpdateChannel(ctx, next); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "update", "channel", idString(next.ID), next.PartnerID, next.PartnerPath, cur, next)
	})
}

// checkClientMayAddPhone refuses a client-level caller adding a channel
// (a phone number) to its client when the client's partner does not
// allow its clients to (AllowClientAddPhone): Forbidden, the answer for
// a right the caller lacks. A partner-level caller passes.
func (s *Service) checkClientMayAddPhone(ctx context.Context, r Reader, pr Principal, owner *Client) error {
	if pr.ClientID == 0 {
		return nil
	}
	p, err := r.Partner(ctx, PartnerKey{ID: owner.PartnerID})
	if err != nil {
		return err
	}
	if !p.AllowClientAddPhone {
		return Errorf(Forbidden, "the client's partner does not allow its clients to add phone numbers (allow_client_to_add_phone_no)")
	}
	return nil
}
