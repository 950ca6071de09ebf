package loadtest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	_ "modernc.org/sqlite"             // database/sql driver "sqlite"
)

// database is one database the harness made for one tree.
type database struct {
	engine string
	url    string       // as partnerhub's --database-url takes it
	drop   func() error // removes it (a no-op for SQLite: the work directory goes)
}

// createDatabase makes an empty database named after the tree: a SQLite
// file in dir, or partnerhub_load_<pid>_<name> on the PostgreSQL server
// of serverURL (dropped first if a crashed run left it).
func createDatabase(ctx context.Context, engine, serverURL, dir, name string) (*database, error) {
	if engine == SQLite {
		path := filepath.Join(dir, name+".db")
		return &database{engine: engine, url: "sqlite:" + path, drop: func() error { return nil }}, nil
	}
	u, err := url.Parse(serverURL)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return nil, fmt.Errorf("postgres URL %q: want a postgres:// URL", redact(serverURL))
	}
	admin, err := sql.Open("pgx", serverURL)
	if err != nil {
		return nil, err
	}
	dbName := fmt.Sprintf("partnerhub_load_%d_%s", os.Getpid(), name)
	ident := `"` + dbName + `"` // made of [a-z0-9_] only
	if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+ident+` WITH (FORCE)`); err != nil {
		admin.Close()
		return nil, fmt.Errorf("drop database %s: %w", dbName, err)
	}
	if _, err := admin.ExecContext(ctx, `CREATE DATABASE `+ident); err != nil {
		admin.Close()
		return nil, fmt.Errorf("create database %s: %w", dbName, err)
	}
	u.Path = "/" + dbName
	return &database{engine: engine, url: u.String(), drop: func() error {
		defer admin.Close()
		_, err := admin.ExecContext(context.Background(), `DROP DATABASE IF EXISTS `+ident+` WITH (FORCE)`)
		return err
	}}, nil
}

// redact hides a URL's password.
func redact(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		return u.Redacted()
	}
	return s
}

// tree holds the sids the random-id templates draw from.
type tree struct {
	all       []string // every partner, in id order (the root first)
	branchSID string   // the depth-1 partner with the largest subtree
	branch    []string // that subtree, the partner itself first, in id order
	// The numeric ids of the same partners, index for index (/api/v1 names
	// partners by id).
	allIDs, branchIDs []string
}

// readTree reads every partner's sid and path once, straight from the
// partners table (the one place the harness looks inside the service: a
// million sids through the list API would take minutes), and finds the
// largest depth-1 branch. Paths are materialised ancestries ("/1/32/517/"):
// a partner's depth-1 ancestor is its path up to the third slash.
func readTree(ctx context.Context, db *database) (*tree, error) {
	driver, dsn := "pgx", db.url
	if db.engine == SQLite {
		driver, dsn = "sqlite", "file:"+strings.TrimPrefix(db.url, "sqlite:")+"?mode=ro"
	}
	conn, err := sql.Open(driver, dsn)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	rows, err := conn.QueryContext(ctx, `SELECT sid, path, id FROM partners ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("reading the partners' sids: %w", err)
	}
	defer rows.Close()
	t := &tree{}
	var group []int32              // per partner: its branch's number, -1 for the root
	branches := map[string]int32{} // depth-1 path -> branch number
	var sizes []int
	var heads []string // per branch: the depth-1 partner's sid
	for rows.Next() {
		var sid, path string
		var id int64
		if err := rows.Scan(&sid, &path, &id); err != nil {
			return nil, err
		}
		t.all = append(t.all, sid)
		t.allIDs = append(t.allIDs, strconv.FormatInt(id, 10))
		prefix, ok := depth1Prefix(path)
		if !ok {
			group = append(group, -1)
			continue
		}
		g, seen := branches[prefix]
		if !seen {
			g = int32(len(sizes))
			branches[prefix] = g
			sizes, heads = append(sizes, 0), append(heads, "")
		}
		if prefix == path {
			heads[g] = sid
		}
		sizes[g]++
		group = append(group, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	best := -1
	for g, n := range sizes {
		if heads[g] != "" && (best < 0 || n > sizes[best]) {
			best = g
		}
	}
	if best < 0 {
		return nil, fmt.Errorf("the tree has no depth-1 partner (%d partners)", len(t.all))
	}
	t.branchSID = heads[best]
	t.branch = make([]string, 0, sizes[best])
	t.branchIDs = make([]string, 0, sizes[best])
	for i, g := range group {
		if int(g) == best {
			t.branch = append(t.branch, t.all[i])
			t.branchIDs = append(t.branchIDs, t.allIDs[i])
		}
	}
	// Ids grow downwards in a tree built top-down, but say so rather than
	// rely on it: the branch's own partner comes first.
	for i, sid := range t.branch {
		if sid == t.branchSID {
			t.branch[0], t.branch[i] = t.branch[i], t.branch[0]
			t.branchIDs[0], t.branchIDs[i] = t.branchIDs[i], t.branchIDs[0]
			break
		}
	}
	return t, nil
}

// depth1Prefix returns the path of a partner's depth-1 ancestor (itself at
// depth 1); false for the root.
func depth1Prefix(path string) (string, bool) {
	slashes := 0
	for i := 0; i < len(path); i++ {
		if path[i] == '/' {
			slashes++
			if slashes == 3 {
				return path[:i+1], true
			}
		}
	}
	return "", false
}
