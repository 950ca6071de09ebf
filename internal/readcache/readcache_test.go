package readcache_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/store"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// clock is a settable clock for TTL tests.
type clock struct{ ns atomic.Int64 }

func (c *clock) now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *clock) advance(d time.Duration) { c.ns.Add(int64(d)) }

// setup opens db, wraps it, and creates a root through the cached service.
func setup(t *testing.T, open func(testing.TB) *store.DB, opt readcache.Options) (*store.DB, *readcache.Store, *hub.Service, hub.Principal) {
	t.Helper()
	db := open(t)
	c := readcache.New(db, opt)
	svc := hub.NewService(c, hub.DefaultMaxDepth)
	root, err := svc.CreateRoot(context.Background(), &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	return db, c, svc, hub.SystemPrincipal(root, "test")
}

// adminToken creates a System Admin at sys's partner and issues it a
// token.
func adminToken(t *testing.T, svc *hub.Service, sys hub.Principal) *hub.IssuedToken {
	t.Helper()
	ctx := context.Background()
	svc.SetPasswordHasher(auth.Argon2id{})
	if _, err := svc.CreateUser(ctx, sys, &hub.User{Username: "u", FirstName: "U", LastName: "U", Email: "u@example.com",
		Role: hub.RoleSystemAdmin, PartnerID: sys.PartnerID, Active: true}, "password-123456"); err != nil {
		t.Fatal(err)
	}
	issued, err := svc.IssueTokenWithPassword(ctx, "u", "password-123456", hub.TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	return issued
}

func forEngines(t *testing.T, fn func(t *testing.T, open func(testing.TB) *store.DB)) {
	for _, e := range testdb.Engines {
		t.Run(e.Name, func(t *testing.T) { fn(t, e.Open) })
	}
}

// A write this process does not make (here: through a second, uncached
// service on the same database, as another replica or a command-line tool
// would) is served stale only until the entry's TTL runs out.
func TestOutsideWriteVisibleAfterTTL(t *testing.T) {
	forEngines(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		clk := &clock{}
		clk.ns.Store(time.Now().UnixNano())
		db, c, svc, sys := setup(t, open, readcache.Options{TTL: time.Second, Now: clk.now})
		p, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "before", ParentID: sys.PartnerID})
		if err != nil {
			t.Fatal(err)
		}
		if got, _ := svc.Partner(ctx, sys, hub.PartnerKey{SID: p.SID}); got.Name != "before" {
			t.Fatalf("name %q", got.Name)
		}
		other := hub.NewService(db, hub.DefaultMaxDepth) // bypasses the cache
		if _, err := other.UpdatePartner(ctx, sys, hub.PartnerKey{ID: p.ID}, 0, func(p *hub.Partner) error {
			p.Name = "after"
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		got, _ := svc.Partner(ctx, sys, hub.PartnerKey{SID: p.SID})
		if got.Name != "before" {
			t.Fatalf("within the TTL: name %q, want the cached %q (is the cache in the path?)", got.Name, "before")
		}
		clk.advance(time.Second)
		if got, _ := svc.Partner(ctx, sys, hub.PartnerKey{SID: p.SID}); got.Name != "after" {
			t.Fatalf("after the TTL: name %q, want %q", got.Name, "after")
		}
		if hits, misses := c.Stats(); hits == 0 || misses == 0 {
			t.Fatalf("hits %d, misses %d", hits, misses)
		}
	})
}

// Callers own the objects they get: changing one changes nothing cached.
func TestObjectsAreCopies(t *testing.T) {
	ctx := context.Background()
	_, _, svc, sys := setup(t, testdb.SQLite, readcache.Options{TTL: time.Hour})
	p, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "P", ParentID: sys.PartnerID,
		Attributes: map[string]string{"tier": "gold"},
		ACLs:       []map[string]any{{"direction": "outbound", "access_control_rules": []any{"a"}}}})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second round reads from the cache
		got, err := svc.Partner(ctx, sys, hub.PartnerKey{ID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != "P" || got.Attributes["tier"] != "gold" || got.ACLs[0]["access_control_rules"].([]any)[0] != "a" {
			t.Fatalf("got %+v", got)
		}
		got.Name = "changed"
		got.Attributes["tier"] = "changed"
		got.ACLs[0]["access_control_rules"].([]any)[0] = "changed"
	}
}

