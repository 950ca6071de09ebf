package store

import (
	"context"
	"fmt"
)

// Analyze refreshes the planner's statistics (SQLite: ANALYZE of every
// table; PostgreSQL: VACUUM (ANALYZE) of the tree's tables in the current
// schema, which also marks the pages index-only counts need not visit). Bulk loads call it: a plan
// chosen on statistics of an empty table can scan where an index serves.
func (db *DB) Analyze(ctx context.Context) error {
	stmt := `ANALYZE`
	if db.d.name == "postgres" {
		stmt = `VACUUM (ANALYZE) partners, clients, channels`
	}
	if _, err := db.write.ExecContext(ctx, stmt); err != nil {
		return fmt.Errorf("%s: %w", stmt, classify(db.d, err))
	}
	return nil
}
