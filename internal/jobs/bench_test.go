package jobs_test

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/jobs"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// BenchmarkMigrations measures, on each engine, how long an approved
// change request takes to be completed by the workers (the service's own
// approval and completion times, so polling adds nothing), and how many
// migrations the workers of one process complete per second:
//
//   - idle: one approval at a time, the workers otherwise idle;
//   - burst: 1,000 approvals sent by 8 goroutines while the workers run,
//     each one's latency including its wait behind the others;
//   - throughput: 1,000 approvals queued while no worker runs, then the
//     workers started: migrations per second until the last completes.
//
// The baseline, measured in the same run on the same database and queue
// settings, is River itself: a job that does nothing, inserted alone
// (latency) and 1,000 at once (throughput). Each ratio is ours divided by
// River's. Run once per engine:
//
//	go test -run '^$' -bench BenchmarkMigrations -benchtime 1x ./internal/jobs/
func BenchmarkMigrations(b *testing.B) {
	for _, engine := range testdb.Engines {
		b.Run(engine.Name, func(b *testing.B) {
			e := newEnv(b, engine)
			src, dst := e.partner(e.root, "src"), e.partner(e.root, "dst")
			const probes, batch = 100, 1000
			cases := make([]*hub.ChangeRequest, probes+2*batch)
			for i := range cases {
				c, _ := e.client(src, 1)
				cases[i] = e.request(src, c, dst, nil)
			}
			cfg := jobs.Config{PollInterval: 500 * time.Millisecond}

			r := e.start(cfg)
			var idle []time.Duration
			for _, cr := range cases[:probes] {
				e.approve(dst, cr)
				idle = append(idle, e.latency(e.waitDone(cr.ID, time.Minute)))
			}
			burst := e.approveAll(dst, cases[probes:probes+batch], 8)
			var burstLat []time.Duration
			for _, cr := range burst {
				burstLat = append(burstLat, e.latency(e.waitDone(cr.ID, 5*time.Minute)))
			}
			stop(b, r)

			queued := cases[probes+batch:]
			e.approveAll(dst, queued, 8)
			start := time.Now()
			r = e.start(cfg)
			var last time.Time
			for _, cr := range queued {
				done := e.waitDone(cr.ID, 5*time.Minute)
				if done.FinishedAt.After(last) {
					last = *done.FinishedAt
				}
			}
			rate := float64(batch) / last.Sub(start).Seconds()
			stop(b, r)

			baseIdle, baseRate := riverBaseline(b, e, cfg, probes, batch)
			report(b, "idle", idle)
			report(b, "burst", burstLat)
			b.ReportMetric(rate, "migrations/s")
			b.ReportMetric(baseRate, "river_noop_jobs/s")
			b.ReportMetric(rate/baseRate, "throughput_ratio")
			report(b, "river_noop_idle", baseIdle)
			b.ReportMetric(float64(percentile(idle, 50))/float64(percentile(baseIdle, 50)), "idle_p50_ratio")
		})
	}
}

// latency is the time from a request's approval to its completion, on
// the service's clock.
func (e *env) latency(cr *hub.ChangeRequest) time.Duration {
	e.t.Helper()
	if cr.Status != hub.ChangeRequestCompleted || cr.ApprovedAt == nil || cr.FinishedAt == nil {
		e.t.Fatalf("request %s: %+v", cr.Ref, cr)
	}
	return cr.FinishedAt.Sub(*cr.ApprovedAt)
}

// approveAll approves crs from n goroutines at once.
func (e *env) approveAll(target *hub.Partner, crs []*hub.ChangeRequest, n int) []*hub.ChangeRequest {
	e.t.Helper()
	next := make(chan *hub.ChangeRequest)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for cr := range next {
				if _, err := e.svc.ApproveChangeRequest(e.ctx, principal(target), hub.PartnerKey{}, cr.ID, ""); err != nil {
					e.t.Error(err)
				}
			}
		})
	}
	for _, cr := range crs {
		next <- cr
	}
	close(next)
	wg.Wait()
	return crs
}

func stop(b *testing.B, r *jobs.Runner) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := r.Stop(ctx); err != nil {
		b.Fatal(err)
	}
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func report(b *testing.B, name string, ds []time.Duration) {
	b.ReportMetric(float64(percentile(ds, 50).Microseconds())/1000, name+"_p50_ms")
	b.ReportMetric(float64(percentile(ds, 99).Microseconds())/1000, name+"_p99_ms")
}

// noopArgs is the baseline's job: River's cost alone.
type noopArgs struct{}

func (noopArgs) Kind() string { return "bench_noop" }

type noopWorker struct {
	river.WorkerDefaults[noopArgs]
}

func (noopWorker) Work(context.Context, *river.Job[noopArgs]) error { return nil }

// riverBaseline measures River alone on e's database with cfg's polling:
// the insert-to-completion latency of a no-op job inserted alone, and
// no-op jobs completed per second when batch are inserted at once.
func riverBaseline(b *testing.B, e *env, cfg jobs.Config, probes, batch int) ([]time.Duration, float64) {
	workers := river.NewWorkers()
	river.AddWorker(workers, noopWorker{})
	client, err := river.NewClient(e.db.JobDriver(), &river.Config{
		Queues:            map[string]river.QueueConfig{"bench": {MaxWorkers: 4}},
		Workers:           workers,
		FetchPollInterval: cfg.PollInterval,
		FetchCooldown:     10 * time.Millisecond, // as jobs.Config's default
	})
	if err != nil {
		b.Fatal(err)
	}
	if err := client.Start(e.ctx); err != nil {
		b.Fatal(err)
	}
	defer func() { _ = client.Stop(e.ctx) }()
	opts := &river.InsertOpts{Queue: "bench"}
	wait := func(id int64) *rivertype.JobRow {
		for {
			j, err := client.JobGet(e.ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			if j.FinalizedAt != nil {
				return j
			}
			time.Sleep(time.Millisecond)
		}
	}
	var lat []time.Duration
	for range probes {
		res, err := client.Insert(e.ctx, noopArgs{}, opts)
		if err != nil {
			b.Fatal(err)
		}
		j := wait(res.Job.ID)
		lat = append(lat, j.FinalizedAt.Sub(j.CreatedAt))
	}
	params := make([]river.InsertManyParams, batch)
	for i := range params {
		params[i] = river.InsertManyParams{Args: noopArgs{}, InsertOpts: opts}
	}
	start := time.Now()
	res, err := client.InsertMany(e.ctx, params)
	if err != nil {
		b.Fatal(err)
	}
	var last time.Time
	for _, r := range res {
		if j := wait(r.Job.ID); j.FinalizedAt.After(last) {
			last = *j.FinalizedAt
		}
	}
	return lat, float64(batch) / last.Sub(start).Seconds()
}
