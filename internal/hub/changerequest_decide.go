package hub

import "context"

// ApproveChangeRequest approves a created request: it becomes pending and
// its migration job is scheduled in the same transaction (see
// MigrateChangeRequest). The request must be visible (see
// ListChangeRequests; with a non-zero at, at must be visible and be the
// request's source or target partner), else NotFound; then it needs
// NeedChangeRequestsManage (else Forbidden); then only the target side
// (the target partner or an ancestor of it) may decide: the source side
// gets Forbidden. Approving a pending or completed request returns it
// unchanged (a repeated or concurrent approval never migrates twice); a
// rejected or failed one is a Conflict.
func (s *Service) ApproveChangeRequest(ctx context.Context, pr Principal, at PartnerKey, id int64, ref string) (*ChangeRequest, error) {
	return s.decideChangeRequest(ctx, pr, at, id, ref, true)
}

// RejectChangeRequest rejects a created request, under the rules of
// ApproveChangeRequest. Rejecting a rejected request returns it unchanged;
// a pending (its migration runs), completed or failed one is a Conflict.
func (s *Service) RejectChangeRequest(ctx context.Context, pr Principal, at PartnerKey, id int64, ref string) (*ChangeRequest, error) {
	return s.decideChangeRequest(ctx, pr, at, id, ref, false)
}

func (s *Service) decideChangeRequest(ctx context.Context, pr Principal, at PartnerKey, id int64, ref string, approve bool) (*ChangeRequest, error) {
	var out *ChangeRequest
	// A concurrent decision makes this one's write stale: it is retried
	// on the fresh row, which then answers as a repeated decision.
	err := s.retryStale(0, func() error {
		return s.store.Write(ctx, func(tx Tx) error {
			if err := tx.LockTree(ctx, false); err != nil {
				return err
			}
			cr, err := s.visibleChangeRequest(ctx, tx, pr, at, id, ref)
			if err != nil {
				return err
			}
			if err := pr.require(NeedChangeRequestsManage); err != nil {
				return err
			}
			if !pr.onTargetSide(cr) {
				return Errorf(Forbidden, "only the target partner of a change request (or an ancestor of it) may approve or reject it")
			}
			out = cr
			switch {
			case approve && cr.Status == ChangeRequestCreated:
				out, err = s.approveIn(ctx, tx, pr, cr)
				return err
			case approve && (cr.Status == ChangeRequestPending || cr.Status == ChangeRequestCompleted):
				return nil // already approved: unchanged
			case !approve && cr.Status == ChangeRequestCreated:
				out, err = s.finishIn(ctx, tx, pr, cr, ChangeRequestRejected, "reject", "")
				return err
			case !approve && cr.Status == ChangeRequestRejected:
				return nil // already rejected: unchanged
			case approve:
				return Errorf(Conflict, "the change request is %s; it cannot be approved", cr.Status)
			case cr.Status == ChangeRequestPending:
				return Errorf(Conflict, "the change request is approved and its migration runs; it cannot be rejected")
			default:
				return Errorf(Conflict, "the change request is %s; it cannot be rejected", cr.Status)
			}
		})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// approveIn makes a created request pending and schedules its migration,
// in tx, with its audit row and webhooks.
func (s *Service) approveIn(ctx context.Context, tx Tx, pr Principal, cr *ChangeRequest) (*ChangeRequest, error) {
	next := *cr
	now := s.now()
	next.Status, next.ApprovedAt = ChangeRequestPending, &now
	out, err := s.transition(ctx, tx, pr, cr, &next, "approve")
	if err != nil {
		return nil, err
	}
	return out, tx.EnqueueJob(ctx, MigrationJob{ChangeRequestID: out.ID})
}

// finishIn ends a request with status (completed, failed or rejected) in
// tx, with its audit row (action) and webhooks. reason is a failure's.
func (s *Service) finishIn(ctx context.Context, tx Tx, pr Principal, cr *ChangeRequest, status, action, reason string) (*ChangeRequest, error) {
	next := *cr
	next.Status, next.FailureReason = status, reason
	return s.transition(ctx, tx, pr, cr, &next, action)
}

// transition writes next, a copy of cur with a new status, in tx: the
// modification time and actor (and the finish time of a final status),
// its audit row (action, owned by the target partner, whose side decides
// and receives) and the webhooks of the new status.
func (s *Service) transition(ctx context.Context, tx Tx, pr Principal, cur, next *ChangeRequest, action string) (*ChangeRequest, error) {
	now := s.now()
	next.ModifiedAt, next.ModifiedBy = now, pr.Actor
	if !next.Open() {
		next.FinishedAt = &now
	}
	if err := tx.UpdateChangeRequest(ctx, next); err != nil {
		return nil, err
	}
	if err := s.audit(ctx, tx, pr, action, "change_request", idString(next.ID), next.TargetPartnerID, next.TargetPartnerPath, cur, next); err != nil {
		return nil, err
	}
	return next, s.notifyChangeRequest(ctx, tx, next)
}
