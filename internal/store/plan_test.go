package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/seed"
	"github.com/partnerhub/partnerhub/internal/store"
)

// The query-plan tests: on a small seeded (and analyzed) tree, the
// statements of the list shapes issue 11's aims name must be served by
// index searches, so that a later change cannot silently lose an index or
// write a query form that defeats one. They read plans, never timings.

func TestQueryPlansSQLite(t *testing.T)   { testQueryPlans(t, openSQLite(t)) }
func TestQueryPlansPostgres(t *testing.T) { testQueryPlans(t, openPostgres(t)) }

// planCheck judges the plan of one statement; a non-empty answer is the
// fault found.
type planCheck func(p plan) string

// plan is one statement's plan in both engines' forms (one of them set).
type plan struct {
	sqlite []string // EXPLAIN QUERY PLAN lines, indented by level
	pg     *pgNode  // the root node of EXPLAIN (FORMAT JSON)
}

type pgNode struct {
	NodeType  string    `json:"Node Type"`
	Relation  string    `json:"Relation Name"`
	IndexName string    `json:"Index Name"`
	IndexCond string    `json:"Index Cond"`
	Plans     []*pgNode `json:"Plans"`
}

func (n *pgNode) walk(fn func(n *pgNode, depth int), depth int) {
	fn(n, depth)
	for _, c := range n.Plans {
		c.walk(fn, depth+1)
	}
}

func (p plan) String() string {
	if p.pg == nil {
		return strings.Join(p.sqlite, "\n")
	}
	var b strings.Builder
	p.pg.walk(func(n *pgNode, depth int) {
		fmt.Fprintf(&b, "%s%s %s %s %s\n", strings.Repeat("  ", depth), n.NodeType, n.Relation, n.IndexName, n.IndexCond)
	}, 0)
	return b.String()
}

// noFullScan: no statement reads a whole table or a whole index of the
// partners (SQLite "SCAN"; PostgreSQL "Seq Scan").
func noFullScan(p plan) string {
	if p.pg == nil {
		for _, l := range p.sqlite {
			// list_page is a page's ids (at most a page of rows), read
			// in order to look their rows up.
			if l := strings.TrimSpace(l); strings.HasPrefix(l, "SCAN ") && l != "SCAN list_page" {
				return "a full scan: " + l
			}
		}
		return ""
	}
	var fault string
	p.pg.walk(func(n *pgNode, _ int) {
		if n.NodeType == "Seq Scan" && fault == "" {
			fault = "a sequential scan of " + n.Relation
		}
	}, 0)
	return fault
}

// noFullScanOf: no full scan of the named tables (SQLite: by the name or
// alias the plan shows; PostgreSQL: by relation). The tables a statement
// joins by key are checked this way where another one it joins may be
// small enough for a scan to be the planner's right choice.
func noFullScanOf(names ...string) planCheck {
	return func(p plan) string {
		if p.pg == nil {
			for _, l := range p.sqlite {
				table, scan := strings.CutPrefix(strings.TrimSpace(l), "SCAN ")
				table, _, _ = strings.Cut(table, " ")
				if scan && slices.Contains(names, table) {
					return "a full scan: " + strings.TrimSpace(l)
				}
			}
			return ""
		}
		var fault string
		p.pg.walk(func(n *pgNode, _ int) {
			if n.NodeType == "Seq Scan" && slices.Contains(names, n.Relation) && fault == "" {
				fault = "a sequential scan of " + n.Relation
			}
		}, 0)
		return fault
	}
}

// searches: the partners are read through a search (a range or equality
// condition) on the named index.
func searches(index string) planCheck {
	return func(p plan) string {
		if p.pg == nil {
			for _, l := range p.sqlite {
				l = strings.TrimSpace(l)
				if strings.HasPrefix(l, "SEARCH partners USING ") && strings.Contains(l, " "+index+" (") {
					return ""
				}
			}
			return "no search on " + index
		}
		found := false
		p.pg.walk(func(n *pgNode, _ int) {
			found = found || n.IndexName == index && n.IndexCond != ""
		}, 0)
		if !found {
			return "no index condition on " + index
		}
		return ""
	}
}

// searchesPath: the partners are read through a range of paths on some
// index (the subtree's range; which index is the planner's choice).
func searchesPath(p plan) string {
	if p.pg == nil {
		for _, l := range p.sqlite {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, "SEARCH partners USING ") && strings.Contains(l, "path>? AND path<?") {
				return ""
			}
		}
		return "no search on a range of paths"
	}
	found := false
	p.pg.walk(func(n *pgNode, _ int) {
		found = found || strings.Contains(n.IndexCond, "path >=")
	}, 0)
	if !found {
		return "no index condition on a range of paths"
	}
	return ""
}

