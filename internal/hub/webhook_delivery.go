package hub

import (
	"context"
	"time"
)

// PrepareWebhookDelivery starts one attempt of a WebhookJob: it returns
// the delivery and where to POST it now (the partner's current
// webhook_url and secret). A delivery that is no longer pending comes
// back as it is, with a zero target: nothing remains to do. When the
// partner has cleared its webhook_url (or is gone) the delivery fails for
// good here, recorded with the reason, and the job completes with it.
// It is the work of the job system, not a caller's: it takes no
// principal.
func (s *Service) PrepareWebhookDelivery(ctx context.Context, id int64) (*WebhookDelivery, WebhookTarget, error) {
	var out *WebhookDelivery
	var target WebhookTarget
	err := s.store.Write(ctx, func(tx Tx) error {
		d, err := tx.WebhookDelivery(ctx, id)
		if err != nil {
			return err
		}
		out = d
		if d.Status != DeliveryPending {
			return tx.CompleteJob(ctx)
		}
		p, err := tx.Partner(ctx, PartnerKey{ID: d.PartnerID})
		if err != nil && !IsKind(err, NotFound) {
			return err
		}
		secret := ""
		if err == nil && p.WebhookURL != "" {
			if secret, err = tx.WebhookSecret(ctx, p.ID); err != nil {
				return err
			}
		}
		if err != nil || p.WebhookURL == "" || secret == "" {
			out, err = s.recordAttempt(ctx, tx, d, WebhookAttempt{At: s.now(), Error: "the partner has no webhook_url any more"}, true)
			return err
		}
		target = WebhookTarget{URL: p.WebhookURL, Secret: secret}
		return nil
	})
	return out, target, err
}

// RecordWebhookAttempt records one POST of a delivery: a 2xx answer
// delivers it; any other outcome leaves it pending for a retry, or fails
// it for good on the last attempt of run. A delivered or failed delivery
// completes its job in the same transaction. It returns the delivery as
// stored; one that is still pending wants a retry. A delivery already
// finished (a duplicate run) is returned unchanged. It takes no principal
// (see PrepareWebhookDelivery).
func (s *Service) RecordWebhookAttempt(ctx context.Context, id int64, a WebhookAttempt, run JobRun) (*WebhookDelivery, error) {
	var out *WebhookDelivery
	err := s.store.Write(ctx, func(tx Tx) error {
		d, err := tx.WebhookDelivery(ctx, id)
		if err != nil {
			return err
		}
		if d.Status != DeliveryPending {
			out = d
			return tx.CompleteJob(ctx)
		}
		out, err = s.recordAttempt(ctx, tx, d, a, run.Last())
		return err
	})
	return out, err
}

// recordAttempt appends a to d's attempts and writes d: delivered on a
// 2xx, failed when final, else still pending. A finished delivery
// completes its job in tx.
func (s *Service) recordAttempt(ctx context.Context, tx Tx, d *WebhookDelivery, a WebhookAttempt, final bool) (*WebhookDelivery, error) {
	next := *d
	if a.At.IsZero() {
		a.At = s.now()
	}
	a.At = a.At.UTC().Truncate(time.Microsecond)
	next.Attempts = append(append(make([]WebhookAttempt, 0, len(d.Attempts)+1), d.Attempts...), a)
	if len(next.Attempts) > maxRecordedAttempts {
		next.Attempts = next.Attempts[len(next.Attempts)-maxRecordedAttempts:]
	}
	next.AttemptCount++
	switch {
	case a.OK():
		next.Status = DeliveryDelivered
	case final:
		next.Status = DeliveryFailed
	}
	if next.Status != DeliveryPending {
		now := s.now()
		next.FinishedAt = &now
	}
	if err := tx.UpdateWebhookDelivery(ctx, &next); err != nil {
		return nil, err
	}
	if next.Status != DeliveryPending {
		if err := tx.CompleteJob(ctx); err != nil {
			return nil, err
		}
	}
	return &next, nil
}
