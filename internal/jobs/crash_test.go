package jobs_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// crashDatabases opens the two engines for process tests: a SQLite file
// or a PostgreSQL schema, returned with the URL other processes use.
var crashDatabases = []struct {
	name string
	open func(t *testing.T) (*store.DB, string)
}{
	{"SQLite", func(t *testing.T) (*store.DB, string) {
		url := "sqlite:" + filepath.Join(t.TempDir(), "crash.db")
		db, err := store.Open(context.Background(), url, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db, url
	}},
	{"Postgres", func(t *testing.T) (*store.DB, string) {
		url := testdb.PostgresSchemaURL(t)
		return testdb.OpenPostgres(t, url), url
	}},
}

// TestCrashSafety: 100 approved change requests (half full, half partial)
// are migrated by `partnerhub worker` processes killed with SIGKILL at
// several points: after some migrations of a first batch, after more of
// a second approved while no worker ran, and during a third approved
// while the worker ran. After a last restart every request is completed
// exactly once: one completion each, clients and channels exactly where
// they belong, one copy per partial migration, no client left without
// channels, per-partner counts exact. Jobs left running by a killed
// worker are rescued after --job-rescue-after, once the next worker holds
// River's leadership (the dead leader's term runs out first), so the
// test waits up to a minute for the end.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary")
	}
	t.Parallel()
	for _, engine := range crashDatabases {
		t.Run(engine.name, func(t *testing.T) {
			t.Parallel()
			db, url := engine.open(t)
			e := newEnvOn(t, db)
			var sources, targets []*hub.Partner
			for i := range 4 {
				sources = append(sources, e.partner(e.root, "src-"+string(rune('a'+i))))
				targets = append(targets, e.partner(e.root, "dst-"+string(rune('a'+i))))
			}
			cases := e.prepare(100, sources, targets)
			stranded := 0
			kill := func(w *workerProc) {
				w.kill()
				stranded += int(e.count(`SELECT count(*) FROM river_job WHERE state = 'running'`))
			}
			approve := func(from, to int) {
				for _, mc := range cases[from:to] {
					e.approve(mc.dst, mc.cr)
				}
			}
			// Kill 1: part of a first batch migrated.
			approve(0, 40)
			w := startWorker(t, url, 1)
			e.waitCompleted(10, 60*time.Second)
			kill(w)
			// Kill 2: a second batch approved while no worker ran.
			approve(40, 70)
			w = startWorker(t, url, 2)
			e.waitCompleted(e.completed()+15, 60*time.Second)
			kill(w)
			// Kill 3: while a third batch is being approved; the approvals
			// go on through the kill and the restart.
			w = startWorker(t, url, 3)
			approved := make(chan struct{})
			go func() {
				defer close(approved)
				for _, mc := range cases[70:] {
					if _, err := e.svc.ApproveChangeRequest(e.ctx, principal(mc.dst), hub.PartnerKey{}, mc.cr.ID, ""); err != nil {
						t.Error(err)
						return
					}
					time.Sleep(2 * time.Millisecond)
				}
			}()
			e.waitCompleted(e.completed()+5, 60*time.Second)
			kill(w)
			t.Logf("killed three workers: %d of 100 requests completed, %d jobs left running by the dead", e.completed(), stranded)
			w = startWorker(t, url, 4)
			<-approved
			e.waitCompleted(100, 90*time.Second)
			w.stop()
			e.checkExactlyOnce(cases)
		})
	}
}

// TestReplicasShareMigrations: two `partnerhub worker` processes on one
// PostgreSQL database migrate 500 requests approved while both run: each
// exactly once, and both took a share.
func TestReplicasShareMigrations(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the real binary")
	}
	t.Parallel()
	url := testdb.PostgresSchemaURL(t)
	e := newEnvOn(t, testdb.OpenPostgres(t, url))
	sources := []*hub.Partner{e.partner(e.root, "src-a"), e.partner(e.root, "src-b")}
	targets := []*hub.Partner{e.partner(e.root, "dst-a"), e.partner(e.root, "dst-b")}
	cases := e.prepare(500, sources, targets)
	w1, w2 := startWorker(t, url, 1), startWorker(t, url, 2)
	w1.waitReady(30 * time.Second)
	w2.waitReady(30 * time.Second)
	for _, mc := range cases {
		e.approve(mc.dst, mc.cr)
	}
	e.waitCompleted(500, 120*time.Second)
	w1.stop()
	w2.stop()
	e.checkExactlyOnce(cases)
	workers := e.count(`SELECT count(DISTINCT attempted_by[1]) FROM river_job WHERE kind = $1`, hub.KindChangeRequestMigration)
	if workers != 2 {
		t.Fatalf("the migrations were worked by %d processes, want both", workers)
	}
}
