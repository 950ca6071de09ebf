package hub

import (
	"context"
	"fmt"
)

// maxRequestedChannels bounds the channels one partial migration lists.
const maxRequestedChannels = 1000

// seesChangeRequest reports whether the caller may see cr: a partner-level
// caller sees the requests whose source or target partner lies in its
// subtree (both sides see a request); a client-level caller the requests
// of its own client.
func (pr Principal) seesChangeRequest(cr *ChangeRequest) bool {
	if pr.ClientID != 0 {
		return cr.SourceClientID == pr.ClientID || (cr.TargetClientID != 0 && cr.TargetClientID == pr.ClientID)
	}
	if pr.PartnerPath != "" && PathDepth(pr.PartnerPath) == 0 {
		// The root's subtree is the whole tree: its callers see every
		// request, also a closed one whose partners were both deleted
		// since (their paths then read "").
		return true
	}
	return PathContains(pr.PartnerPath, cr.SourcePartnerPath) || PathContains(pr.PartnerPath, cr.TargetPartnerPath)
}

// onTargetSide reports whether the caller speaks for the target partner of
// cr: the target itself or one of its ancestors. Only the target side
// approves or rejects.
func (pr Principal) onTargetSide(cr *ChangeRequest) bool {
	return pr.ClientID == 0 && PathContains(pr.PartnerPath, cr.TargetPartnerPath)
}

// visibleChangeRequest looks a request up with the caller's visibility:
// NotFound for a missing and an invisible one alike. With a non-zero at
// (the partner a face's path names), at must be visible too and the
// request must concern it (as source or target), else NotFound.
func (s *Service) visibleChangeRequest(ctx context.Context, r Reader, pr Principal, at PartnerKey, id int64, ref string) (*ChangeRequest, error) {
	if id < 0 || (id == 0 && !IsRef(ref, ChangeRequestRefSuffix)) {
		return nil, notFound("change request") // names nothing: no query
	}
	var atID int64
	if at != (PartnerKey{}) {
		p, err := s.visiblePartner(ctx, r, pr, at, "partner")
		if err != nil {
			return nil, err
		}
		atID = p.ID
	}
	cr, err := r.ChangeRequest(ctx, id, ref)
	if IsKind(err, NotFound) || (err == nil && !pr.seesChangeRequest(cr)) ||
		(err == nil && atID != 0 && cr.SourcePartnerID != atID && cr.TargetPartnerID != atID) {
		return nil, notFound("change request")
	}
	return cr, err
}

// ChangeRequest returns one change request (by id, or by ref when id is
// 0) when the caller may see it (see ListChangeRequests for who sees what;
// at as in ApproveChangeRequest), else NotFound. A visible request
// without NeedChangeRequestsRead is Forbidden.
func (s *Service) ChangeRequest(ctx context.Context, pr Principal, at PartnerKey, id int64, ref string) (*ChangeRequest, error) {
	cr, err := s.visibleChangeRequest(ctx, s.store, pr, at, id, ref)
	return authorize(pr, NeedChangeRequestsRead, cr, err)
}

// ListChangeRequests lists the change requests of a partner in one
// direction (0 means Both): within must be visible (a zero key means the
// caller's home partner), else NotFound. A client-level caller lists the
// requests of its client and may name no partner. It needs
// NeedChangeRequestsRead; then q must be valid. Without an order the list
// is newest first (DefaultChangeRequestOrder).
func (s *Service) ListChangeRequests(ctx context.Context, pr Principal, within PartnerKey, dir ChangeRequestDirection, q ListQuery) (Page[ChangeRequest], error) {
	var scope ChangeRequestScope
	if pr.ClientID != 0 {
		if within != (PartnerKey{}) {
			return Page[ChangeRequest]{}, notFound("partner")
		}
		scope.ClientID = pr.ClientID
	} else {
		id := pr.PartnerID
		if within != (PartnerKey{}) {
			p, err := s.visiblePartner(ctx, s.store, pr, within, "partner")
			if err != nil {
				return Page[ChangeRequest]{}, err
			}
			id = p.ID
		}
		scope = ChangeRequestScope{PartnerID: id, Direction: dir}
	}
	scope.ViewerPath, scope.ViewerClientID = pr.PartnerPath, pr.ClientID
	if pr.ClientID != 0 {
		scope.ViewerPath = ""
	}
	if err := pr.require(NeedChangeRequestsRead); err != nil {
		return Page[ChangeRequest]{}, err
	}
	switch dir {
	case 0:
		scope.Direction = Both
	case Incoming, Outgoing, Both:
	default:
		return Page[ChangeRequest]{}, InvalidField("direction", "must be incoming, outgoing or both")
	}
	if len(q.Order) == 0 && !q.Shuffle {
		q.Order = DefaultChangeRequestOrder
	}
	if err := q.Validate(ChangeRequestListFields); err != nil {
		return Page[ChangeRequest]{}, err
	}
	return s.store.ListChangeRequests(ctx, scope, q)
}

