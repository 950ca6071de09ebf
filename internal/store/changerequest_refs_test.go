package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

// TestInsertChangeRequestNamingAVanishedRow: a request whose partner or
// client was deleted after the domain checked it (a race the store cannot
// rule out on PostgreSQL) is refused as a Conflict, the answer for any
// vanished reference, not as an internal error from the copied ref's NOT
// NULL.
func TestInsertChangeRequestNamingAVanishedRow(t *testing.T) {
	onEachEngine(t, func(t *testing.T, ctx context.Context, db *store.DB) {
		svc := hub.NewService(db, 8)
		root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root", CountryCode: "USA"})
		if err != nil {
			t.Fatal(err)
		}
		sys := hub.SystemPrincipal(root, "test")
		c, err := svc.CreateClient(ctx, sys, &hub.Client{Name: "client", PartnerID: root.ID})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		for name, cr := range map[string]hub.ChangeRequest{
			"target partner": {SourceClientID: c.ID, SourcePartnerID: root.ID, TargetPartnerID: root.ID + 1000},
			"source client":  {SourceClientID: c.ID + 1000, SourcePartnerID: root.ID, TargetPartnerID: root.ID},
		} {
			cr.Ref, cr.Status, cr.Version, cr.CreatedAt, cr.ModifiedAt = hub.NewRef(hub.ChangeRequestRefSuffix), hub.ChangeRequestCreated, 1, now, now
			err := db.Write(ctx, func(tx hub.Tx) error { return tx.InsertChangeRequest(ctx, &cr) })
			if !hub.IsKind(err, hub.Conflict) {
				t.Errorf("%s deleted: err %v, want a Conflict", name, err)
			}
		}
	})
}
