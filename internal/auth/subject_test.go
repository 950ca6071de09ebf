package auth_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// storedSubjects returns every subject in the throttle's tables.
func storedSubjects(t *testing.T, db *store.DB) []string {
	t.Helper()
	var subjects []string
	err := db.WriteSQL(t.Context(), func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT subject FROM login_failures UNION ALL SELECT subject FROM login_successes`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				return err
			}
			subjects = append(subjects, s)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(subjects)
	return subjects
}

// unkeyedDigests returns the hex SHA-256 digests anyone could compute
// from a username and a network to test guesses against a dump: the
// former subject scheme and plain digests of the parts.
func unkeyedDigests(username, network string) []string {
	var out []string
	for _, parts := range [][]string{{username}, {username, network}, {network}} {
		for _, prefix := range []string{"", "partnerhub login failure\x00"} {
			h := sha256.New()
			h.Write([]byte(prefix + strings.Join(parts, "\x00")))
			out = append(out, hex.EncodeToString(h.Sum(nil)))
		}
	}
	return out
}

// TestSubjectsAreKeyed: what the throttle stores is an HMAC under a key
// kept in the database: no stored subject holds the username (here a
// password typed into the username field) or any unkeyed SHA-256 of it,
// and two replicas (two Authenticators on two handles of one database)
// compute the same subjects, while another database has another key.
// Regression: subjects were unkeyed SHA-256, so a dump let anyone test
// guesses of what was typed as the username offline.
func TestSubjectsAreKeyed(t *testing.T) {
	t.Parallel()
	for _, eng := range []struct {
		name string
		url  func(t *testing.T) string
	}{
		{"SQLite", func(t *testing.T) string { return "sqlite:" + filepath.Join(t.TempDir(), "keyed.db") }},
		{"Postgres", func(t *testing.T) string { return testdb.PostgresSchemaURL(t) }},
	} {
		t.Run(eng.name, func(t *testing.T) {
			t.Parallel()
			url := eng.url(t)
			db1, db2 := openDB(t, url), openDB(t, url)
			e := setupOn(t, db1)
			svc2 := hub.NewService(db2, 0)
			svc2.SetPasswordHasher(e.hasher)
			one := e.newAuth(auth.Config{Failures: db1})
			two := auth.NewAuthenticator(svc2, auth.Config{Failures: db2, Now: e.clk.now})
			const typed, ip = "Tr0ub4dor&3 horse", "192.0.2.9" // a password in the username field
			_, err := one.Basic(e.ctx, typed, "whatever", ip)
			wantKind(t, err, hub.Unauthenticated, "an unknown username")
			if _, err := two.Basic(e.ctx, "alice", password, ip); err != nil {
				t.Fatal(err)
			}
			stored := storedSubjects(t, db1)
			if len(stored) != 4 { // the pair, the username, the network; alice's success
				t.Fatalf("stored subjects %q, want 4", stored)
			}
			for _, s := range stored {
				for _, d := range append(unkeyedDigests(typed, ip), unkeyedDigests(strings.ToLower(typed), ip)...) {
					if strings.Contains(s, d) {
						t.Fatalf("stored subject %q is an unkeyed digest", s)
					}
				}
				if strings.Contains(strings.ToLower(s), "tr0ub4dor") || strings.Contains(s, ip) {
					t.Fatalf("stored subject %q holds what the client sent", s)
				}
			}
			// Both replicas name the stored rows alike.
			for _, s := range []string{auth.PairSubject(one, typed, ip), auth.PairSubject(two, typed, ip),
				auth.SuccessSubject(one, "alice", ip), auth.SuccessSubject(two, "ALICE", ip)} {
				if !slices.Contains(stored, s) {
					t.Fatalf("subject %q computed by a replica is not stored (stored: %q)", s, stored)
				}
			}
			// Another database keys its subjects with another key.
			other := setup(t)
			if s := auth.PairSubject(other.auth, typed, ip); slices.Contains(stored, s) {
				t.Fatalf("another database computed the same subject %q", s)
			}
		})
	}
}

func openDB(t *testing.T, url string) *store.DB {
	t.Helper()
	if strings.HasPrefix(url, "sqlite:") {
		return openURL(t, url)
	}
	return testdb.OpenPostgres(t, url)
}
