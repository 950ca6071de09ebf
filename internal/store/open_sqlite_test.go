package store

import (
	"context"
	"path/filepath"
	"testing"
)

// TestSQLiteReadersDoNotMapByDefault checks that read connections copy
// pages rather than map the file (a mapping per connection charges the
// process the file once per reader), unless the URL asks for a mapping.
func TestSQLiteReadersDoNotMapByDefault(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		query string
		want  int64
	}{{"", 0}, {"?_pragma=mmap_size(1048576)", 1 << 20}} {
		db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "t.db")+tc.query, Options{ReadConns: 2})
		if err != nil {
			t.Fatal(err)
		}
		var got int64
		if err := db.read.QueryRowContext(ctx, `PRAGMA mmap_size`).Scan(&got); err != nil {
			t.Fatal(err)
		}
		db.Close()
		if got != tc.want {
			t.Errorf("URL %q: readers' mmap_size %d, want %d", tc.query, got, tc.want)
		}
	}
}
