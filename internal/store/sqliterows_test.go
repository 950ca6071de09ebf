package store

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// openSQLiteReadPool opens a pool of at most conns connections the way
// the store opens its read pool (sqliteReadConnector).
func openSQLiteReadPool(t *testing.T, conns int) *sql.DB {
	t.Helper()
	c, err := sqlite.NewConnector("file:" + filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(sqliteReadConnector{c})
	db.SetMaxOpenConns(conns)
	t.Cleanup(func() { db.Close() })
	return db
}

// The SQLite row reader stores each value as database/sql's Scan does, for
// the pairings of column value and destination the store's reads use, and
// refuses NULL and mismatches as Scan does.
func TestSQLiteRowReaderScansAsDatabaseSQL(t *testing.T) {
	ctx := context.Background()
	db := openSQLiteReadPool(t, 2)
	rr := sqliteRowReader{db}
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

// A connection keeps at most maxConnStmts statements; past them a read
// prepares its statement, finalizes it after use and still answers. A
// statement left unfinalized would keep its connection's files open
// after the connection closed.
func TestSQLiteRowReaderBoundsItsStatements(t *testing.T) {
	ctx := context.Background()
	countFiles := runtime.GOOS == "linux"
	warm := openSQLiteReadPool(t, 1) // what the first open loads for good
	if err := warm.PingContext(ctx); err != nil {
		t.Fatal(err)
	}
	warm.Close()
	before := 0
	if countFiles {
		before = openFDs(t)
	}
	db := openSQLiteReadPool(t, 1)
	rr := sqliteRowReader{db}
	for i := range maxConnStmts + 20 {
		var n int64
		if err := rr.scanRow(ctx, `SELECT `+strconv.Itoa(i), nil, []any{&n}); err != nil || n != int64(i) {
			t.Fatalf("statement %d: %d %v", i, n, err)
		}
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := conn.Raw(func(dc any) error {
		if n := len(dc.(*sqliteReadConn).stmts); n != maxConnStmts {
			t.Errorf("%d statements kept, want %d", n, maxConnStmts)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	conn.Close()
	db.Close()
	if !countFiles {
		t.Log("open files not counted: /proc/self/fd is Linux's")
		return
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d files open after the pool closed, %d before it opened: a statement past the bound was not finalized", after, before)
	}
}

// openFDs counts the process's open file descriptors.
func openFDs(t *testing.T) int {
	t.Helper()
	fds, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(fds)
}

// A read cancelled while it runs makes its connection unusable, and
// database/sql closes it: the statements that connection kept are
// finalized with it, so its files close, reads go on on new connections,
// and closing the store afterwards releases every file.
func TestSQLiteCancelledReadsCloseTheirConnectionsFiles(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("counts open files through /proc/self/fd, which only Linux has")
	}
	ctx := context.Background()
	open := func() *DB {
		db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db"), Options{ReadConns: 4})
		if err != nil {
			t.Fatal(err)
		}
		return db
	}
	warm := open() // the first open loads what the process keeps open for good
	warm.Close()

	before := openFDs(t)
	db := open()
	root, err := hub.NewService(db, hub.DefaultMaxDepth).CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	rr := sqliteRowReader{db.read}
	// Runs for many seconds unless interrupted.
	const slow = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 5000000000) SELECT count(*) FROM c`
	for i := range 12 {
		cctx, cancel := context.WithTimeout(ctx, 20*time.Millisecond)
		var n int64
		err := rr.scanRow(cctx, slow, nil, []any{&n})
		cancel()
		if err == nil {
			t.Fatalf("read %d: no error from a cancelled read", i+1)
		}
		// The read was interrupted, not refused before it ran: its
		// connection was the pool's only one, and database/sql closed it.
		if open := db.read.Stats().OpenConnections; open != 0 {
			t.Fatalf("read %d: %d connections open after a cancelled read, want 0 (discarded)", i+1, open)
		}
	}
	for i := range 12 {
		if p, err := db.Partner(ctx, hub.PartnerKey{SID: root.SID}); err != nil || p.ID != root.ID {
			t.Fatalf("read %d after the cancelled ones: %+v %v", i+1, p, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if after := openFDs(t); after != before {
		t.Errorf("%d files open after the store closed, %d before it opened", after, before)
	}
}
