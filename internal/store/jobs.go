package store

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// Jobs run on River, over the same *sql.Tx the store's writes use: a job
// inserted by a write commits with it, and a worker's effect commits with
// the job's completion. The store owns River's schema (its migrations run
// with ours) and inserts jobs; internal/jobs runs the workers on the
// driver JobDriver returns.

// The River queues of the domain's jobs: migrations and webhook
// deliveries are worked apart, so a slow receiver never delays a
// migration.
const (
	QueueMigrations = "change_request_migrations"
	QueueWebhooks   = "webhook_deliveries"
)

// Attempts of each kind of job. A migration that keeps failing for a
// reason the domain does not recognise ends failed after
// MigrationMaxAttempts; a webhook is retried for about a day (see
// internal/jobs' backoff).
const (
	MigrationMaxAttempts = 10
	WebhookMaxAttempts   = 21
)

// jobInsertOpts are the River insert options of each kind of job. Unique
// by arguments: a job scheduled twice for the same request or delivery
// exists once.
var jobInsertOpts = map[string]river.InsertOpts{
	hub.KindChangeRequestMigration: {Queue: QueueMigrations, MaxAttempts: MigrationMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}},
	hub.KindWebhookDelivery:        {Queue: QueueWebhooks, MaxAttempts: WebhookMaxAttempts, UniqueOpts: river.UniqueOpts{ByArgs: true}},
}

// newJobDriver returns the River driver over the writer pool: riversqlite
// on SQLite (one writer connection, shared by River and the store's
// writes), riverdatabasesql on PostgreSQL, with a LISTEN connection from
// listen (nil: poll only) so inserted jobs wake workers at once.
func (db *DB) newJobDriver() riverdriver.Driver[*sql.Tx] {
	if db.d.name == "sqlite" {
		return riversqlite.New(db.write)
	}
	if db.listenPool != nil {
		return riverdatabasesql.NewWithPgxListener(db.write, db.listenPool)
	}
	return riverdatabasesql.New(db.write)
}

// JobDriver returns the River driver that workers of this database run
// on (see internal/jobs). Every call returns the same driver.
func (db *DB) JobDriver() riverdriver.Driver[*sql.Tx] { return db.jobDriver }

// openJobs creates the insert-only River client every transaction inserts
// jobs with.
func (db *DB) openJobs() error {
	db.jobDriver = db.newJobDriver()
	// An insert-only client: its FetchCooldown only spaces the insert
	// notifications it sends per queue (River's default, 100ms, would leave
	// most of a burst of approvals to the workers' next poll).
	client, err := river.NewClient(db.jobDriver, &river.Config{Logger: slog.New(slog.DiscardHandler), FetchCooldown: 5 * time.Millisecond})
	if err != nil {
		return fmt.Errorf("job client: %w", err)
	}
	db.jobs = client
	return nil
}

func (t *tx) EnqueueJob(ctx context.Context, job hub.Job) error {
	opts, ok := jobInsertOpts[job.Kind()]
	if !ok {
		return hub.Errorf(hub.Internal, "unknown job kind %q", job.Kind())
	}
	if _, err := t.jobs.InsertTx(ctx, t.tx, job, &opts); err != nil {
		return classify(t.d, err)
	}
	return nil
}

// jobCompletionKey carries a running job's completion in its context.
type jobCompletionKey struct{}

// JobCompletion completes the running job inside a store transaction
// (River's JobCompleteTx on the transaction's *sql.Tx).
type JobCompletion func(ctx context.Context, tx *sql.Tx) error

// WithJobCompletion returns ctx carrying complete: a write made with the
// context calls it from Tx.CompleteJob, so the job completes in that
// write's transaction. Workers set it for the job they run.
func WithJobCompletion(ctx context.Context, complete JobCompletion) context.Context {
	return context.WithValue(ctx, jobCompletionKey{}, complete)
}

func (t *tx) CompleteJob(ctx context.Context) error {
	complete, _ := ctx.Value(jobCompletionKey{}).(JobCompletion)
	if complete == nil {
		return nil
	}
	return classify(t.d, complete(ctx, t.tx))
}
