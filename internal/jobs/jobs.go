// Package jobs runs the domain's background jobs on River: the migration
// of approved change requests and the delivery of webhooks. Jobs are
// inserted by the store inside the transactions that ask for them
// (hub.Writer.EnqueueJob); the work itself is a hub call, so rules stay in
// the domain; each worker completes its job inside the transaction of its
// effect (River's JobCompleteTx through store.WithJobCompletion), so a
// crash never leaves an effect without its completion or the reverse.
//
// Several processes may run workers on one PostgreSQL database: River
// hands each job to one of them (FOR UPDATE SKIP LOCKED), and its rescuer
// gives the jobs of a process that died to the others after RescueAfter.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// Config tunes a Runner. Zero fields take the defaults named.
type Config struct {
	// Logger receives the workers' and River's records (nil: discarded).
	Logger *slog.Logger
	// MigrationWorkers and WebhookWorkers bound the jobs of each queue
	// this process runs at once (defaults 4 and 8).
	MigrationWorkers, WebhookWorkers int
	// PollInterval is how often workers look for jobs when no
	// notification wakes them (default 500ms).
	PollInterval time.Duration
	// FetchCooldown is the shortest time between two fetches of a queue
	// (default 10ms). With MaxWorkers it bounds a process's throughput
	// (River fetches at most that many jobs at once): 4 workers and 10ms
	// allow 400 jobs/s, River's default of 100ms only 40.
	FetchCooldown time.Duration
	// JobTimeout bounds one attempt of a job (default 1m).
	JobTimeout time.Duration
	// RescueAfter is how long a job may stay running before it counts as
	// abandoned by a process that died and runs again elsewhere (default
	// 2m; it must exceed JobTimeout).
	RescueAfter time.Duration
	// MigrationBackoff and WebhookBackoff space the retries of failed
	// attempts (defaults DefaultMigrationBackoff, DefaultWebhookBackoff).
	MigrationBackoff, WebhookBackoff Backoff
	// Sender POSTs webhooks (nil: NewSender(false, 0, "partnerhub")).
	Sender *webhook.Sender
	// ID names this process among the workers (default: River's).
	ID string
}

// Runner runs the workers of one process.
type Runner struct {
	client *river.Client[*sql.Tx]
	log    *slog.Logger
}

// New returns a Runner whose workers run on driver (store.DB.JobDriver)
// and do their work through svc, whose store must be that database (or a
// cache in front of it, which then sees the workers' writes).
func New(driver riverdriver.Driver[*sql.Tx], svc *hub.Service, cfg Config) (*Runner, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	cfg.MigrationWorkers = orDefault(cfg.MigrationWorkers, 4)
	cfg.WebhookWorkers = orDefault(cfg.WebhookWorkers, 8)
	cfg.PollInterval = orDefault(cfg.PollInterval, 500*time.Millisecond)
	cfg.FetchCooldown = min(orDefault(cfg.FetchCooldown, 10*time.Millisecond), cfg.PollInterval)
	cfg.JobTimeout = orDefault(cfg.JobTimeout, time.Minute)
	cfg.RescueAfter = orDefault(cfg.RescueAfter, 2*time.Minute)
	if cfg.RescueAfter <= cfg.JobTimeout {
		return nil, fmt.Errorf("jobs: RescueAfter (%s) must exceed JobTimeout (%s)", cfg.RescueAfter, cfg.JobTimeout)
	}
	if cfg.MigrationBackoff == (Backoff{}) {
		cfg.MigrationBackoff = DefaultMigrationBackoff
	}
	if cfg.WebhookBackoff == (Backoff{}) {
		cfg.WebhookBackoff = DefaultWebhookBackoff
	}
	if cfg.Sender == nil {
		cfg.Sender = webhook.NewSender(false, 0, "partnerhub")
	}
	workers := river.NewWorkers()
	river.AddWorker(workers, &migrationWorker{svc: svc, backoff: cfg.MigrationBackoff, log: log})
	river.AddWorker(workers, &webhookWorker{svc: svc, backoff: cfg.WebhookBackoff, sender: cfg.Sender, log: log})
	client, err := river.NewClient(driver, &river.Config{
		ID:     cfg.ID,
		Logger: slog.New(quietHandler{log.Handler()}),
		Queues: map[string]river.QueueConfig{
			store.QueueMigrations: {MaxWorkers: cfg.MigrationWorkers},
			store.QueueWebhooks:   {MaxWorkers: cfg.WebhookWorkers},
		},
		Workers:              workers,
		FetchPollInterval:    cfg.PollInterval,
		FetchCooldown:        cfg.FetchCooldown,
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
	})
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	return &Runner{client: client, log: log}, nil
}

func orDefault[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

// Start starts the workers; they run until Stop (ctx only bounds the
// start).
func (r *Runner) Start(ctx context.Context) error { return r.client.Start(ctx) }

// Stop stops fetching jobs and waits for the running ones to finish until
// ctx ends; then it cancels those still running, whose attempts roll back
// and are released for a retry (here or in another process), and waits
// for them to return.
func (r *Runner) Stop(ctx context.Context) error {
	err := r.client.Stop(ctx)
	if err == nil {
		return nil
	}
	if !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		return err
	}
	r.log.Warn("jobs: running jobs did not finish in time; cancelling them (they are retried)")
	cancelCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	return r.client.StopAndCancel(cancelCtx)
}

// completion returns the store's completion of job, for the context of
// the write that does the job's work.
func completion[T river.JobArgs](job *river.Job[T]) store.JobCompletion {
	return func(ctx context.Context, tx *sql.Tx) error {
		_, err := river.JobCompleteTx[riverdriver.Driver[*sql.Tx]](ctx, tx, job)
		return err
	}
}
