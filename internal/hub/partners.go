package hub

import (
	"context"
	"errors"
)

// CreateRoot creates the root partner on an empty tree. It is a Conflict
// when a root already exists.
func (s *Service) CreateRoot(ctx context.Context, in *Partner) (*Partner, error) {
	p := s.newPartner(in)
	if err := validatePartner(p); err != nil {
		return nil, err
	}
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, true); err != nil {
			return err
		}
		if _, err := tx.RootPartner(ctx); err == nil {
			return Errorf(Conflict, "the root partner already exists")
		} else if !IsKind(err, NotFound) {
			return err
		}
		id, err := tx.NextPartnerID(ctx)
		if err != nil {
			return err
		}
		p.ID, p.ParentID, p.ParentSID, p.Path, p.Depth = id, 0, "", RootPath(id), 0
		p.Suspensions = ownSuspension(p.Status)
		if err := tx.InsertPartner(ctx, p); err != nil {
			return err
		}
		return s.audit(ctx, tx, Principal{Actor: "system:bootstrap"}, "create", "partner", idString(p.ID), p.ID, p.Path, nil, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// CreatePartner creates a sub-partner under in.ParentID, which must be
// visible to the caller (else NotFound). The new partner starts
// unverified (unless in.Status says otherwise) at version 1. It needs
// NeedPartnersCreate (else Forbidden). A set in.ContactUserID must name a
// partner-level user the caller can see, homed at the new partner's
// parent or above it (else Invalid naming "contact").
// A set in.Login also creates the partner's login user, without a
// password: see CreatePartnerWithLogin.
func (s *Service) CreatePartner(ctx context.Context, pr Principal, in *Partner) (*Partner, error) {
	return s.CreatePartnerWithLogin(ctx, pr, in, nil)
}

// createPartner is CreatePartner with an optional login user, prepared
// (validated and hashed) by CreatePartnerWithLogin.
func (s *Service) createPartner(ctx context.Context, pr Principal, in *Partner, pl *preparedLogin) (*Partner, error) {
	if in.ParentID == 0 {
		return nil, InvalidField("parent", "is required: only the root has no parent")
	}
	p := s.newPartner(in)
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		// The parent's visibility is checked before anything else:
		// otherwise the kind of error would tell an invisible parent from
		// a missing one.
		parent, err := s.visiblePartner(ctx, tx, pr, PartnerKey{ID: in.ParentID}, "parent partner")
		if err != nil {
			return err
		}
		if err := pr.require(NeedPartnersCreate); err != nil {
			return err
		}
		if p.WebhookURL != "" {
			return errWebhookURLElsewhere()
		}
		if err := validatePartner(p); err != nil {
			return err
		}
		if parent.Depth+1 > s.maxDepth {
			return Errorf(Invalid, "the tree may be at most %d levels deep", s.maxDepth)
		}
		id, err := tx.NextPartnerID(ctx)
		if err != nil {
			return err
		}
		p.ID, p.ParentID, p.Path, p.Depth = id, parent.ID, ChildPath(parent.Path, id), parent.Depth+1
		p.ParentSID = parent.SID
		p.Suspensions = parent.Suspensions + ownSuspension(p.Status)
		if p.ContactUserID != 0 {
			if err := s.checkPartnerContact(ctx, tx, pr, p.ContactUserID, p.Path); err != nil {
				return err
			}
		}
		if err := tx.InsertPartner(ctx, p); err != nil {
			if IsKind(err, Conflict) && p.Login != "" {
				return loginTaken() // a login stored before logins were users
			}
			return err
		}
		if pl != nil {
			u, err := s.createLogin(ctx, tx, pr, p, pl)
			if err != nil {
				return err
			}
			if p.ContactUserID == 0 {
				// The user needs the partner row first; linking it back
				// completes the new partner, still at version 1.
				if err := tx.SetPartnerContact(ctx, p.ID, u.ID); err != nil {
					return err
				}
				p.ContactUserID = u.ID
			}
		}
		return s.audit(ctx, tx, pr, "create", "partner", idString(p.ID), p.ID, p.Path, nil, p)
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// rewritesSubtree reports whether changing cur into next rewrites rows of
// its whole subtree: a move (paths and depths), or a status that starts or
// stops blocking (suspension counts).
func rewritesSubtree(cur, next *Partner) bool {
	return next.ParentID != cur.ParentID || StatusBlocks(next.Status) != StatusBlocks(cur.Status)
}

// ownSuspension is a partner's own share of its Suspensions: 1 when its
// status blocks authentication, else 0.
func ownSuspension(status string) int {
	if StatusBlocks(status) {
		return 1
	}
	return 0
}

// newPartner copies the caller-settable fields of in and fills the
// identifiers, defaults and timestamps the service owns.
func (s *Service) newPartner(in *Partner) *Partner {
	p := *in
	now := s.now()
	p.SID, p.Ref = NewSID(), NewRef(PartnerRefSuffix)
	p.Version = 1
	p.CreatedAt, p.ModifiedAt = now, now
	if p.Status == "" {
		p.Status = StatusUnverified
	}
	if p.PaymentType == "" {
		p.PaymentType = PaymentPrepay
	}
	if p.DailySpendingLimit == 0 {
		p.DailySpendingLimit = 500 * MoneyScale
	}
	p.Balance, p.DailySpentAmount = 0, 0
	// Only a consumed verification token verifies an address.
	p.OwnerEmailVerified, p.BillingEmailVerified, p.TechEmailVerified = false, false, false
	p.normalize()
	return &p
}

// VisibleParent resolves the parent a new partner would be created
// under: the partner with key when the caller may see it, else NotFound,
// the same for a missing and an invisible one. It needs partners.create
// rather than partners.read (naming a parent is part of creating under
// it), so a face can resolve a parent before it validates anything else
// and a body's errors cannot tell an invisible parent from a missing one.
// A visible parent without NeedPartnersCreate is Forbidden.
func (s *Service) VisibleParent(ctx context.Context, pr Principal, key PartnerKey) (*Partner, error) {
	p, err := s.visiblePartner(ctx, s.store, pr, key, "parent partner")
	if err != nil {
		return nil, err
	}
	if err := pr.require(NeedPartnersCreate); err != nil {
		return nil, err
	}
	return p, nil
}

// Partner returns the partner with the given key when the caller may see
// it; a missing and an invisible partner give the same NotFound. A visible
// partner without the partners.read scope is Forbidden. The partner read
// ahead for key by the request's credential check (WithPartnerReadAhead),
// if any, is used instead of a new read.
func (s *Service) Partner(ctx context.Context, pr Principal, key PartnerKey) (*Partner, error) {
	p, ok, err := readAheadPartner(ctx, key)
	if ok {
		if err == nil && !pr.SeesPath(p.Path) {
			// A missing partner cost the credential check a second
			// read (the credential alone); an invisible one costs one
			// too, so that the time of the answer does not tell them
			// apart either.
			_, _ = s.store.Partner(ctx, key)
		}
		p, err = seenPartner(pr, p, err, "partner")
	} else {
		p, err = s.visiblePartner(ctx, s.store, pr, key, "partner")
	}
	if err != nil {
		return nil, err
	}
	if err := pr.require(NeedPartnersRead); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Service) visiblePartner(ctx context.Context, r Reader, pr Principal, key PartnerKey, what string) (*Partner, error) {
	if !key.wellFormed() {
		// Text that cannot be an identifier names nothing; it never goes
		// to the database (PostgreSQL refuses a NUL in a text parameter).
		return nil, notFound(what)
	}
	p, err := r.Partner(ctx, key)
	return seenPartner(pr, p, err, what)
}

// seenPartner is what pr gets of a read of a partner (p, err): a missing
// and an invisible partner give the same NotFound, naming what.
func seenPartner(pr Principal, p *Partner, err error, what string) (*Partner, error) {
	if IsKind(err, NotFound) || (err == nil && !pr.SeesPath(p.Path)) {
		return nil, notFound(what)
	}
	return p, err
}

// ListPartners lists the subtree of within (0: the caller's home partner),
// which must be visible to the caller (else NotFound); it needs
// NeedPartnersRead (else Forbidden); then q must be valid. The page is
// read-only (it may be shared with a cache, see Reader.ListPartners).
func (s *Service) ListPartners(ctx context.Context, pr Principal, within PartnerKey, q ListQuery) (Page[Partner], error) {
	path := pr.PartnerPath
	if within != (PartnerKey{}) {
		p, err := s.visiblePartner(ctx, s.store, pr, within, "partner")
		if err != nil {
			return Page[Partner]{}, err
		}
		path = p.Path
	}
	if err := pr.require(NeedPartnersRead); err != nil {
		return Page[Partner]{}, err
	}
	if err := q.Validate(PartnerListFields); err != nil {
		return Page[Partner]{}, err
	}
	if !pr.SeesPath(path) {
		return Page[Partner]{}, nil
	}
	return s.store.ListPartners(ctx, path, q)
}

// IsVisible reports whether partner id lies in the caller's subtree, in one
// indexed lookup whatever the depth. It needs NeedPartnersRead.
func (s *Service) IsVisible(ctx context.Context, pr Principal, id int64) (bool, error) {
	if err := pr.require(NeedPartnersRead); err != nil {
		return false, err
	}
	if pr.ClientID != 0 {
		return false, nil
	}
	return s.store.InSubtree(ctx, id, pr.PartnerPath)
}

// UpdatePartner applies change to a copy of the stored partner and writes
// it, bumping the version once. When ifVersion is non-zero and differs from
// the stored version the update is a Conflict and nothing changes.
// Identifiers, tree position, version and timestamps are not changeable
// through change; a changed ParentID moves the partner with its subtree in
// the same transaction. The partner must be visible (else NotFound); then
// it needs NeedPartnersUpdate (else Forbidden); change runs only after both.
// A changed Login gives the partner a login user or renames it, under the
// rules of UpdatePartnerWithLogin. A changed ContactUserID must name a
// partner-level user the caller can see, homed at the partner or above it
// (else Invalid naming "contact"; see checkPartnerContact).
func (s *Service) UpdatePartner(ctx context.Context, pr Principal, key PartnerKey, ifVersion int64, change func(*Partner) error) (*Partner, error) {
	return s.UpdatePartnerWithLogin(ctx, pr, key, ifVersion, change, nil)
}

// UpdatePartnerUnder is UpdatePartner that also moves the partner (with
// its subtree) under parent, named by id or by name among the partners
// the caller can see, in the same transaction and version bump. The
// parent is resolved inside that transaction after change ran (so after
// the partner's visibility and scope, and after the errors change
// reports), and again under the tree lock the move holds, so a concurrent
// move, rename or deletion cannot slip between the lookup and the move.
// A parent that names no visible partner is NotFound wrapping
// ErrNoSuchParent (the moved partner's own NotFound wraps nothing); a
// name that more than one visible partner carries is a Conflict wrapping
// ErrAmbiguous; the rules of MovePartner apply to the move.
func (s *Service) UpdatePartnerUnder(ctx context.Context, pr Principal, key PartnerKey, ifVersion int64, parent PartnerRef, change func(*Partner) error) (*Partner, error) {
	if change == nil {
		change = func(*Partner) error { return nil }
	}
	p, _, err := s.updatePartner(ctx, pr, key, ifVersion, change, partnerExtras{parent: &parent})
	return p, err
}

// newParentID resolves the new parent of a move through r (the move's
// transaction), with the caller's visibility; see UpdatePartnerUnder.
func (s *Service) newParentID(ctx context.Context, r Reader, pr Principal, ref PartnerRef) (int64, error) {
	p, err := s.resolvePartner(ctx, r, pr, ref, "parent partner")
	if IsKind(err, NotFound) {
		return 0, noSuchParent()
	}
	if err != nil {
		return 0, err
	}
	return p.ID, nil
}

// noSuchParent is the NotFound of a move's new parent.
func noSuchParent() *Error {
	return &Error{Kind: NotFound, Message: "parent partner not found", Err: ErrNoSuchParent}
}

// partnerExtras are the changes an update makes besides change's, each
// optional: a login change, prepared (validated and hashed) by
// UpdatePartnerWithLogin; a new parent, resolved in the transaction (see
// UpdatePartnerUnder); a new webhook URL, checked before the transaction
// (see UpdatePartnerWebhook).
type partnerExtras struct {
	login   *preparedLogin
	parent  *PartnerRef
	webhook *string
}

// updatePartner is UpdatePartner with the extras x. It returns the
// updated partner and, when x.webhook gave the partner its first signing
// secret, that secret.
func (s *Service) updatePartner(ctx context.Context, pr Principal, key PartnerKey, ifVersion int64, change func(*Partner) error, x partnerExtras) (*Partner, string, error) {
	pl, parent := x.login, x.parent
	if x.webhook != nil && *x.webhook != "" {
		// The URL check resolves the host, so it runs before the
		// transaction, after the partner's visibility and the scope
		// (checked again inside), and before anything is written.
		if _, err := s.visiblePartner(ctx, s.store, pr, key, "partner"); err != nil {
			return nil, "", err
		}
		if err := pr.require(NeedPartnersUpdate); err != nil {
			return nil, "", err
		}
		if err := s.checkWebhookURL(ctx, *x.webhook); err != nil {
			return nil, "", err
		}
	}
	// changeTo applies change, then the new parent, to p, reading through tx.
	changeTo := func(tx Tx, p *Partner) error {
		if err := change(p); err != nil {
			return err
		}
		if parent != nil {
			id, err := s.newParentID(ctx, tx, pr, *parent)
			if err != nil {
				return err
			}
			p.ParentID = id
		}
		return nil
	}
	var out *Partner
	var secret string
	err := s.retryStale(ifVersion, func() error {
		secret = ""
		return s.store.Write(ctx, func(tx Tx) error {
			// Authorization is by tree position, so the tree must hold still
			// from the visibility check to the write: the exclusive tree lock
			// when this change moves the partner or makes its status start or
			// stop blocking, the shared one otherwise. Both of those rewrite a
			// whole subtree and must not interleave: a move copies the new
			// parent's suspension count, which a concurrent suspension above
			// it would change without reaching the rows moving in, and two
			// subtree rewrites could lock rows in opposite orders. A first
			// read decides which lock; the partner is read again under it.
			probe, err := s.visiblePartner(ctx, tx, pr, key, "partner")
			if err != nil {
				return err
			}
			if err := pr.require(NeedPartnersUpdate); err != nil {
				return err
			}
			trial := *probe
			if err := changeTo(tx, &trial); err != nil {
				return err
			}
			exclusive := rewritesSubtree(probe, &trial)
			if err := tx.LockTree(ctx, exclusive); err != nil {
				return err
			}
			cur, err := s.visiblePartner(ctx, tx, pr, key, "partner")
			if err != nil {
				return err
			}
			if err := checkVersion(cur.Version, ifVersion); err != nil {
				return err
			}
			next := *cur
			if err := changeTo(tx, &next); err != nil {
				return err
			}
			if rewritesSubtree(cur, &next) && !exclusive {
				// A concurrent move or status change after the probe: start
				// over with the right lock.
				return &Error{Kind: Conflict, Message: "the partner changed concurrently; retry", Err: ErrStale}
			}
			next.ID, next.SID, next.Ref, next.Path, next.Depth = cur.ID, cur.SID, cur.Ref, cur.Path, cur.Depth
			next.ParentSID, next.Version, next.CreatedAt = cur.ParentSID, cur.Version, cur.CreatedAt
			next.Suspensions = cur.Suspensions
			next.ModifiedAt = s.now()
			next.normalize()
			if err := partnerChangeRules(pr, cur, &next); err != nil {
				return err
			}
			if x.webhook != nil {
				next.WebhookURL = *x.webhook
			}
			if err := validatePartner(&next); err != nil {
				return err
			}
			if next.ParentID != cur.ParentID {
				// Move before writing any row, so the exclusive tree lock is
				// taken before this transaction holds row locks.
				moved, err := s.move(ctx, tx, pr, cur.ID, next.ParentID)
				if err != nil {
					return err
				}
				next.ParentID, next.ParentSID, next.Path, next.Depth = moved.ParentID, moved.ParentSID, moved.Path, moved.Depth
				next.Suspensions = moved.Suspensions
			}
			if next.ContactUserID != cur.ContactUserID && next.ContactUserID != 0 {
				if err := s.checkPartnerContact(ctx, tx, pr, next.ContactUserID, next.Path); err != nil {
					return err
				}
			}
			if x.webhook != nil && next.WebhookURL != "" {
				if secret, err = s.ensureWebhookSecret(ctx, tx, pr, cur); err != nil {
					return err
				}
			}
			if pl != nil || next.Login != cur.Login {
				if err := s.applyLogin(ctx, tx, pr, cur, &next, pl); err != nil {
					return err
				}
			}
			// The store shifts the whole subtree when the status starts or
			// stops blocking; next mirrors what a read will return.
			next.Suspensions += ownSuspension(next.Status) - ownSuspension(cur.Status)
			if err := tx.UpdatePartner(ctx, &next); err != nil {
				if next.Login != cur.Login && IsKind(err, Conflict) && !errors.Is(err, ErrStale) {
					return loginTaken() // a login stored before logins were users
				}
				return err
			}
			out = &next
			return s.audit(ctx, tx, pr, "update", "partner", idString(next.ID), next.ID, next.Path, cur, &next)
		})
	})
	if err != nil {
		return nil, "", err
	}
	return out, secret, nil
}

// MovePartner moves a partner and its whole subtree under newParentID. The
// caller must see both (an invisible new parent is NotFound wrapping
// ErrNoSuchParent, checked in the move's transaction), may not move
// its own home partner, and the move may not create a cycle or exceed the
// depth bound (Invalid naming "parent"). It needs NeedPartnersUpdate.
func (s *Service) MovePartner(ctx context.Context, pr Principal, key PartnerKey, newParentID int64, ifVersion int64) (*Partner, error) {
	return s.UpdatePartner(ctx, pr, key, ifVersion, func(p *Partner) error {
		if newParentID == 0 {
			return InvalidField("parent", "is required: only the root has no parent")
		}
		p.ParentID = newParentID
		return nil
	})
}

// move runs inside a write transaction before it writes anything. It takes
// the exclusive tree lock, re-reads both ends under it, checks the rules
// and rewrites the subtree. It returns the moved partner as now stored.
func (s *Service) move(ctx context.Context, tx Tx, pr Principal, id, newParentID int64) (*Partner, error) {
	if err := tx.LockTree(ctx, true); err != nil {
		return nil, err
	}
	node, err := s.visiblePartner(ctx, tx, pr, PartnerKey{ID: id}, "partner")
	if err != nil {
		return nil, err
	}
	switch {
	case newParentID == 0:
		return nil, InvalidField("parent", "is required: only the root has no parent")
	case node.IsRoot():
		return nil, InvalidField("parent", "the root partner cannot be moved")
	case node.ID == pr.PartnerID:
		return nil, InvalidField("parent", "a partner cannot move its own home partner")
	case newParentID == node.ParentID:
		return node, nil
	}
	parent, err := s.visiblePartner(ctx, tx, pr, PartnerKey{ID: newParentID}, "parent partner")
	if IsKind(err, NotFound) {
		return nil, noSuchParent()
	}
	if err != nil {
		return nil, err
	}
	if node.Contains(parent) {
		return nil, InvalidField("parent", "cannot move partner %d under its own subtree (partner %d)", node.ID, parent.ID)
	}
	height, err := tx.SubtreeHeight(ctx, node.Path)
	if err != nil {
		return nil, err
	}
	if newDeepest := parent.Depth + 1 + (height - node.Depth); newDeepest > s.maxDepth {
		return nil, InvalidField("parent", "the move would make the tree %d levels deep; at most %d allowed", newDeepest, s.maxDepth)
	}
	if _, err := tx.MoveSubtree(ctx, node, parent); err != nil {
		return nil, err
	}
	return tx.Partner(ctx, PartnerKey{ID: node.ID})
}

// DeactivatePartner sets a partner's status to inactive. It needs
// NeedPartnersUpdate.
func (s *Service) DeactivatePartner(ctx context.Context, pr Principal, key PartnerKey) (*Partner, error) {
	return s.UpdatePartner(ctx, pr, key, 0, func(p *Partner) error {
		if p.ID == pr.PartnerID {
			return Errorf(Invalid, "a partner cannot deactivate its own home partner")
		}
		p.Status = StatusInactive
		return nil
	})
}

// DeletePartner deletes a leaf partner that has no clients. The root and
// the caller's own home partner cannot be deleted. Its login user (see
// PartnerLogin) and that user's tokens go with it; any other user or an
// API key still homed there is a Conflict, and so is an open (created or
// pending) change request from or to it; its closed requests stay
// readable, with its ref. The partner must be visible (else NotFound);
// then it needs NeedPartnersDelete.
func (s *Service) DeletePartner(ctx context.Context, pr Principal, key PartnerKey) error {
	return s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		p, err := s.visiblePartner(ctx, tx, pr, key, "partner")
		if err != nil {
			return err
		}
		if err := pr.require(NeedPartnersDelete); err != nil {
			return err
		}
		switch {
		case p.IsRoot():
			return Errorf(Invalid, "the root partner cannot be deleted")
		case p.ID == pr.PartnerID:
			return Errorf(Invalid, "a partner cannot delete its own home partner")
		}
		children, clients, err := tx.CountChildren(ctx, p.ID)
		if err != nil {
			return err
		}
		if children > 0 || clients > 0 {
			return Errorf(Conflict, "partner %d still has %d sub-partners and %d clients; only a leaf without clients can be deleted", p.ID, children, clients)
		}
		if err := checkNoOpenRequest(ctx, tx, ChangeRequestScope{PartnerID: p.ID, Direction: Both}, "partner "+idString(p.ID)); err != nil {
			return err
		}
		login, err := s.loginUser(ctx, tx, p)
		if err != nil {
			return err
		}
		if login != nil {
			if err := tx.DeleteUser(ctx, login.ID); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, pr, "delete", "user", idString(login.ID), p.ID, p.Path, login, nil); err != nil {
				return err
			}
		}
		if err := tx.DeletePartner(ctx, p.ID); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "delete", "partner", idString(p.ID), p.ID, p.Path, p, nil)
	})
}
