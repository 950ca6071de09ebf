package loadtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"runtime"
	"strings"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Run seeds, serves and attacks as cfg says and returns the report. On an
// error it returns the report of what ran so far along with the error.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	rep := newReport(&cfg)
	dir := cfg.WorkDir
	if dir == "" {
		d, err := os.MkdirTemp("", "partnerhub-load-")
		if err != nil {
			return nil, err
		}
		dir = d
		if !cfg.Keep {
			defer os.RemoveAll(dir)
		}
	}
	h := &harness{cfg: &cfg, dir: dir, rep: rep}
	bin := cfg.Binary
	if bin == "" {
		h.logf("building %s", mainPackage)
		var err error
		if bin, err = BuildPartnerhub(ctx, dir); err != nil {
			return rep, err
		}
	}
	h.bin = partnerhub{path: bin}
	for _, engine := range cfg.Engines {
		if err := h.runEngine(ctx, engine); err != nil {
			rep.finish()
			return rep, fmt.Errorf("%s: %w", engine, err)
		}
	}
	rep.finish()
	return rep, nil
}

// harness is one run in progress.
type harness struct {
	cfg *Config
	dir string
	bin partnerhub
	rep *Report
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.cfg.Log, "%s "+format+"\n", append([]any{time.Now().Format("15:04:05")}, args...)...)
}

// fixture is a seeded database with what the scenarios need of it.
type fixture struct {
	db        *database
	tree      *tree
	admin     admin
	callers   *callers   // obtained at the first serve on it
	dialog360 *dialog360 // made at the first serve whose scenarios use it
}

// group is the scenarios that share one serve process.
type group struct {
	tree      Tree
	cache     bool
	scenarios []*Scenario
}

// groups orders the scenarios into serve processes by (tree, cache), in
// the order each pair first appears, and drops the Whole ones when there
// is no big tree.
func (h *harness) groups() []*group {
	var out []*group
	for i := range h.cfg.Scenarios {
		sc := &h.cfg.Scenarios[i]
		if sc.Tree == Whole && h.cfg.BigPartners == 0 {
			h.rep.Skipped = append(h.rep.Skipped, sc.Name+" (no big tree: -big-partners 0)")
			continue
		}
		var g *group
		for _, o := range out {
			if o.tree == sc.Tree && o.cache == sc.Cache {
				g = o
			}
		}
		if g == nil {
			g = &group{tree: sc.Tree, cache: sc.Cache}
			out = append(out, g)
		}
		g.scenarios = append(g.scenarios, sc)
	}
	return out
}

func (h *harness) runEngine(ctx context.Context, engine string) error {
	fixtures := map[Tree]*fixture{}
	defer func() {
		for _, fx := range fixtures {
			if h.cfg.Keep {
				h.logf("%s: kept database %s", engine, redact(fx.db.url))
			} else if err := fx.db.drop(); err != nil {
				h.logf("%s: could not drop %s: %v", engine, redact(fx.db.url), err)
			}
		}
	}()
	groups := h.groups()
	for _, g := range groups {
		fx := fixtures[g.tree]
		if fx == nil {
			var err error
			if fx, err = h.prepare(ctx, engine, g.tree); err != nil {
				return err
			}
			fixtures[g.tree] = fx
		}
		if err := h.runGroup(ctx, engine, fx, g); err != nil {
			return err
		}
	}
	return nil
}

// prepare creates, bootstraps and seeds the database of a tree and reads
// its ids.
func (h *harness) prepare(ctx context.Context, engine string, t Tree) (*fixture, error) {
	name, partners := "main", h.cfg.Partners
	if t == Whole {
		name, partners = "big", h.cfg.BigPartners
	}
	db, err := createDatabase(ctx, engine, h.cfg.PostgresURL, h.dir, name)
	if err != nil {
		return nil, err
	}
	fx := &fixture{db: db}
	if fx.admin, err = h.bin.bootstrap(ctx, db.url); err != nil {
		_ = db.drop()
		return nil, err
	}
	h.logf("%s: seeding the %s tree: %d partners, depth %d, fanout %d", engine, name, partners, h.cfg.Depth, h.cfg.Fanout)
	start := time.Now()
	if err := h.bin.seed(ctx, db.url, partners, h.cfg.Depth, h.cfg.Fanout); err != nil {
		_ = db.drop()
		return nil, err
	}
	if fx.tree, err = readTree(ctx, db); err != nil {
		_ = db.drop()
		return nil, err
	}
	h.logf("%s: seeded in %s; largest depth-1 branch: %d partners", engine, time.Since(start).Round(time.Millisecond), len(fx.tree.branch))
	return fx, nil
}

func (h *harness) runGroup(ctx context.Context, engine string, fx *fixture, g *group) (err error) {
	srv, err := h.bin.serve(ctx, fx.db.url, g.cache)
	if err != nil {
		return err
	}
	defer func() {
		if serr := srv.stop(); err == nil {
			err = serr
		}
	}()
	if fx.callers == nil {
		c, err := obtainCallers(ctx, srv.base, fx.admin, fx.tree)
		if err != nil {
			return err
		}
		fx.callers = &c
	}
	for _, sc := range g.scenarios {
		if sc.usesDialog360() && fx.dialog360 == nil {
			h.logf("%s: /api/v2 fixture: %d clients of the branch's partner, %d change requests into it", engine, dialog360Clients, dialog360Requests)
			d, err := setupDialog360(ctx, srv.base, *fx.callers, fx.tree)
			if err != nil {
				return err
			}
			fx.dialog360 = d
		}
	}
	for _, sc := range g.scenarios {
		if err := h.runScenario(ctx, engine, fx, srv, sc); err != nil {
			return err
		}
	}
	return nil
}

