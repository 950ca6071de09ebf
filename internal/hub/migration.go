package hub

import (
	"context"
	"errors"
	"fmt"
)

// migrationActor is who migrations act as in the audit log.
const migrationActor = "job:change_request_migration"

// migrationPrincipal is the principal of migration writes: the system,
// acting for nobody's home partner.
var migrationPrincipal = Principal{Actor: migrationActor}

// MigrateChangeRequest does the work of a MigrationJob: it moves the
// client of a pending request to the target partner (a full migration),
// or creates a copy of it under the target and moves the listed channels
// to the copy (a partial one), writes the audit rows, ends the request
// completed with its target client and migrated channels, schedules the
// webhooks and completes the job, all in one transaction: a crash at any
// point leaves either all of it or none of it.
//
// A request that cannot succeed (the target partner gone, inactive or
// blocked, the client or a listed channel gone or no longer where the
// request found it) ends failed with the reason, in one transaction that
// moves nothing. Any other error rolls the attempt back and is returned,
// for the job to retry later; the attempt is counted on the request (with
// its error in LastError), and on the last attempt of run the request
// ends failed instead. A request that is not pending (a duplicate run)
// is left alone and the job completes. It is the work of the job system,
// not a caller's: it takes no principal.
func (s *Service) MigrateChangeRequest(ctx context.Context, id int64, run JobRun) error {
	err := s.retryStale(0, func() error {
		return s.store.Write(ctx, func(tx Tx) error {
			if err := tx.LockTree(ctx, false); err != nil {
				return err
			}
			cr, err := tx.ChangeRequest(ctx, id, "")
			if err != nil {
				return err
			}
			if cr.Status != ChangeRequestPending {
				return tx.CompleteJob(ctx)
			}
			plan, reason, err := s.planMigration(ctx, tx, cr)
			if err != nil {
				return err
			}
			if reason != "" {
				next := *cr
				next.Status, next.FailureReason, next.Attempts = ChangeRequestFailed, reason, run.Attempt
				if _, err := s.transition(ctx, tx, migrationPrincipal, cr, &next, "fail"); err != nil {
					return err
				}
				return tx.CompleteJob(ctx)
			}
			if err := s.runMigration(ctx, tx, cr, plan, run); err != nil {
				return err
			}
			return tx.CompleteJob(ctx)
		})
	})
	// An attempt cut short (shutdown, the job's timeout) is retried
	// without being counted, unless no retry follows: then the request
	// must end failed, or it would stay pending, and its client blocked,
	// for good.
	if err == nil || (ctx.Err() != nil && !run.Last()) {
		return err
	}
	s.migrationAttemptFailed(context.WithoutCancel(ctx), id, run, err)
	return err
}

// migrationAttemptFailed records a failed attempt on the request: its
// count and error, or, on the last attempt, the end of the request. The
// attempt's own error is what the job reports, so a failure to record is
// left for the next attempt to correct.
func (s *Service) migrationAttemptFailed(ctx context.Context, id int64, run JobRun, cause error) {
	msg := "internal error"
	var he *Error
	switch {
	case errors.Is(cause, context.DeadlineExceeded):
		msg = "the attempt timed out"
	case errors.Is(cause, context.Canceled):
		msg = "the attempt was cancelled (the worker stopped)"
	case errors.As(cause, &he) && he.Kind != Internal:
		msg = he.Message
	}
	_ = s.store.Write(ctx, func(tx Tx) error {
		cr, err := tx.ChangeRequest(ctx, id, "")
		if err != nil || cr.Status != ChangeRequestPending {
			return err
		}
		next := *cr
		next.Attempts, next.LastError = run.Attempt, msg
		if run.Last() {
			next.Status = ChangeRequestFailed
			next.FailureReason = fmt.Sprintf("the migration failed %d times; last error: %s", run.Attempt, msg)
			if _, err := s.transition(ctx, tx, migrationPrincipal, cr, &next, "fail"); err != nil {
				return err
			}
			return tx.CompleteJob(ctx)
		}
		return tx.UpdateChangeRequest(ctx, &next)
	})
}

// migrationPlan is what a migration moves, read and checked before
// anything is written.
type migrationPlan struct {
	target   *Partner
	client   *Client
	channels []Channel // a partial migration's listed channels
}