// List pages are shared; with Verify, a caller that modifies one is caught
// at the next hit.
func TestVerifyCatchesModifiedPages(t *testing.T) {
	ctx := context.Background()
	_, _, svc, sys := setup(t, testdb.SQLite, readcache.Options{TTL: time.Hour, Verify: true})
	if _, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "P", ParentID: sys.PartnerID,
		Attributes: map[string]string{"tier": "gold"}}); err != nil {
		t.Fatal(err)
	}
	list := func() hub.Page[hub.Partner] {
		page, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{})
		if err != nil {
			t.Fatal(err)
		}
		return page
	}
	list()
	page := list() // a hit, unmodified: fine
	page.Items[1].Attributes["tier"] = "changed"
	defer func() {
		if recover() == nil {
			t.Fatal("a modified page was served without a panic")
		}
	}()
	list()
}

// Recording a token's last access evicts only that token: the partners
// and users stay cached.
func TestTouchEvictsOnlyTheToken(t *testing.T) {
	ctx := context.Background()
	_, c, svc, sys := setup(t, testdb.SQLite, readcache.Options{TTL: time.Hour})
	issued := adminToken(t, svc, sys)
	auth := func(ip string) {
		t.Helper()
		if _, err := svc.AuthenticateToken(ctx, issued.Access, ip); err != nil {
			t.Fatal(err)
		}
	}
	auth("192.0.2.1") // first use: touches the token
	auth("192.0.2.1") // reads the touched token, then the cache
	h0, m0 := c.Stats()
	auth("192.0.2.1")
	h1, m1 := c.Stats()
	if m1 != m0 || h1-h0 != 1 { // the token with its user and the user's partner
		t.Fatalf("steady state: %d hits, %d misses; want 1 hit, 0 misses", h1-h0, m1-m0)
	}
	auth("192.0.2.2") // another address: a touch, which evicts the token only
	auth("192.0.2.2")
	h2, m2 := c.Stats()
	if m2-m1 != 1 || h2-h1 != 1 {
		t.Fatalf("after a touch: %d hits, %d misses; want 1 hit, 1 miss (the token)", h2-h1, m2-m1)
	}
}

// A read that starts after a write has returned sees that write, however
// reads and writes interleave: readers race writers and check that every
// version they see is at least the last one a writer had finished when
// the read began.
func TestReadsNeverGoBackInTime(t *testing.T) {
	forEngines(t, func(t *testing.T, open func(testing.TB) *store.DB) {
		ctx := context.Background()
		_, _, svc, sys := setup(t, open, readcache.Options{TTL: time.Hour})
		p, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: "v", ParentID: sys.PartnerID})
		if err != nil {
			t.Fatal(err)
		}
		var done atomic.Int64 // the highest version a finished write produced
		done.Store(p.Version)
		var wg sync.WaitGroup
		stop := make(chan struct{})
		errs := make(chan error, 8)
		wg.Add(1)
		go func() { // writer
			defer wg.Done()
			defer close(stop)
			for i := range 30 {
				got, err := svc.UpdatePartner(ctx, sys, hub.PartnerKey{ID: p.ID}, 0, func(p *hub.Partner) error {
					p.Name = fmt.Sprintf("v%d", i)
					return nil
				})
				if err != nil {
					errs <- err
					return
				}
				done.Store(got.Version)
			}
		}()
		for range 3 {
			wg.Add(1)
			go func() { // readers
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					default:
					}
					floor := done.Load()
					got, err := svc.Partner(ctx, sys, hub.PartnerKey{SID: p.SID})
					if err != nil {
						errs <- err
						return
					}
					if got.Version < floor {
						errs <- fmt.Errorf("read version %d after version %d was written", got.Version, floor)
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
	})
}

