package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

// TestWorkerCommand: `partnerhub worker` migrates a change request
// approved before it started and stops cleanly when its context ends;
// migrate status lists River's migrations beside ours; bad job flags are
// refused.
func TestWorkerCommand(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "worker.db")
	getenv := func(k string) string {
		if k == "PARTNERHUB_DATABASE_URL" {
			return dbURL
		}
		return ""
	}
	db, err := store.Open(ctx, dbURL, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	svc := hub.NewService(db, 0)
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root", Status: hub.StatusActive})
	if err != nil {
		t.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "test")
	var partners [2]*hub.Partner
	for i := range partners {
		if partners[i], err = svc.CreatePartner(ctx, sys, &hub.Partner{Name: "P", ParentID: root.ID, Status: hub.StatusActive}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := svc.CreateClient(ctx, sys, &hub.Client{Name: "moving", PartnerID: partners[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	cr, err := svc.CreateChangeRequest(ctx, sys, hub.PartnerKey{}, hub.NewChangeRequest{ClientID: c.ID, Target: hub.PartnerKey{Ref: partners[1].Ref}})
	if err == nil {
		_, err = svc.ApproveChangeRequest(ctx, sys, hub.PartnerKey{}, cr.ID, "")
	}
	if err != nil {
		t.Fatal(err)
	}

	wctx, stop := context.WithCancel(ctx)
	var out syncBuffer
	done := make(chan error, 1)
	go func() { done <- run(wctx, []string{"worker", "--job-poll-interval", "20ms"}, getenv, &out, &out) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, err := db.ChangeRequest(ctx, cr.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		if got.Status == hub.ChangeRequestCompleted {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("request %s after 30s; worker output:\n%s", got.Status, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("worker: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "workers stopped") {
		t.Fatalf("no graceful stop in the log:\n%s", out.String())
	}

	var status bytes.Buffer
	if err := run(ctx, []string{"migrate", "status"}, getenv, &status, &status); err != nil || !strings.Contains(status.String(), "applied  river/") ||
		strings.Contains(status.String(), "  pending  ") {
		t.Fatalf("migrate status: %v\n%s", err, status.String())
	}
	for _, bad := range [][]string{
		{"worker", "--migration-workers", "0"},
		{"worker", "--job-timeout", "2m", "--job-rescue-after", "1m"},
		{"worker", "--job-poll-interval", "1ms"},
		{"worker", "--webhook-backoff", "0"},
		{"worker", "--allow-private-webhooks=perhaps"},
		{"serve", "--job-stop-timeout", "-1s"},
		{"serve", "--run-jobs=sometimes"},
	} {
		var sink bytes.Buffer
		if err := run(ctx, bad, getenv, &sink, &sink); err == nil {
			t.Fatalf("%v: accepted", bad)
		}
	}
}
