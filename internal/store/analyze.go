package store

import (
	"context"
	"fmt"
	"strings"
)

// analyzedTables are the tables SQLite keeps statistics of (see Analyze).
var analyzedTables = []string{"partners", "partner_country_counts", "clients", "channels"}

var analyzedList = "'" + strings.Join(analyzedTables, "', '") + "'"

// Analyze refreshes the planner's statistics of the tree's tables
// (SQLite: ANALYZE of each; PostgreSQL: VACUUM (ANALYZE) in the current
// schema, which also marks the pages index-only counts need not visit).
// Bulk loads call it: a plan chosen on statistics of an empty table can
// scan where an index serves.
//
// On SQLite it analyzes the same tables (and the per-country totals)
// and keeps no statistics of any other: a table analyzed while it held a
// row or two (the bootstrap's user and token, before a bulk load) would
// be scanned in every join that reaches it by key, such as every token
// check, however large it grew; without statistics SQLite searches by
// key. It keeps sqlite_stat1 (rows per index key) and empties
// sqlite_stat4. This build of SQLite samples index keys into sqlite_stat4,
// and with samples present a statement comparing an indexed column to a
// bound parameter is prepared again (parsed and planned) each time its
// parameters change, which for a cached prepared statement is every call:
// 11-14 % of serve's CPU on a filtered list page under load. The store's
// statements choose their own plan shapes where a value matters (counts
// first, unindexed forms of a scope), so stat1's averages are what the
// planner needs from statistics. Connections opened later read the result.
func (db *DB) Analyze(ctx context.Context) error {
	if db.d.name == "postgres" {
		stmt := `VACUUM (ANALYZE) partners, clients, channels`
		if _, err := db.write.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("%s: %w", stmt, classify(db.d, err))
		}
		return nil
	}
	for _, table := range analyzedTables {
		if _, err := db.write.ExecContext(ctx, `ANALYZE `+table); err != nil {
			return fmt.Errorf("ANALYZE %s: %w", table, classify(db.d, err))
		}
	}
	if err := db.dropOtherStatistics(ctx); err != nil {
		return err
	}
	var stat4 int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat4'`).Scan(&stat4); err != nil {
		return fmt.Errorf("SQLite statistics tables: %w", classify(db.d, err))
	}
	if stat4 > 0 {
		if _, err := db.write.ExecContext(ctx, `DELETE FROM sqlite_stat4`); err != nil {
			return fmt.Errorf("emptying sqlite_stat4: %w", classify(db.d, err))
		}
	}
	return db.reloadStatistics(ctx)
}

// reloadStatistics makes the writer's connection plan with the
// statistics as they now are: a connection loads them when it opens, and
// deleting rows of sqlite_stat1 or sqlite_stat4 does not make it load
// them again (ANALYZE sqlite_schema does, and analyzes nothing).
func (db *DB) reloadStatistics(ctx context.Context) error {
	if _, err := db.write.ExecContext(ctx, `ANALYZE sqlite_schema`); err != nil {
		return fmt.Errorf("reloading SQLite's statistics: %w", classify(db.d, err))
	}
	return nil
}

// dropOtherStatistics deletes SQLite's statistics of every table Analyze
// does not keep them for (see Analyze). Migrate runs it too: an earlier
// release analyzed every table, users and tokens included, and a database
// it seeded would otherwise keep their scans in every token check. It
// writes only when there is something to delete (once, on the first open
// by this release), so an up-to-date database opens without a write. A
// connection reads the statistics when it opens; Open migrates before its
// read pool opens any, and the writer reloads them (reloadStatistics).
func (db *DB) dropOtherStatistics(ctx context.Context) error {
	if db.d.name != "sqlite" {
		return nil
	}
	var stat1 int
	if err := db.write.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'`).Scan(&stat1); err != nil {
		return fmt.Errorf("SQLite statistics tables: %w", classify(db.d, err))
	}
	if stat1 == 0 {
		return nil // never analyzed
	}
	var stale bool
	if err := db.write.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM sqlite_stat1 WHERE tbl NOT IN (`+analyzedList+`))`).Scan(&stale); err != nil {
		return fmt.Errorf("SQLite statistics: %w", classify(db.d, err))
	}
	if !stale {
		return nil
	}
	if _, err := db.write.ExecContext(ctx, `DELETE FROM sqlite_stat1 WHERE tbl NOT IN (`+analyzedList+`)`); err != nil {
		return fmt.Errorf("dropping statistics of other tables: %w", classify(db.d, err))
	}
	return db.reloadStatistics(ctx)
}