// The cache stays within its bounds.
func TestBounds(t *testing.T) {
	ctx := context.Background()
	_, c, svc, sys := setup(t, testdb.SQLite, readcache.Options{TTL: time.Hour, MaxEntries: 16, MaxListItems: 40})
	var ids []int64
	for i := range 40 {
		p, err := svc.CreatePartner(ctx, sys, &hub.Partner{Name: fmt.Sprint("p", i), ParentID: sys.PartnerID})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, p.ID)
	}
	for _, id := range ids {
		if _, err := svc.Partner(ctx, sys, hub.PartnerKey{ID: id}); err != nil {
			t.Fatal(err)
		}
	}
	for off := range 10 {
		if _, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Limit: 9, Offset: off}); err != nil {
			t.Fatal(err)
		}
	}
	objects, listItems := c.Size()
	if objects > 16 || listItems > 40 {
		t.Fatalf("%d objects (max 16), %d list items (max 40)", objects, listItems)
	}
	// A page above a quarter of the list budget is not kept.
	_, before := c.Size()
	if _, err := svc.ListPartners(ctx, sys, hub.PartnerKey{}, hub.ListQuery{Limit: 11, Offset: 3}); err != nil {
		t.Fatal(err)
	}
	if _, after := c.Size(); after != before {
		t.Fatalf("an 11-item page changed the list items from %d to %d", before, after)
	}
}

// pausingStore holds a token read between the database read and its
// return, so a test can slip a write in between.
type pausingStore struct {
	hub.Store
	read, release chan struct{}
}

func (p *pausingStore) TokenCredentials(ctx context.Context, h string) (*hub.TokenCredentials, error) {
	t, err := p.Store.TokenCredentials(ctx, h)
	if p.read != nil {
		p.read <- struct{}{}
		<-p.release
	}
	return t, err
}

// A read racing a metadata-only write (a token touch) must not put back
// the row from before the touch once the touch has returned.
func TestTouchRacingReadIsNotStored(t *testing.T) {
	ctx := context.Background()
	db := testdb.SQLite(t)
	ps := &pausingStore{Store: db}
	c := readcache.New(ps, readcache.Options{TTL: time.Hour})
	svc := hub.NewService(c, hub.DefaultMaxDepth)
	svc.SetPasswordHasher(auth.Argon2id{})
	root, err := svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	if err != nil {
		t.Fatal(err)
	}
	sys := hub.SystemPrincipal(root, "test")
	if _, err := svc.CreateUser(ctx, sys, &hub.User{Username: "u", FirstName: "U", LastName: "U", Email: "u@example.com",
		Role: hub.RoleSystemAdmin, PartnerID: root.ID, Active: true}, "password-123456"); err != nil {
		t.Fatal(err)
	}
	issued, err := svc.IssueTokenWithPassword(ctx, "u", "password-123456", hub.TokenRequest{})
	if err != nil {
		t.Fatal(err)
	}
	hash := hub.HashSecret(issued.Access)
	ps.read, ps.release = make(chan struct{}), make(chan struct{})
	done := make(chan *hub.TokenCredentials)
	go func() {
		tok, err := c.TokenCredentials(ctx, hash) // reads the untouched row, then waits
		if err != nil {
			t.Error(err)
		}
		done <- tok
	}()
	<-ps.read
	at := time.Now().UTC().Truncate(time.Second)
	if err := c.Write(ctx, func(tx hub.Tx) error { return tx.TouchToken(ctx, issued.Token.ID, at, "192.0.2.9", at) }); err != nil {
		t.Fatal(err)
	}
	close(ps.release)
	if old := <-done; old.Token.LastAccessIP == "192.0.2.9" {
		t.Fatal("the racing read saw the touch; the test did not race")
	}
	ps.read = nil
	tok, err := c.TokenCredentials(ctx, hash)
	if err != nil {
		t.Fatal(err)
	}
	if tok.Token.LastAccessIP != "192.0.2.9" {
		t.Fatalf("after the touch returned, the cache served the row from before it (last access IP %q)", tok.Token.LastAccessIP)
	}
}
