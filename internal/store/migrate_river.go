package store

import (
	"context"
	"fmt"

	"github.com/riverqueue/river/rivermigrate"
)

// riverMigrateLock names the PostgreSQL advisory lock that serializes
// River's migrations between replicas starting at once: one per schema,
// so databases sharing a server (tests) do not wait for each other.
const riverMigrateLock = `hashtextextended('partnerhub river migrations ' || current_schema(), 0)`

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
		if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(`+riverMigrateLock+`)`); err != nil {
			return 0, err
		}
		defer func() {
			_, _ = conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(`+riverMigrateLock+`)`)
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
