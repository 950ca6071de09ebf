package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strconv"
	"strings"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/partnerhub/partnerhub/internal/store/migrations"
)

// MigrationStatus is one migration and whether it is applied: ours, then
// River's (named "river/...", numbered in River's own sequence).
type MigrationStatus struct {
	Version int64
	Name    string
	Applied bool
}

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations.FS, db.d.name)
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if db.d.lockTree != nil {
		// PostgreSQL: a session advisory lock, so replicas starting at once
		// apply each migration exactly once.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(db.d.goose, db.write, sub, opts...)
}

// Migrate applies every pending migration and returns how many it
// applied. On SQLite it also drops statistics an earlier release kept of
// tables Analyze leaves unanalyzed (dropOtherStatistics).
func (db *DB) Migrate(ctx context.Context) (int, error) {
	p, err := db.provider()
	if err != nil {
		return 0, fmt.Errorf("migrations: %w", err)
	}
	res, err := p.Up(ctx)
	if err != nil {
		return len(res), fmt.Errorf("migrate up: %w", redact(err))
	}
	n, err := db.migrateRiver(ctx)
	if err != nil {
		return len(res) + n, fmt.Errorf("migrate up (River's job tables): %w", redact(err))
	}
	if err := db.dropOtherStatistics(ctx); err != nil {
		return len(res) + n, err
	}
	return len(res) + n, nil
}

// MigrationStatus lists every known migration with its state.
func (db *DB) MigrationStatus(ctx context.Context) ([]MigrationStatus, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, redact(err)
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	river, err := db.riverMigrationStatus(ctx)
	if err != nil {
		return nil, redact(err)
	}
	return append(out, river...), nil
}

// pendingMigrations compares the newest applied version with the newest
// embedded one in a single cheap query, so /readyz can call it often.
func (db *DB) pendingMigrations(ctx context.Context) (bool, error) {
	var applied sql.NullInt64
	err := db.read.QueryRowContext(ctx, `SELECT max(version_id) FROM goose_db_version WHERE is_applied`).Scan(&applied)
	if err != nil {
		return true, err
	}
	want, err := latestMigration(db.d.name)
	if err != nil {
		return true, err
	}
	return applied.Int64 < want, nil
}

// latestMigration returns the highest version embedded for a dialect.
func latestMigration(dialect string) (int64, error) {
	entries, err := fs.ReadDir(migrations.FS, dialect)
	if err != nil {
		return 0, err
	}
	var latest int64
	for _, e := range entries {
		v, err := migrationVersion(e.Name())
		if err != nil {
			return 0, err
		}
		latest = max(latest, v)
	}
	return latest, nil
}

// migrationVersion parses the leading number of "00001_name.sql".
func migrationVersion(name string) (int64, error) {
	num, _, ok := strings.Cut(name, "_")
	v, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil {
		return 0, fmt.Errorf("migration %q: name must start with a version number and '_'", name)
	}
	return v, nil
}
