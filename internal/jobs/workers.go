package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// migrationWorker migrates approved change requests.
type migrationWorker struct {
	river.WorkerDefaults[hub.MigrationJob]
	svc     *hub.Service
	backoff Backoff
	log     *slog.Logger
}

// Work runs one attempt (hub.Service.MigrateChangeRequest); an error is
// retried after NextRetry.
func (w *migrationWorker) Work(ctx context.Context, job *river.Job[hub.MigrationJob]) error {
	ctx = store.WithJobCompletion(ctx, completion(job))
	err := w.svc.MigrateChangeRequest(ctx, job.Args.ChangeRequestID, hub.JobRun{Attempt: job.Attempt, MaxAttempts: job.MaxAttempts})
	if err != nil {
		w.log.Warn("change request migration attempt failed", "change_request_id", job.Args.ChangeRequestID,
			"attempt", job.Attempt, "max_attempts", job.MaxAttempts, "err", err)
	}
	return err
}

// NextRetry spaces the attempts of a migration.
func (w *migrationWorker) NextRetry(job *river.Job[hub.MigrationJob]) time.Time {
	return time.Now().Add(w.backoff.Delay(job.Attempt))
}

// webhookWorker delivers webhooks.
type webhookWorker struct {
	river.WorkerDefaults[hub.WebhookJob]
	svc     *hub.Service
	backoff Backoff
	sender  *webhook.Sender
	log     *slog.Logger
}

// Work makes one delivery attempt: it reads where to send, POSTs outside
// any transaction, and records the outcome (completing the job when the
// delivery is done). A delivery still pending after the attempt returns
// an error, so River retries it after NextRetry.
func (w *webhookWorker) Work(ctx context.Context, job *river.Job[hub.WebhookJob]) error {
	ctx = store.WithJobCompletion(ctx, completion(job))
	id := job.Args.DeliveryID
	d, target, err := w.svc.PrepareWebhookDelivery(ctx, id)
	if err != nil {
		return err
	}
	if d.Status != hub.DeliveryPending {
		return nil
	}
	a := w.sender.Send(ctx, target, d)
	// The attempt is recorded even when it was cut short (shutdown, the
	// job's timeout): it happened, and on the last attempt the delivery
	// must end failed rather than stay pending for good.
	d, err = w.svc.RecordWebhookAttempt(context.WithoutCancel(ctx), id, a, hub.JobRun{Attempt: job.Attempt, MaxAttempts: job.MaxAttempts})
	if err != nil {
		return err
	}
	switch d.Status {
	case hub.DeliveryPending:
		w.log.Info("webhook delivery attempt failed; retried later", "delivery_id", id, "partner_id", d.PartnerID,
			"attempt", job.Attempt, "status_code", a.StatusCode, "err", a.Error)
		return fmt.Errorf("webhook delivery %d, attempt %d: %s", id, job.Attempt, a.Error)
	case hub.DeliveryFailed:
		w.log.Warn("webhook delivery failed for good", "delivery_id", id, "partner_id", d.PartnerID, "attempts", d.AttemptCount, "err", a.Error)
	}
	return nil
}

// NextRetry spaces the attempts of a delivery.
func (w *webhookWorker) NextRetry(job *river.Job[hub.WebhookJob]) time.Time {
	return time.Now().Add(w.backoff.Delay(job.Attempt))
}
