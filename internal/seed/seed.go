// Package seed builds a synthetic partner tree, with clients and channels,
// for demos and benchmarks. It loads in batched transactions below the
// domain, so a million partners take minutes.
package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/store"
)

// Config shapes the synthetic tree.
type Config struct {
	Partners          int64 // partners to add under the root
	Depth             int   // deepest level; a spine chain reaches it
	Fanout            int   // children per partner in the breadth-first fill
	ClientsPerPartner int
	ChannelsPerClient int
	BatchSize         int // partners per transaction; 0 = 10,000
}

// Validate checks the configuration against the tree's depth bound.
func (c *Config) Validate(maxDepth int) error {
	switch {
	case c.Partners < 1 || c.Partners > 50_000_000:
		return errors.New("--partners must be between 1 and 50,000,000")
	case c.Depth < 1 || c.Depth > maxDepth:
		return fmt.Errorf("--depth must be between 1 and --max-depth (%d)", maxDepth)
	case int64(c.Depth) > c.Partners:
		return errors.New("--depth cannot exceed --partners (the spine needs one partner per level)")
	case c.Fanout < 1 || c.Fanout > 100_000:
		return errors.New("--fanout must be between 1 and 100,000")
	case c.ClientsPerPartner < 0 || c.ClientsPerPartner > 1000:
		return errors.New("--clients-per-partner must be between 0 and 1000")
	case c.ChannelsPerClient < 0 || c.ChannelsPerClient > 1000:
		return errors.New("--channels-per-client must be between 0 and 1000")
	}
	if capacity := c.capacity(); capacity < c.Partners {
		return fmt.Errorf("depth %d with fanout %d holds only %d partners: raise --fanout or --depth", c.Depth, c.Fanout, capacity)
	}
	if c.BatchSize <= 0 {
		c.BatchSize = 10_000
	}
	return nil
}

// capacity counts the partners the shape can hold: the spine plus a full
// Fanout-ary tree of Depth levels under the root (saturating).
func (c *Config) capacity() int64 {
	total, level := int64(c.Depth), int64(1)
	for range c.Depth {
		level *= int64(c.Fanout)
		total += level
		if total >= c.Partners || level > 1<<40 {
			return max(total, c.Partners)
		}
	}
	return total
}

// Progress receives the number of partners written so far out of total.
type Progress func(done, total int64)

// Result describes what was loaded.
type Result struct {
	Root                        *hub.Partner
	Partners, Clients, Channels int64
	Elapsed                     time.Duration
	// Spine holds the ids of the chain from depth 1 to Depth, so callers
	// (benchmarks) can find a partner at any depth.
	Spine []int64
}