// inIndexOrder: the page's rows come in order from the index walked, and
// are looked up by id in that order: no sort, neither of the matches nor
// of the page's rows (SQLite: no temporary B-tree; PostgreSQL: no Sort
// node).
func inIndexOrder(p plan) string {
	if p.pg == nil {
		for _, l := range p.sqlite {
			if strings.Contains(l, "TEMP B-TREE") {
				return "a sort: " + strings.TrimSpace(l)
			}
		}
		return ""
	}
	var fault string
	p.pg.walk(func(n *pgNode, _ int) {
		if n.NodeType == "Sort" || n.NodeType == "Incremental Sort" {
			fault = "a sort"
		}
	}, 0)
	return fault
}

// readsCountryCount: the total is one row of partner_country_counts,
// found by its key, and no statement counts partners_country_path's
// entries.
func readsCountryCount(p plan) string {
	if p.pg == nil {
		found := false
		for _, l := range p.sqlite {
			l = strings.TrimSpace(l)
			if strings.Contains(l, "partners_country_path") {
				return "a walk of partners_country_path: " + l
			}
			found = found || strings.HasPrefix(l, "SEARCH partner_country_counts USING PRIMARY KEY (country_code=?)")
		}
		if !found {
			return "no search of partner_country_counts by its key"
		}
		return ""
	}
	found, fault := false, ""
	p.pg.walk(func(n *pgNode, _ int) {
		found = found || n.IndexName == "partner_country_counts_pkey" && n.IndexCond != ""
		if n.IndexName == "partners_country_path" {
			fault = "a walk of partners_country_path"
		}
	}, 0)
	if fault == "" && !found {
		fault = "no index condition on partner_country_counts_pkey"
	}
	return fault
}

