package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/jobs"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/webhook"
)

// jobFlags are the flags of the background jobs, shared by serve (which
// runs workers unless told not to) and worker.
type jobFlags struct {
	allowPrivate     bool
	migrationWorkers int
	webhookWorkers   int
	pollInterval     time.Duration
	jobTimeout       time.Duration
	rescueAfter      time.Duration
	stopTimeout      time.Duration
	migrationBackoff time.Duration
	webhookBackoff   time.Duration
}

func (j *jobFlags) register(fs *flag.FlagSet, env *envDefaults) {
	fs.BoolVar(&j.allowPrivate, "allow-private-webhooks", env.bool("PARTNERHUB_ALLOW_PRIVATE_WEBHOOKS", false),
		"accept webhook URLs on loopback, private and link-local addresses, and plain http; for tests and development only (env PARTNERHUB_ALLOW_PRIVATE_WEBHOOKS)")
	fs.IntVar(&j.migrationWorkers, "migration-workers", env.int("PARTNERHUB_MIGRATION_WORKERS", 4),
		"change request migrations this process runs at once (env PARTNERHUB_MIGRATION_WORKERS)")
	fs.IntVar(&j.webhookWorkers, "webhook-workers", env.int("PARTNERHUB_WEBHOOK_WORKERS", 8),
		"webhook deliveries this process sends at once (env PARTNERHUB_WEBHOOK_WORKERS)")
	fs.DurationVar(&j.pollInterval, "job-poll-interval", env.duration("PARTNERHUB_JOB_POLL_INTERVAL", 500*time.Millisecond),
		"how often workers look for jobs no notification announced (env PARTNERHUB_JOB_POLL_INTERVAL)")
	fs.DurationVar(&j.jobTimeout, "job-timeout", env.duration("PARTNERHUB_JOB_TIMEOUT", time.Minute),
		"longest attempt of one job (env PARTNERHUB_JOB_TIMEOUT)")
	fs.DurationVar(&j.rescueAfter, "job-rescue-after", env.duration("PARTNERHUB_JOB_RESCUE_AFTER", 2*time.Minute),
		"after this long a running job counts as abandoned by a process that died and runs again; must exceed --job-timeout (env PARTNERHUB_JOB_RESCUE_AFTER)")
	fs.DurationVar(&j.stopTimeout, "job-stop-timeout", env.duration("PARTNERHUB_JOB_STOP_TIMEOUT", 10*time.Second),
		"on shutdown, how long running jobs may finish before they are cancelled and released for a retry (env PARTNERHUB_JOB_STOP_TIMEOUT)")
	fs.DurationVar(&j.migrationBackoff, "migration-backoff", env.duration("PARTNERHUB_MIGRATION_BACKOFF", jobs.DefaultMigrationBackoff.Base),
		"wait before a failed migration's first retry, doubled for each next one up to 5m (env PARTNERHUB_MIGRATION_BACKOFF)")
	fs.DurationVar(&j.webhookBackoff, "webhook-backoff", env.duration("PARTNERHUB_WEBHOOK_BACKOFF", jobs.DefaultWebhookBackoff.Base),
		"wait before a failed webhook's first retry, doubled for each next one up to 2h (env PARTNERHUB_WEBHOOK_BACKOFF)")
}

// check validates the flags after parsing.
func (j *jobFlags) check() error {
	switch {
	case j.migrationWorkers < 1 || j.webhookWorkers < 1:
		return errors.New("--migration-workers and --webhook-workers must be at least 1")
	case j.pollInterval < 10*time.Millisecond:
		return errors.New("--job-poll-interval must be at least 10ms")
	case j.jobTimeout <= 0 || j.rescueAfter <= j.jobTimeout:
		return errors.New("--job-rescue-after must exceed --job-timeout, which must be positive")
	case j.stopTimeout < 0:
		return errors.New("--job-stop-timeout must not be negative")
	case j.migrationBackoff <= 0 || j.webhookBackoff <= 0:
		return errors.New("--migration-backoff and --webhook-backoff must be positive")
	}
	return nil
}

// guard is the check of webhook URLs when they are set.
func (j *jobFlags) guard() hub.WebhookGuard { return webhook.Guard{AllowPrivate: j.allowPrivate} }

// start starts this process's workers on db, working through svc.
func (j *jobFlags) start(ctx context.Context, db *store.DB, svc *hub.Service, log *slog.Logger) (*jobs.Runner, error) {
	r, err := jobs.New(db.JobDriver(), svc, jobs.Config{
		Logger:           log,
		MigrationWorkers: j.migrationWorkers,
		WebhookWorkers:   j.webhookWorkers,
		PollInterval:     j.pollInterval,
		JobTimeout:       j.jobTimeout,
		RescueAfter:      j.rescueAfter,
		MigrationBackoff: jobs.Backoff{Base: j.migrationBackoff, Max: max(j.migrationBackoff, jobs.DefaultMigrationBackoff.Max)},
		WebhookBackoff:   jobs.Backoff{Base: j.webhookBackoff, Max: max(j.webhookBackoff, jobs.DefaultWebhookBackoff.Max)},
		Sender:           webhook.NewSender(j.allowPrivate, 0, "partnerhub-webhooks/"+buildVersion()),
	})
	if err != nil {
		return nil, err
	}
	if err := r.Start(ctx); err != nil {
		return nil, fmt.Errorf("start workers: %w", err)
	}
	log.Info("workers running", "migration_workers", j.migrationWorkers, "webhook_workers", j.webhookWorkers,
		"allow_private_webhooks", j.allowPrivate)
	return r, nil
}

// stop stops the workers: running jobs get --job-stop-timeout to finish,
// then they are cancelled and released.
func (j *jobFlags) stop(ctx context.Context, r *jobs.Runner, log *slog.Logger) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), j.stopTimeout)
	defer cancel()
	if err := r.Stop(sctx); err != nil {
		log.Error("workers stopped with an error", "err", err)
		return
	}
	log.Info("workers stopped")
}

// runWorker is "partnerhub worker": the workers of serve without HTTP,
// until ctx ends (SIGINT/SIGTERM), then a graceful stop.
func runWorker(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, env := newFlags("worker", getenv, stderr)
	var jf jobFlags
	jf.register(fs, env)
	cacheTTL := fs.Duration("cache-ttl", env.duration("PARTNERHUB_CACHE_TTL", time.Second),
		"as serve's: this process reads little, but its read cache is what announces its writes to serve replicas on PostgreSQL (env PARTNERHUB_CACHE_TTL)")
	if err := c.parse(fs, env, args); err != nil {
		return err
	}
	if err := jf.check(); err != nil {
		return err
	}
	if *cacheTTL <= 0 || *cacheTTL > time.Minute {
		return errors.New("--cache-ttl must be between 1ns and 1m")
	}
	log := c.logger(stderr)
	db, err := c.open(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	// Writes go through a read cache so that, on PostgreSQL, each one is
	// announced to the serve replicas, whose caches drop what it changed.
	cache := newReadCache(ctx, db, readcache.Options{TTL: *cacheTTL}, log)
	svc := c.service(cache)
	svc.SetWebhookGuard(jf.guard())
	r, err := jf.start(ctx, db, svc, log)
	if err != nil {
		return err
	}
	log.Info("worker ready", "engine", db.Dialect(), "version", buildVersion())
	<-ctx.Done()
	jf.stop(ctx, r, log)
	return nil
}