// Run adds the tree under the existing root (creating the root on an empty
// database). The shape: first a spine chain of Depth partners, then a
// breadth-first fill under the root with Fanout children per partner,
// never deeper than Depth.
func Run(ctx context.Context, db *store.DB, svc *hub.Service, cfg Config, progress Progress) (*Result, error) {
	if err := cfg.Validate(svc.MaxDepth()); err != nil {
		return nil, err
	}
	start := time.Now()
	root, err := db.RootPartner(ctx)
	if hub.IsKind(err, hub.NotFound) {
		root, err = svc.CreateRoot(ctx, &hub.Partner{Name: "Root"})
	}
	if err != nil {
		return nil, err
	}
	first, err := db.ReservePartnerIDs(ctx, cfg.Partners)
	if err != nil {
		return nil, err
	}
	g := &generator{cfg: cfg, next: first, now: time.Now().UTC().Truncate(time.Microsecond), res: &Result{Root: root}}
	g.phone = 10_000_000_000 + first*int64(max(1, cfg.ClientsPerPartner*cfg.ChannelsPerClient))
	batch := make([]hub.Partner, 0, cfg.BatchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := db.BulkInsertPartners(ctx, batch); err != nil {
			return err
		}
		if err := g.loadClients(ctx, db, batch); err != nil {
			return err
		}
		g.res.Partners += int64(len(batch))
		if progress != nil {
			progress(g.res.Partners, cfg.Partners)
		}
		batch = batch[:0]
		return ctx.Err()
	}
	emit := func(p hub.Partner) error {
		batch = append(batch, p)
		if len(batch) == cfg.BatchSize {
			return flush()
		}
		return nil
	}
	// Spine.
	parent := node{root.ID, root.SID, root.Path, root.Depth}
	for range cfg.Depth {
		p := g.partner(parent)
		g.res.Spine = append(g.res.Spine, p.ID)
		if err := emit(p); err != nil {
			return nil, err
		}
		parent = node{p.ID, p.SID, p.Path, p.Depth}
	}
	// Breadth-first fill: a queue of parents, each taking Fanout children.
	queue := []node{{root.ID, root.SID, root.Path, root.Depth}}
	for head := 0; g.made < cfg.Partners && head < len(queue); head++ {
		par := queue[head]
		for range cfg.Fanout {
			if g.made == cfg.Partners {
				break
			}
			p := g.partner(par)
			if p.Depth < cfg.Depth {
				queue = append(queue, node{p.ID, p.SID, p.Path, p.Depth})
			}
			if err := emit(p); err != nil {
				return nil, err
			}
		}
	}
	if err := flush(); err != nil {
		return nil, err
	}
	// Plans of the tree's lists are chosen on statistics of its size.
	if err := db.Analyze(ctx); err != nil {
		return nil, err
	}
	g.res.Elapsed = time.Since(start)
	return g.res, nil
}

type generator struct {
	cfg   Config
	next  int64
	made  int64
	phone int64
	now   time.Time
	res   *Result
}

var countries = []string{"USA", "CAN", "MEX", "GBR", "DEU", "FRA", "BRA", "IND"}
var tiers = []string{"gold", "silver", "bronze"}

// node is the little the fill needs to know of a future parent.
type node struct {
	id    int64
	sid   string
	path  string
	depth int
}

func (g *generator) partner(parent node) hub.Partner {
	id := g.next
	g.next++
	g.made++
	return hub.Partner{
		ID: id, SID: hub.NewSID(), Ref: hub.NewRef(hub.PartnerRefSuffix), ParentID: parent.id, ParentSID: parent.sid,
		Path: hub.ChildPath(parent.path, id), Depth: parent.depth + 1,
		Name: fmt.Sprintf("Partner %d", id), ContactName: fmt.Sprintf("Contact %d", id%997),
		Status: hub.StatusActive, Version: 1, CountryCode: countries[id%int64(len(countries))],
		City: fmt.Sprintf("City %d", id%101), PaymentType: hub.PaymentPrepay, DailySpendingLimit: 500 * hub.MoneyScale,
		Attributes: map[string]string{"tier": tiers[id%int64(len(tiers))]},
		CreatedAt:  g.now, ModifiedAt: g.now,
	}
}

func (g *generator) loadClients(ctx context.Context, db *store.DB, partners []hub.Partner) error {
	if g.cfg.ClientsPerPartner == 0 {
		return nil
	}
	var cs []hub.Client
	var chans []hub.Channel
	for _, p := range partners {
		for c := range g.cfg.ClientsPerPartner {
			cs = append(cs, hub.Client{Ref: hub.NewRef(hub.ClientRefSuffix), PartnerID: p.ID, Name: fmt.Sprintf("Client %d-%d", p.ID, c),
				Status: hub.ClientActive, Version: 1, CreatedAt: g.now, ModifiedAt: g.now})
			for range g.cfg.ChannelsPerClient {
				g.phone++
				chans = append(chans, hub.Channel{Ref: hub.NewRef(hub.ChannelRefSuffix), ClientID: int64(len(cs) - 1),
					Status: hub.ClientActive, PhoneNumber: fmt.Sprintf("+%d", g.phone), Version: 1, CreatedAt: g.now, ModifiedAt: g.now})
			}
		}
	}
	if err := db.BulkInsertClients(ctx, cs, chans); err != nil {
		return err
	}
	g.res.Clients += int64(len(cs))
	g.res.Channels += int64(len(chans))
	return nil
}