// CreateChangeRequest asks to move a client (in.ClientID or in.ClientRef)
// to the partner in.Target: the whole client when in.Channels is nil, a
// new copy of it with the listed channels otherwise. The client must be
// visible to the caller (its partner or an ancestor of it, or the client's
// own user), else NotFound; with a non-zero at, at must own the client
// directly (see ClientAt: a client's own user may name its partner), else
// NotFound. Then it needs
// NeedChangeRequestsManage (else Forbidden). Then the rules: the target
// must be an active partner other than the client's (a target outside the
// caller's subtree is named by Ref or SID; an unknown, inactive or
// invisible-by-ID target is Invalid naming target_partner, never
// NotFound, so the answer tells nothing about partners the caller cannot
// name); every listed channel must be the client's (Invalid naming
// channels[i]); the client may have no other open request (Conflict).
// When the target's settings say AutoApprove the request is approved in
// the same transaction, as by the target (see ApproveChangeRequest).
func (s *Service) CreateChangeRequest(ctx context.Context, pr Principal, at PartnerKey, in NewChangeRequest) (*ChangeRequest, error) {
	var out *ChangeRequest
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		client, err := s.clientAt(ctx, tx, pr, at, in.ClientID, in.ClientRef)
		if err != nil {
			return err
		}
		if err := pr.require(NeedChangeRequestsManage); err != nil {
			return err
		}
		if err := checkChannelRefs(in.Channels); err != nil {
			return err
		}
		target, err := s.changeTarget(ctx, tx, pr, in.Target)
		if err != nil {
			return err
		}
		if target.ID == client.PartnerID {
			return InvalidField("target_partner", "is already the client's partner")
		}
		if open, err := tx.OpenChangeRequest(ctx, client.ID); err == nil {
			return openRequestConflict(open.Ref)
		} else if !IsKind(err, NotFound) {
			return err
		}
		for i, ref := range in.Channels {
			ch, err := tx.Channel(ctx, 0, ref)
			if IsKind(err, NotFound) || (err == nil && ch.ClientID != client.ID) {
				return InvalidField(fmt.Sprintf("channels[%d]", i), "is not a channel of client %s", client.Ref)
			}
			if err != nil {
				return err
			}
		}
		now := s.now()
		cr := &ChangeRequest{Ref: NewRef(ChangeRequestRefSuffix), Status: ChangeRequestCreated, IsFullMigration: in.Channels == nil,
			SourceClientID: client.ID, SourcePartnerID: client.PartnerID, TargetPartnerID: target.ID,
			RequestedChannels: in.Channels, Version: 1, CreatedBy: pr.Actor, ModifiedBy: pr.Actor, CreatedAt: now, ModifiedAt: now}
		if cr.IsFullMigration {
			cr.TargetClientID = client.ID
		}
		cr.normalize()
		if err := tx.InsertChangeRequest(ctx, cr); err != nil {
			return err
		}
		// Read it back for the refs and paths the store joins in.
		if cr, err = tx.ChangeRequest(ctx, cr.ID, ""); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, pr, "create", "change_request", idString(cr.ID), cr.SourcePartnerID, cr.SourcePartnerPath, nil, cr); err != nil {
			return err
		}
		if err := s.notifyChangeRequest(ctx, tx, cr); err != nil {
			return err
		}
		settings, err := tx.ChangeRequestSettings(ctx, target.ID)
		if err != nil {
			return err
		}
		if settings.AutoApprove {
			if cr, err = s.approveIn(ctx, tx, autoApprover(target), cr); err != nil {
				return err
			}
		}
		out = cr
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// openRequestConflict is the answer for a client that already has an open
// request.
func openRequestConflict(ref string) error {
	return Errorf(Conflict, "the client already has an open change request (%s); it must be completed, failed or rejected first", ref)
}

// autoApprover is the principal an automatic approval acts as: the target
// partner itself.
func autoApprover(target *Partner) Principal {
	return Principal{PartnerID: target.ID, PartnerPath: target.Path, Actor: fmt.Sprintf("auto-approve:partner:%d", target.ID)}
}

// checkChannelRefs checks the shape of a partial migration's channel
// list: non-empty when given, each a channel ref, none twice.
func checkChannelRefs(refs []string) error {
	switch {
	case refs == nil:
		return nil
	case len(refs) == 0:
		return InvalidField("channels", "must list at least one channel; leave it out to move the whole client")
	case len(refs) > maxRequestedChannels:
		return InvalidField("channels", "may list at most %d channels", maxRequestedChannels)
	}
	seen := make(map[string]int, len(refs))
	for i, ref := range refs {
		field := fmt.Sprintf("channels[%d]", i)
		if !IsRef(ref, ChannelRefSuffix) {
			return InvalidField(field, "is not a channel id")
		}
		if j, dup := seen[ref]; dup {
			return InvalidField(field, "repeats channels[%d]", j)
		}
		seen[ref] = i
	}
	return nil
}

// changeTarget resolves the partner a request moves a client to. Refs and
// SIDs name any partner (they are unguessable, and partners exchange them
// to ask for a migration); a numeric id names only a partner the caller
// sees. Anything that is not an active, unblocked partner is the same
// Invalid answer.
func (s *Service) changeTarget(ctx context.Context, r Reader, pr Principal, key PartnerKey) (*Partner, error) {
	if key == (PartnerKey{}) {
		return nil, InvalidField("target_partner", "is required")
	}
	bad := InvalidField("target_partner", "names no active partner")
	if !key.wellFormed() {
		return nil, bad
	}
	var p *Partner
	var err error
	if key.ID != 0 {
		p, err = s.visiblePartner(ctx, r, pr, key, "partner")
	} else {
		p, err = r.Partner(ctx, key)
	}
	switch {
	case IsKind(err, NotFound):
		return nil, bad
	case err != nil:
		return nil, err
	case p.Status != StatusActive || p.Blocked():
		return nil, bad
	}
	return p, nil
}