func testQueryPlans(t *testing.T, db *store.DB) {
	ctx := context.Background()
	svc := hub.NewService(db, hub.DefaultMaxDepth)
	// 10,000 partners: each of the root's ten breadth-first children
	// heads about 1,100, of which about 140 are in each country.
	res, err := seed.Run(ctx, db, svc, seed.Config{Partners: 10_000, Depth: 5, Fanout: 10}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if db.Dialect() == "sqlite" {
		// seed's Analyze keeps the averages and drops the key samples
		// (with them, SQLite re-prepares a statement whenever its bound
		// values change): the plans below are chosen without samples.
		var stat1, stat4 int
		err := db.WriteSQL(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM sqlite_stat1), (SELECT count(*) FROM sqlite_stat4)`).Scan(&stat1, &stat4)
		})
		if err != nil || stat1 == 0 || stat4 != 0 {
			t.Fatalf("after seeding: %d rows in sqlite_stat1, %d in sqlite_stat4 (%v); want some, none", stat1, stat4, err)
		}
	}
	reads, custom, err := db.PlanCacheModes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if wantCustom := map[string]string{"postgres": "force_custom_plan"}[db.Dialect()]; custom != wantCustom || db.Dialect() == "postgres" && reads != "auto" {
		t.Fatalf("plan_cache_mode: reads %q, custom-plan reads %q; want auto and %q", reads, custom, wantCustom)
	}
	sys := hub.SystemPrincipal(res.Root, "test")
	kids, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{
		Filter: parseFilter(t, fmt.Sprintf("parent_id eq %d and id ne %d", res.Root.ID, res.Spine[0])), Limit: 1})
	if err != nil || len(kids.Items) == 0 {
		t.Fatalf("a branch: %v", err)
	}
	branch := kids.Items[0]
	usa := parseFilter(t, `country_code eq USA`)
	byName := []hub.OrderTerm{{Field: "contact_name"}}
	// A short page, so that the branch's matches are many pages' worth:
	// the shape of the harness's 100-row page over a larger branch.
	const limit = 5

	tokenHash := planToken(t, svc, res.Root)
	credentialsByKeys := noFullScanOf(credentialTables...)
	planner, err := db.TokenCredentials(ctx, tokenHash)
	if err != nil {
		t.Fatal(err)
	}

	sidIndex := map[string]string{"sqlite": "sqlite_autoindex_partners_1", "postgres": "partners_sid_key"}[db.Dialect()]
	pkIndex := map[string]string{"sqlite": "INTEGER PRIMARY KEY", "postgres": "partners_pkey"}[db.Dialect()]
	pkSearch := func(p plan) string {
		if p.pg == nil {
			for _, l := range p.sqlite {
				if strings.Contains(l, "SEARCH partners USING INTEGER PRIMARY KEY (rowid=?)") {
					return ""
				}
			}
			return "no search by rowid"
		}
		return searches(pkIndex)(p)
	}
	countryPage := []planCheck{noFullScan, searches("partners_country_contact"), inIndexOrder}
	countryCount := []planCheck{noFullScan, searches("partners_country_path")}
	// The root's subtree is the whole tree: its total per country is
	// kept (migration 00019), not counted.
	rootCountryCount := []planCheck{noFullScan, readsCountryCount}

	for _, tc := range []struct {
		name string
		run  func() error
		// want holds, per statement the store runs, the checks of its plan.
		want [][]planCheck
		// page: the last statement is a partner page, which PostgreSQL
		// plans with its values (listSpec.customPlans).
		page bool
	}{
		{"branch page, country eq, order name, exact total", func() error {
			_, err := db.ListPartners(ctx, branch.Path, hub.ListQuery{Filter: usa, Order: byName, Limit: limit})
			return err
		}, [][]planCheck{countryCount, countryPage}, true},
		{"root page, country eq, order name, exact total", func() error {
			_, err := db.ListPartners(ctx, res.Root.Path, hub.ListQuery{Filter: usa, Order: byName, Limit: limit})
			return err
		}, [][]planCheck{rootCountryCount, countryPage}, true},
		{"branch default page", func() error {
			_, err := db.ListPartners(ctx, branch.Path, hub.ListQuery{Limit: limit})
			return err
		}, [][]planCheck{{noFullScan, searchesPath}, {noFullScan}}, true},
		{"GET by id", func() error {
			_, err := db.Partner(ctx, hub.PartnerKey{ID: branch.ID})
			return err
		}, [][]planCheck{{noFullScan, pkSearch}}, false},
		{"GET by sid", func() error {
			_, err := db.Partner(ctx, hub.PartnerKey{SID: branch.SID})
			return err
		}, [][]planCheck{{noFullScan, searches(sidIndex)}}, false},
		{"token check", func() error {
			_, err := db.TokenCredentials(ctx, tokenHash)
			return err
		}, [][]planCheck{{credentialsByKeys}}, false},
		{"token check with the partner read ahead, by sid", func() error {
			_, _, err := db.PartnerWithTokenCredentials(ctx, hub.PartnerKey{SID: branch.SID}, tokenHash)
			return err
		}, [][]planCheck{{credentialsByKeys, searches(sidIndex)}}, false},
		{"user with the partner read ahead, by id", func() error {
			_, _, err := db.PartnerWithUser(ctx, hub.PartnerKey{ID: branch.ID}, planner.User.ID)
			return err
		}, [][]planCheck{{credentialsByKeys, pkSearch}}, false},
	} {
		if db.Dialect() == "postgres" && len(tc.want) == 2 {
			// PostgreSQL folds a list's count into its page's statement
			// (a scalar subquery): one plan must pass both statements'
			// checks.
			tc.want = [][]planCheck{append(slices.Clone(tc.want[0]), tc.want[1]...)}
		}
		t.Run(tc.name, func(t *testing.T) {
			stop := db.RecordReads()
			err := tc.run()
			stmts := stop()
			if err != nil {
				t.Fatal(err)
			}
			if len(stmts) != len(tc.want) {
				t.Fatalf("%d statements, want %d: %+v", len(stmts), len(tc.want), stmts)
			}
			for i, s := range stmts {
				wantCustom := db.Dialect() == "postgres" && tc.page && i == len(stmts)-1
				if s.Custom != wantCustom {
					t.Errorf("statement %d ran on the custom-plan sessions: %v, want %v", i+1, s.Custom, wantCustom)
				}
				p := explain(t, db, s)
				for _, check := range tc.want[i] {
					if fault := check(p); fault != "" {
						t.Errorf("statement %d: %s\n%s\nplan:\n%s", i+1, fault, s.SQL, p)
					}
				}
			}
		})
	}
}

// credentialTables are the tables a token check reaches by their keys
// (PostgreSQL relations, SQLite tables and aliases). The client of a
// user is among them only when joined; its table may be small enough for
// a scan to be the planner's right choice.
var credentialTables = []string{"partners", "tokens", "users", "t", "p", "u", "up"}

// planToken creates a user at root and returns the access hash of a
// token issued to it.
func planToken(t *testing.T, svc *hub.Service, root *hub.Partner) string {
	t.Helper()
	ctx := context.Background()
	svc.SetPasswordHasher(auth.Argon2id{})
	const password = "plans are checked here"
	if _, err := svc.CreateUser(ctx, hub.SystemPrincipal(root, "test"), &hub.User{Username: "planner", FirstName: "P", LastName: "L",
		Email: "p@example.com", Role: hub.RolePartnerSupervisor, PartnerID: root.ID, Active: true}, password); err != nil {
		t.Fatal(err)
	}
	pr, _, err := svc.AuthenticatePassword(ctx, "planner", password)
	if err != nil {
		t.Fatal(err)
	}
	issued, err := svc.IssueToken(ctx, pr, hub.TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return hub.HashSecret(issued.Access)
}

// Statistics taken while the users and tokens hold a row each (a bulk
// load after bootstrap analyzes) must not make the token check of a
// later connection scan those tables, which by then may hold thousands:
// Analyze keeps statistics of the tree's tables only.
func TestTokenCheckPlanAfterEarlyStatisticsSQLite(t *testing.T) {
	checkTokenCheckPlanAfterSeed(t, nil)
}

// A database an earlier release seeded keeps statistics of users and
// tokens taken while they held the bootstrap's rows; opening it drops them,
// and the token check searches by key again.
func TestTokenCheckPlanAfterAnEarlierReleasesStatisticsSQLite(t *testing.T) {
	checkTokenCheckPlanAfterSeed(t, func(ctx context.Context, db *store.DB) error {
		// What an earlier release's Analyze left: every table analyzed.
		return db.WriteSQL(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `ANALYZE`)
			return err
		})
	})
}

// checkTokenCheckPlanAfterSeed issues the bootstrap admin's token, bulk
// loads (which analyzes), runs then (when set), reopens the database
// (connections read the statistics when they open) and fails when the
// token check's plan scans a credential table.
func checkTokenCheckPlanAfterSeed(t *testing.T, then func(context.Context, *store.DB) error) {
	ctx := context.Background()
	url := "sqlite:" + filepath.Join(t.TempDir(), "plans.db")
	db := openSQLiteURL(t, url)
	svc := hub.NewService(db, hub.DefaultMaxDepth)
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	tokenHash := planToken(t, svc, root)
	if _, err := seed.Run(ctx, db, svc, seed.Config{Partners: 500, Depth: 3, Fanout: 8}, nil); err != nil {
		t.Fatal(err)
	}
	if then != nil {
		if err := then(ctx, db); err != nil {
			t.Fatal(err)
		}
	}
	db = openSQLiteURL(t, url)
	stop := db.RecordReads()
	_, err = db.TokenCredentials(ctx, tokenHash)
	stmts := stop()
	if err != nil || len(stmts) != 1 {
		t.Fatalf("token check: %v, %d statements", err, len(stmts))
	}
	if p := explain(t, db, stmts[0]); noFullScanOf(credentialTables...)(p) != "" {
		t.Errorf("%s\nplan:\n%s", noFullScanOf(credentialTables...)(p), p)
	}
	// The writer, open before Migrate changed the statistics, plans with
	// them as they are too (a read in a write transaction).
	out, err := db.ExplainWriter(ctx, stmts[0])
	if err != nil {
		t.Fatal(err)
	}
	if p := (plan{sqlite: strings.Split(strings.TrimRight(out, "\n"), "\n")}); noFullScanOf(credentialTables...)(p) != "" {
		t.Errorf("writer: %s\nplan:\n%s", noFullScanOf(credentialTables...)(p), p)
	}
}

// A database whose statistics are current opens without writing: another
// process holding the write lock (a bulk load) does not make Open wait
// for it or fail.
func TestOpenAnalyzedSQLiteWritesNothing(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "plans.db")
	db := openSQLiteURL(t, "sqlite:"+path)
	svc := hub.NewService(db, hub.DefaultMaxDepth)
	if _, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"}); err != nil {
		t.Fatal(err)
	}
	if _, err := seed.Run(ctx, db, svc, seed.Config{Partners: 100, Depth: 2, Fanout: 10}, nil); err != nil {
		t.Fatal(err)
	}
	other, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}
	defer conn.ExecContext(ctx, `ROLLBACK`)
	octx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	again, err := store.Open(octx, "sqlite:"+path, store.Options{})
	if err != nil {
		t.Fatalf("open while another connection holds the write lock: %v", err)
	}
	again.Close()
}

func explain(t *testing.T, db *store.DB, s store.Statement) plan {
	t.Helper()
	out, err := db.Explain(context.Background(), s)
	if err != nil {
		t.Fatalf("explain %s: %v", s.SQL, err)
	}
	if db.Dialect() != "postgres" {
		return plan{sqlite: strings.Split(strings.TrimRight(out, "\n"), "\n")}
	}
	var doc []struct {
		Plan *pgNode `json:"Plan"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil || len(doc) != 1 {
		t.Fatalf("EXPLAIN (FORMAT JSON): %v in %s", err, out)
	}
	return plan{pg: doc[0].Plan}
}

func parseFilter(t *testing.T, s string) filter.Expr {
	t.Helper()
	e, err := filter.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return e
}
