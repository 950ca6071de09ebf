package store

import (
	"context"
	"fmt"

	"github.com/riverqueue/river/rivermigrate"
)

// riverMigrateLockKey is the PostgreSQL advisory lock key that serializes
// River's migrations between replicas starting at once ("partnerhub
// river" folded into an int64).
const riverMigrateLockKey int64 = 0x7068726976657231

// migrateRiver applies River's pending migrations (its job tables) and
// returns how many it applied. On PostgreSQL a session advisory lock,
// held on a connection of its own, serializes replicas starting at once;
// River then applies each version in a transaction of its own (some of
// its versions cannot share one).
func (db *DB) migrateRiver(ctx context.Context) (int, error) {
	m, err := rivermigrate.New(db.jobDriver, nil)
	if err != nil {
		return 0, err
	}
	if db.d.name == "postgres" {
		conn, err := db.write.Conn(ctx)
		if err != nil {
			return 0, err
		}
		defer conn.Close()
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, riverMigrateLockKey); err != nil {
			return 0, err
		}
		defer func() {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, riverMigrateLockKey)
		}()
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return 0, err
	}
	return len(res.Versions), nil
}

// riverMigrationStatus lists River's migrations with their state.
func (db *DB) riverMigrationStatus(ctx context.Context) ([]MigrationStatus, error) {
	m, err := rivermigrate.New(db.jobDriver, nil)
	if err != nil {
		return nil, err
	}
	applied := map[int]bool{}
	existing, err := m.ExistingVersions(ctx)
	if err != nil {
		return nil, err
	}
	for _, v := range existing {
		applied[v.Version] = true
	}
	var out []MigrationStatus
	for _, v := range m.AllVersions() {
		out = append(out, MigrationStatus{Version: int64(v.Version), Name: fmt.Sprintf("river/%03d_%s", v.Version, v.Name), Applied: applied[v.Version]})
	}
	return out, nil
}
