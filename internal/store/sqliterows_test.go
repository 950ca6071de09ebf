package store

import (
	"context"
	"database/sql"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// The SQLite row reader stores each value as database/sql's Scan does, for
// the pairings of column value and destination the store's reads use, and
// refuses NULL and mismatches as Scan does.
func TestSQLiteRowReaderScansAsDatabaseSQL(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rr := newSQLiteRowReader(db)
	defer rr.close()

	for _, tc := range []struct {
		expr string
		dest func() any // a fresh destination
	}{
		{"42", func() any { return new(int64) }},
		{"42", func() any { return new(int) }},
		{"42", func() any { return new(hub.Money) }},
		{"1", func() any { return new(bool) }},
		{"0", func() any { return new(bool) }},
		{"2", func() any { return new(bool) }},
		{"3 > 2", func() any { return new(bool) }},
		{"'text'", func() any { return new(string) }},
		{"'Partner User'", func() any { return new(hub.Role) }},
		{"x'6869'", func() any { return new(string) }},
		{"NULL", func() any { return new(string) }},
		{"NULL", func() any { return new(int64) }},
		{"NULL", func() any { return new(bool) }},
		{"NULL", func() any { return new(sql.NullInt64) }},
		{"7", func() any { return new(sql.NullInt64) }},
		{"'abc'", func() any { return new(int64) }},
		{"9223372036854775807", func() any { return new(int64) }},
	} {
		want, got := tc.dest(), tc.dest()
		wantErr := db.QueryRowContext(ctx, `SELECT `+tc.expr).Scan(want)
		gotErr := rr.scanRow(ctx, `SELECT `+tc.expr, nil, []any{got})
		if (gotErr != nil) != (wantErr != nil) {
			t.Errorf("SELECT %s into %T: error %v, database/sql's %v", tc.expr, got, gotErr, wantErr)
			continue
		}
		if wantErr == nil && !reflect.DeepEqual(got, want) {
			t.Errorf("SELECT %s into %T: %v, database/sql gives %v", tc.expr, got, reflect.ValueOf(got).Elem(), reflect.ValueOf(want).Elem())
		}
	}

	// Bound arguments, no row, and a destination count that is wrong.
	var s string
	if err := rr.scanRow(ctx, `SELECT $2 || $1`, []any{"b", "a"}, []any{&s}); err != nil || s != "ab" {
		t.Errorf("bound arguments: %q %v", s, err)
	}
	if err := rr.scanRow(ctx, `SELECT 1 WHERE 0`, nil, []any{&s}); err != sql.ErrNoRows {
		t.Errorf("no row: %v, want sql.ErrNoRows", err)
	}
	if err := rr.scanRow(ctx, `SELECT 1, 2`, nil, []any{&s}); err == nil {
		t.Error("two columns into one destination: no error")
	}
}

// Past maxCachedStmts statements the reader prepares and closes a
// statement per read instead of keeping it.
func TestSQLiteRowReaderBoundsItsStatements(t *testing.T) {
	ctx := context.Background()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rr := newSQLiteRowReader(db)
	defer rr.close()
	for i := range maxCachedStmts + 20 {
		var n int64
		if err := rr.scanRow(ctx, `SELECT `+strconv.Itoa(i), nil, []any{&n}); err != nil || n != int64(i) {
			t.Fatalf("statement %d: %d %v", i, n, err)
		}
	}
	if rr.n != maxCachedStmts {
		t.Errorf("%d statements kept, want %d", rr.n, maxCachedStmts)
	}
}
