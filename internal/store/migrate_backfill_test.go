package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// oldRow is one partner written with SQL of an earlier schema, as a
// database an earlier build left behind holds it.
type oldRow struct {
	id, parent int64
	country    string
}

// insertOldRows writes rows (parents before their children) with the
// columns every schema version has, and returns their SIDs by id.
func insertOldRows(t *testing.T, db *store.DB, rows []oldRow) map[int64]string {
	t.Helper()
	ctx := context.Background()
	now := time.Now().UTC()
	paths, sids := map[int64]string{}, map[int64]string{}
	err := db.WriteSQL(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			path := fmt.Sprintf("/%d/", r.id)
			var parent sql.NullInt64
			if r.parent != 0 {
				path = paths[r.parent] + fmt.Sprintf("%d/", r.id)
				parent = sql.NullInt64{Int64: r.parent, Valid: true}
			}
			paths[r.id], sids[r.id] = path, hub.NewSID()
			if _, err := tx.ExecContext(ctx, `INSERT INTO partners (id, sid, ref, parent_id, path, depth, name, status, country_code, created_at, modified_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', $8, $9, $9)`,
				r.id, sids[r.id], hub.NewRef(hub.PartnerRefSuffix), parent, path, hub.PathDepth(path), fmt.Sprintf("P%d", r.id), r.country, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sids
}

// onEachEngine runs fn, in parallel, on a new database of each engine.
func onEachEngine(t *testing.T, fn func(t *testing.T, ctx context.Context, db *store.DB)) {
	t.Parallel()
	for _, engine := range testdb.Engines {
		t.Run(engine.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, context.Background(), engine.Open(t))
		})
	}
}

// onEachEngineAt runs fn like onEachEngine, on a database whose schema is
// at version v.
func onEachEngineAt(t *testing.T, v int64, fn func(t *testing.T, ctx context.Context, db *store.DB)) {
	onEachEngine(t, func(t *testing.T, ctx context.Context, db *store.DB) {
		if err := db.MigrateTo(ctx, v); err != nil {
			t.Fatal(err)
		}
		fn(t, ctx, db)
	})
}

