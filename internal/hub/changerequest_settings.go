package hub

import "context"

// ChangeRequestSettings returns a partner's settings for incoming change
// requests. The partner must be visible (else NotFound); then it needs
// NeedChangeRequestsRead (else Forbidden).
func (s *Service) ChangeRequestSettings(ctx context.Context, pr Principal, key PartnerKey) (ChangeRequestSettings, error) {
	p, err := s.visiblePartner(ctx, s.store, pr, key, "partner")
	if err != nil {
		return ChangeRequestSettings{}, err
	}
	if err := pr.require(NeedChangeRequestsRead); err != nil {
		return ChangeRequestSettings{}, err
	}
	return s.store.ChangeRequestSettings(ctx, p.ID)
}

// SetChangeRequestAutoApprove turns a partner's auto-approval of incoming
// change requests on or off and returns the settings now in force. When
// on, every request created afterwards with the partner as its target is
// approved at once, in the transaction that creates it; requests already
// waiting are left to an explicit decision. The partner must be visible
// (else NotFound); then it needs NeedChangeRequestsManage (else
// Forbidden).
func (s *Service) SetChangeRequestAutoApprove(ctx context.Context, pr Principal, key PartnerKey, on bool) (ChangeRequestSettings, error) {
	var out ChangeRequestSettings
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		p, err := s.visiblePartner(ctx, tx, pr, key, "partner")
		if err != nil {
			return err
		}
		if err := pr.require(NeedChangeRequestsManage); err != nil {
			return err
		}
		cur, err := tx.ChangeRequestSettings(ctx, p.ID)
		if err != nil {
			return err
		}
		out = ChangeRequestSettings{AutoApprove: on}
		if cur == out {
			return nil
		}
		if err := tx.SetChangeRequestSettings(ctx, p.ID, out, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "update", "change_request_settings", idString(p.ID), p.ID, p.Path, cur, out)
	})
	return out, err
}
