package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

// TestMigration7Backfill: on a database holding partners from before
// migration 7 (suspended subtrees, stored logins), the migration counts
// every partner's suspended or inactive ancestors and turns each login
// that can be a username into a login user without a password; a login
// that cannot (not a username, or taken regardless of case) stays as it
// was. The result then behaves like data written by the service.
func TestMigration7Backfill(t *testing.T) {
	onEachEngineAt(t, 6, func(t *testing.T, ctx context.Context, db *store.DB) {
		now := time.Now().UTC()
		type row struct {
			id, parent    int64
			status, login string
			wantSusp      int
			wantUser      bool
		}
		// 1 root; 2 suspended under it; 3 inactive under 2; 4 active
		// under 3; 5 active under 1; 6 suspended leaf under 5.
		rows := []row{
			{1, 0, "active", "", 0, false},
			{2, 1, "suspended", "Two.Login", 1, true},
			{3, 2, "inactive", "two.login", 2, false}, // taken by 2 in another case
			{4, 3, "active", "has space", 2, false},   // not a username
			{5, 1, "active", "taken", 0, false},       // already a username
			{6, 5, "suspended", "six", 1, true},
		}
		paths := map[int64]string{}
		err := db.WriteSQL(ctx, func(tx *sql.Tx) error {
			for _, r := range rows {
				path := fmt.Sprintf("/%d/", r.id)
				var parent sql.NullInt64
				if r.parent != 0 {
					path = paths[r.parent] + fmt.Sprintf("%d/", r.id)
					parent = sql.NullInt64{Int64: r.parent, Valid: true}
				}
				paths[r.id] = path
				if _, err := tx.ExecContext(ctx, `INSERT INTO partners (id, sid, ref, parent_id, path, depth, name, status, login, created_at, modified_at)
						VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)`,
					r.id, hub.NewSID(), hub.NewRef(hub.PartnerRefSuffix), parent, path, hub.PathDepth(path), "P", r.status, r.login, now); err != nil {
					return err
				}
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO users (username, username_key, role, partner_id, created_at, modified_at)
					VALUES ('TAKEN', 'taken', 'Partner User', 1, $1, $1)`, now)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		// Up to 7, then on to the latest: the service reads the schema
		// of this build.
		if err := db.MigrateTo(ctx, 7); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		svc := hub.NewService(db, 8)
		root, err := db.RootPartner(ctx)
		if err != nil {
			t.Fatal(err)
		}
		sys := hub.SystemPrincipal(root, "test")
		for _, r := range rows {
			p, err := svc.Partner(ctx, sys, hub.PartnerKey{ID: r.id})
			if err != nil {
				t.Fatal(err)
			}
			if p.Suspensions != r.wantSusp || p.Login != r.login {
				t.Errorf("partner %d: suspensions %d login %q, want %d %q", r.id, p.Suspensions, p.Login, r.wantSusp, r.login)
			}
			if (p.ContactUserID != 0) != r.wantUser {
				t.Errorf("partner %d: contact user %d, want one: %v", r.id, p.ContactUserID, r.wantUser)
				continue
			}
			if r.wantUser {
				u, err := svc.User(ctx, sys, p.ContactUserID)
				if err != nil || u.Username != r.login || u.Role != hub.RolePartnerSupervisor || u.PartnerID != r.id || !u.Active {
					t.Errorf("partner %d login user: %+v %v", r.id, u, err)
				}
			}
		}
		// The counts are maintained from here on like the service's own.
		if _, err := svc.UpdatePartner(ctx, sys, hub.PartnerKey{ID: 2}, 0, func(p *hub.Partner) error { p.Status = hub.StatusActive; return nil }); err != nil {
			t.Fatal(err)
		}
		if p, _ := svc.Partner(ctx, sys, hub.PartnerKey{ID: 4}); p.Suspensions != 1 {
			t.Fatalf("partner 4 after 2 was reactivated: suspensions %d, want 1", p.Suspensions)
		}
	})
}