// runScenario records the scenario's answers, starts its baseline and,
// per connection count, attacks serve then the baseline.
func (h *harness) runScenario(ctx context.Context, engine string, fx *fixture, srv *server, sc *Scenario) error {
	ids, nums, auth := fx.tree.branch, fx.tree.branchIDs, fx.callers.branch
	if sc.Tree == Whole {
		ids, nums, auth = fx.tree.all, fx.tree.allIDs, fx.callers.root
	}
	if sc.Basic {
		auth = fx.admin.basic()
	}
	seed := h.cfg.Seed
	mkTarget := func() *target {
		t := newTarget(sc, ids, auth, seed).withIDs(nums, nums[0])
		if fx.dialog360 != nil {
			t.d = *fx.dialog360
		}
		return t
	}
	rec, err := record(ctx, srv.base, mkTarget(), sc, h.cfg.RecordIDs, seed)
	if err != nil {
		return err
	}
	bl, err := startBaseline(h.dir, rec.routes)
	if err != nil {
		return err
	}
	defer bl.stop()
	for _, conns := range h.cfg.Connections {
		row := Row{Engine: engine, Scenario: sc.Name, Tree: sc.Tree, Cache: sc.Cache, Connections: conns}
		var check func(*vegeta.Result)
		if sc.deterministic() {
			check = row.checker(srv.base, rec.bodies)
		}
		row.Serve = h.load(ctx, mkTarget().targeter(srv.base), conns, check)
		if m, err := readMemory(srv.pid()); err == nil {
			row.Memory = m
		}
		row.Baseline = h.load(ctx, mkTarget().targeter(bl.base), conns, nil)
		if row.Baseline.Rate > 0 {
			row.Ratio = row.Serve.Rate / row.Baseline.Rate
		}
		h.rep.Rows = append(h.rep.Rows, row)
		h.logf("%s", row.line())
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	return nil
}

// load is a warm-up attack (when configured) and the measured one.
func (h *harness) load(ctx context.Context, tr vegeta.Targeter, conns int, check func(*vegeta.Result)) Result {
	var warm Result
	if h.cfg.Warmup > 0 {
		warm = attack(ctx, tr, conns, h.cfg.Warmup, check)
	}
	res := attack(ctx, tr, conns, h.cfg.Duration, check)
	res.merge(warm)
	return res
}

// checker compares the body of every 2xx answer to a recorded URL with the
// recording, counting into the row.
func (row *Row) checker(base string, bodies map[string][]byte) func(*vegeta.Result) {
	return func(r *vegeta.Result) {
		if r.Code < 200 || r.Code > 299 {
			return
		}
		want, ok := bodies[strings.TrimPrefix(r.URL, base)]
		if !ok {
			return
		}
		row.Checked++
		if !bytes.Equal(r.Body, want) {
			row.Mismatches++
			if row.Mismatch == "" {
				row.Mismatch = fmt.Sprintf("%s %s: %d bytes, recorded %d: %.200q", r.Method, strings.TrimPrefix(r.URL, base), len(r.Body), len(want), r.Body)
			}
		}
	}
}

// loadAverage is /proc/loadavg's first three figures ("" elsewhere).
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return ""
	}
	return strings.Join(f[:3], " ")
}

func newReport(cfg *Config) *Report {
	return &Report{
		Started: time.Now().UTC(), CPUs: runtime.NumCPU(), GOMAXPROCS: runtime.GOMAXPROCS(0), LoadBefore: loadAverage(),
		Partners: cfg.Partners, BigPartners: cfg.BigPartners, Depth: cfg.Depth, Fanout: cfg.Fanout,
		Duration: cfg.Duration, Warmup: cfg.Warmup, Seed: cfg.Seed,
	}
}

func (r *Report) finish() { r.LoadAfter = loadAverage() }

// Problems lists every row with a non-2xx answer (serve's or the
// baseline's), a body unlike its recording, or no request at all.
func (r *Report) Problems() error {
	var errs []error
	for _, row := range r.Rows {
		name := fmt.Sprintf("%s %s conns=%d", row.Engine, row.Scenario, row.Connections)
		switch {
		case row.Serve.Requests == 0 || row.Baseline.Requests == 0:
			errs = append(errs, fmt.Errorf("%s: no request completed (serve %d, baseline %d)", name, row.Serve.Requests, row.Baseline.Requests))
		case row.Serve.NonOK > 0:
			of := fmt.Sprintf("%d requests", row.Serve.Requests)
			if row.Serve.Warmup > 0 {
				of = fmt.Sprintf("%d requests, warm-up included", row.Serve.Requests+row.Serve.Warmup)
			}
			errs = append(errs, fmt.Errorf("%s: serve answered %d non-2xx of %s (%s): %s", name, row.Serve.NonOK, of,
				row.Serve.statusSummary(), strings.Join(row.Serve.Errors, "; ")))
		case row.Baseline.NonOK > 0:
			errs = append(errs, fmt.Errorf("%s: the baseline answered %d non-2xx (%s)", name, row.Baseline.NonOK, row.Baseline.statusSummary()))
		}
		if row.Mismatches > 0 {
			errs = append(errs, fmt.Errorf("%s: %d of %d checked bodies differ from the recording; first: %s", name, row.Mismatches, row.Checked, row.Mismatch))
		}
	}
	return errors.Join(errs...)
}