// TestMigration19Backfill: on a tree written before migration 19, the
// migration counts each country's partners, and the root's country totals
// (read from those counts) equal a count of the rows; down and up again
// (down, which drops the table and its triggers, then up) gives the same.
func TestMigration19Backfill(t *testing.T) {
	onEachEngineAt(t, 18, func(t *testing.T, ctx context.Context, db *store.DB) {
		rows := []oldRow{{id: 1, country: "USA"}}
		for i := range 7 {
			rows = append(rows, oldRow{id: int64(i + 2), parent: 1, country: []string{"USA", "CAN"}[i%2]})
		}
		insertOldRows(t, db, rows)
		svc := hub.NewService(db, 8)
		check := func(when string) {
			t.Helper()
			root, err := db.RootPartner(ctx)
			if err != nil {
				t.Fatal(err)
			}
			sys := hub.SystemPrincipal(root, "test")
			for c, want := range map[string]int64{"USA": 5, "CAN": 3, "MEX": 0} {
				page, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Filter: parseFilter(t, `country_code eq `+c), Limit: 1})
				if err != nil {
					t.Fatal(err)
				}
				if page.Total != want {
					t.Errorf("%s: total of %s %d, want %d", when, c, page.Total, want)
				}
			}
		}
		// The service reads this build's schema: check at the latest
		// version only, having gone through 19 down and up again.
		for i, v := range []int64{19, 18, 19} {
			if err := db.MigrateTo(ctx, v); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			check(fmt.Sprintf("step %d, from version %d up", i, v))
			if err := db.MigrateTo(ctx, v); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestMigration20ParentSID: on a tree written before migration 20, the
// migration stores each partner's parent SID in its row (down and up
// again gives the same); a row an earlier build writes after it (parent
// SID left empty) still reads its parent's SID.
func TestMigration20ParentSID(t *testing.T) {
	onEachEngineAt(t, 19, func(t *testing.T, ctx context.Context, db *store.DB) {
		// Ids far above the sequence's, so that the service's inserts below
		// do not meet them.
		rows := []oldRow{{id: 1001}, {id: 1002, parent: 1001}, {id: 1003, parent: 1002}, {id: 1004, parent: 1001}}
		sids := insertOldRows(t, db, rows)
		for i, v := range []int64{20, 19, 20} {
			if err := db.MigrateTo(ctx, v); err != nil {
				t.Fatal(err)
			}
			if v != 20 {
				continue
			}
			if _, err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			checkParentSIDs(t, db, fmt.Sprintf("step %d", i), rows, sids)
			if err := db.MigrateTo(ctx, v); err != nil {
				t.Fatal(err)
			}
		}
		// An earlier build's insert leaves parent_sid at its default.
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		late := oldRow{id: 1005, parent: 1003}
		err := db.WriteSQL(ctx, func(tx *sql.Tx) error {
			sids[1005] = hub.NewSID()
			_, err := tx.ExecContext(ctx, `INSERT INTO partners (id, sid, ref, parent_id, path, depth, name, status, created_at, modified_at)
					VALUES (1005, $1, $2, 1003, '/1001/1002/1003/1005/', 3, 'P5', 'active', $3, $3)`, sids[1005], hub.NewRef(hub.PartnerRefSuffix), time.Now().UTC())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.Partner(ctx, hub.PartnerKey{ID: late.id})
		if err != nil {
			t.Fatal(err)
		}
		if p.ParentSID != sids[late.parent] {
			t.Errorf("a row without its parent SID reads parent SID %q, want %q", p.ParentSID, sids[late.parent])
		}
		// This build writes the column wherever a partner is inserted
		// (one at a time or in bulk) or moves.
		svc := hub.NewService(db, 8)
		root, err := db.RootPartner(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sys := hub.SystemPrincipal(root, "test")
		created, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "created", ParentID: 1002})
		if err != nil {
			t.Fatal(err)
		}
		sids[created.ID] = created.SID
		if _, err := svc.MovePartner(ctx, sys, hub.PartnerKey{ID: 1003}, 1004, 0); err != nil {
			t.Fatal(err)
		}
		first, err := db.ReservePartnerIDs(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		four, err := db.Partner(ctx, hub.PartnerKey{ID: 1004})
		if err != nil {
			t.Fatal(err)
		}
		bulk := hub.Partner{ID: first, SID: hub.NewSID(), Ref: hub.NewRef(hub.PartnerRefSuffix), ParentID: 1004,
			Path: hub.ChildPath(four.Path, first), Depth: four.Depth + 1, Name: "bulk", Status: hub.StatusActive,
			Version: 1, CreatedAt: now, ModifiedAt: now}
		if err := db.BulkInsertPartners(ctx, []hub.Partner{bulk}); err == nil {
			t.Error("a bulk insert of a partner without its parent SID was taken")
		}
		bulk.ParentSID = four.SID
		if err := db.BulkInsertPartners(ctx, []hub.Partner{bulk}); err != nil {
			t.Fatal(err)
		}
		sids[bulk.ID] = bulk.SID
		after := []oldRow{{id: 1002, parent: 1001}, {id: 1003, parent: 1004}, {id: 1004, parent: 1001},
			{id: created.ID, parent: 1002}, {id: bulk.ID, parent: 1004}}
		checkParentSIDs(t, db, "after this build's writes", after, sids)
		// An earlier build's move writes parent_id (and paths) alone: the
		// row's parent SID follows it all the same.
		err = db.WriteSQL(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE partners SET parent_id = 1004 WHERE id = $1`, created.ID)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		after[3].parent = 1004
		checkParentSIDs(t, db, "after an earlier build's move", after, sids)
	})
}

// checkParentSIDs checks that each row stores and reads its parent's SID.
func checkParentSIDs(t *testing.T, db *store.DB, when string, rows []oldRow, sids map[int64]string) {
	t.Helper()
	ctx := context.Background()
	for _, r := range rows {
		var stored string
		err := db.WriteSQL(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT parent_sid FROM partners WHERE id = $1`, r.id).Scan(&stored)
		})
		if err != nil {
			t.Fatal(err)
		}
		p, err := db.Partner(ctx, hub.PartnerKey{ID: r.id})
		if err != nil {
			t.Fatal(err)
		}
		if want := sids[r.parent]; stored != want || p.ParentSID != want {
			t.Errorf("%s: partner %d stores parent SID %q and reads %q, want %q", when, r.id, stored, p.ParentSID, want)
		}
	}
}
