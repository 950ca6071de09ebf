package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/internal/seed"
	"github.com/partnerhub/partnerhub/internal/store"
)

func runSeed(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, env := newFlags("seed", getenv, stderr)
	var cfg seed.Config
	fs.Int64Var(&cfg.Partners, "partners", 1000, "partners to add under the root")
	fs.IntVar(&cfg.Depth, "depth", 5, "deepest level; a chain of partners reaches it")
	fs.IntVar(&cfg.Fanout, "fanout", 10, "children per partner")
	fs.IntVar(&cfg.ClientsPerPartner, "clients-per-partner", 0, "clients for each new partner")
	fs.IntVar(&cfg.ChannelsPerClient, "channels-per-client", 0, "channels for each new client")
	fs.IntVar(&cfg.BatchSize, "batch", 10000, "partners per transaction")
	if err := c.parse(fs, env, args); err != nil {
		return err
	}
	db, err := c.open(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	defer announce(ctx, db)
	svc := c.service(db)
	res, err := seed.Run(ctx, db, svc, cfg, newProgress(stdout))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "seeded %d partners, %d clients, %d channels on %s in %s (%.0f partners/s)\n",
		res.Partners, res.Clients, res.Channels, db.Dialect(), res.Elapsed.Round(time.Millisecond),
		float64(res.Partners)/res.Elapsed.Seconds())
	return nil
}

// newProgress draws a redrawn bar on a terminal and plain lines (about
// every 10%) otherwise, so logs of CI runs stay readable.
func newProgress(w io.Writer) seed.Progress {
	start := time.Now()
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return func(done, total int64) {
				const width = 40
				n := int(done * width / total)
				rate := float64(done) / time.Since(start).Seconds()
				fmt.Fprintf(w, "\r[%s%s] %d/%d partners  %.0f/s ", strings.Repeat("#", n), strings.Repeat(".", width-n), done, total, rate)
				if done == total {
					fmt.Fprintln(w)
				}
			}
		}
	}
	var lastDecile int64 = -1
	return func(done, total int64) {
		if d := done * 10 / total; d != lastDecile || done == total {
			lastDecile = d
			fmt.Fprintf(w, "seed: %d/%d partners (%d%%) after %s\n", done, total, done*100/total, time.Since(start).Round(time.Millisecond))
		}
	}
}