// planMigration reads what cr moves and checks that it can still move:
// a non-empty reason means it cannot, ever.
func (s *Service) planMigration(ctx context.Context, tx Tx, cr *ChangeRequest) (*migrationPlan, string, error) {
	target, err := tx.Partner(ctx, PartnerKey{ID: cr.TargetPartnerID})
	switch {
	case IsKind(err, NotFound):
		return nil, "the target partner no longer exists", nil
	case err != nil:
		return nil, "", err
	case target.Status != StatusActive:
		return nil, fmt.Sprintf("the target partner is %s, not active", target.Status), nil
	case target.Blocked():
		return nil, "the target partner is blocked: a partner above it is suspended or inactive", nil
	}
	client, err := tx.Client(ctx, cr.SourceClientID, "")
	switch {
	case IsKind(err, NotFound):
		return nil, "the client no longer exists", nil
	case err != nil:
		return nil, "", err
	case client.PartnerID != cr.SourcePartnerID:
		return nil, "the client has moved to another partner since the request was made", nil
	}
	plan := &migrationPlan{target: target, client: client}
	for _, ref := range cr.RequestedChannels {
		ch, err := tx.Channel(ctx, 0, ref)
		switch {
		case IsKind(err, NotFound):
			return nil, fmt.Sprintf("channel %s no longer exists", ref), nil
		case err != nil:
			return nil, "", err
		case ch.ClientID != client.ID:
			return nil, fmt.Sprintf("channel %s no longer belongs to the client", ref), nil
		}
		plan.channels = append(plan.channels, *ch)
	}
	return plan, "", nil
}

// runMigration writes a planned migration and ends cr completed.
func (s *Service) runMigration(ctx context.Context, tx Tx, cr *ChangeRequest, plan *migrationPlan, run JobRun) error {
	pr, now, target := migrationPrincipal, s.now(), plan.target
	done := *cr
	if cr.IsFullMigration {
		next := *plan.client
		next.PartnerID, next.PartnerPath, next.ModifiedAt, next.ModifiedBy = target.ID, target.Path, now, pr.Actor
		if err := tx.MoveClient(ctx, &next); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, pr, "move", "client", idString(next.ID), target.ID, target.Path, plan.client, &next); err != nil {
			return err
		}
		// Listed after the move: the channels that went with the client.
		refs, err := clientChannelRefs(ctx, tx, next.ID)
		if err != nil {
			return err
		}
		done.MigratedChannels = refs
	} else {
		src := plan.client
		cp := &Client{Ref: NewRef(ClientRefSuffix), PartnerID: target.ID, PartnerPath: target.Path, Name: src.Name, Status: src.Status,
			Version: 1, Organisation: src.Organisation, MaxChannels: src.MaxChannels, MetaInfo: src.MetaInfo, ContactInfo: src.ContactInfo,
			CreatedAt: now, ModifiedAt: now, CreatedBy: pr.Actor, ModifiedBy: pr.Actor}
		cp.normalize()
		if err := tx.InsertClient(ctx, cp); err != nil {
			return err
		}
		if err := s.audit(ctx, tx, pr, "create", "client", idString(cp.ID), target.ID, target.Path, nil, cp); err != nil {
			return err
		}
		done.MigratedChannels = make([]string, 0, len(plan.channels))
		for _, ch := range plan.channels {
			next := ch
			next.ClientID, next.PartnerID, next.PartnerPath, next.ModifiedAt = cp.ID, target.ID, target.Path, now
			if err := tx.MoveChannel(ctx, &next); err != nil {
				return err
			}
			if err := s.audit(ctx, tx, pr, "move", "channel", idString(next.ID), target.ID, target.Path, &ch, &next); err != nil {
				return err
			}
			done.MigratedChannels = append(done.MigratedChannels, ch.Ref)
		}
		done.TargetClientID, done.TargetClientRef = cp.ID, cp.Ref
	}
	done.Status, done.LastError, done.Attempts = ChangeRequestCompleted, "", run.Attempt
	_, err := s.transition(ctx, tx, pr, cr, &done, "complete")
	return err
}

// clientChannelRefs lists the refs of every channel of a client, in id
// order.
func clientChannelRefs(ctx context.Context, r Reader, clientID int64) ([]string, error) {
	refs := []string{}
	q := ListQuery{Limit: MaxLimit}
	for {
		page, err := r.ListChannels(ctx, Scope{ClientID: clientID}, q)
		if err != nil {
			return nil, err
		}
		for _, ch := range page.Items {
			refs = append(refs, ch.Ref)
		}
		if !page.HasMore || len(page.Items) == 0 {
			return refs, nil
		}
		q.After = page.Items[len(page.Items)-1].ID
	}
}
