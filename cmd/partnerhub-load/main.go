// Command partnerhub-load is partnerhub's load harness (internal/loadtest):
// it seeds a tree, builds and starts the real `partnerhub serve`, drives it
// and a baseline server writing the same recorded bytes with the same
// closed-loop load, and prints per scenario and connection count the rate,
// the ratio to the baseline, latencies, non-2xx answers and serve's memory.
//
//	go run ./cmd/partnerhub-load -engine sqlite -partners 100000 -duration 10s
//
// It exits 1 when any answer was not 2xx or a body differed from its
// recording (after printing the table), 2 on bad flags.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"

	"github.com/partnerhub/partnerhub/internal/loadtest"
)

func main() {
	loadtest.ServeBaselineIfAsked() // the harness re-executes itself as its baseline server
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	switch {
	case errors.Is(err, flag.ErrHelp):
	case errors.Is(err, errUsage):
		os.Exit(2)
	case err != nil:
		fmt.Fprintln(os.Stderr, "partnerhub-load:", err)
		os.Exit(1)
	}
}

var errUsage = errors.New("usage")

func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cfg := loadtest.DefaultConfig()
	fs := flag.NewFlagSet("partnerhub-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	engines := fs.String("engine", "sqlite", "engines to run, comma-separated: sqlite, postgres")
	pgURL := fs.String("postgres-url", getenv("PARTNERHUB_LOAD_POSTGRES_URL"),
		"a PostgreSQL server (any database on it) where the harness creates and drops its databases (env PARTNERHUB_LOAD_POSTGRES_URL)")
	fs.Int64Var(&cfg.Partners, "partners", cfg.Partners, "partners of the main tree (branch scenarios)")
	fs.IntVar(&cfg.Depth, "depth", cfg.Depth, "depth of the seeded trees")
	fs.IntVar(&cfg.Fanout, "fanout", cfg.Fanout, "children per partner in the seeded trees")
	fs.Int64Var(&cfg.BigPartners, "big-partners", cfg.BigPartners, "partners of the big tree (whole-tree scenarios); 0 skips them")
	conns := fs.String("connections", "8,32", "concurrent keep-alive connections, comma-separated: one attack each")
	fs.DurationVar(&cfg.Duration, "duration", cfg.Duration, "length of each measured attack")
	fs.DurationVar(&cfg.Warmup, "warmup", cfg.Warmup, "unmeasured attack before each measured one (0: none)")
	fs.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the random id choices")
	fs.IntVar(&cfg.RecordIDs, "record-ids", cfg.RecordIDs, "random-id URLs recorded per read-only scenario; answers to them are compared byte for byte")
	scenarios := fs.String("scenarios", "", "run only these scenarios, comma-separated (see -list)")
	list := fs.Bool("list", false, "list the scenarios and exit")
	fs.StringVar(&cfg.Binary, "bin", "", "a built partnerhub binary (default: go build ./cmd/partnerhub)")
	fs.StringVar(&cfg.WorkDir, "workdir", "", "directory for databases and the binary (default: a temporary one, removed after)")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the PostgreSQL databases and the temporary directory")
	jsonOut := fs.String("json", "", "also write the report as JSON to this file")
	markdown := fs.Bool("markdown", false, "print the table as Markdown")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unexpected argument %q\n", fs.Arg(0))
		return errUsage
	}
	if *list {
		for _, s := range loadtest.Scenarios() {
			fmt.Fprintf(stdout, "%-24s %-6s cache=%-5v %s\n", s.Name, s.Tree, s.Cache, s.About)
		}
		return nil
	}
	cfg.Engines = splitList(*engines)
	cfg.PostgresURL = *pgURL
	var bad string
	if cfg.Scenarios, bad = loadtest.SelectScenarios(loadtest.Scenarios(), *scenarios); bad != "" {
		fmt.Fprintf(stderr, "unknown scenario %q (see -list)\n", bad)
		return errUsage
	}
	cfg.Connections = nil
	for _, c := range splitList(*conns) {
		n, err := strconv.Atoi(c)
		if err != nil {
			fmt.Fprintf(stderr, "-connections: %q is not a number\n", c)
			return errUsage
		}
		cfg.Connections = append(cfg.Connections, n)
	}
	cfg.Log = stderr
	rep, err := loadtest.Run(ctx, cfg)
	if rep != nil && len(rep.Rows) > 0 {
		write := rep.WriteTable
		if *markdown {
			write = rep.WriteMarkdown
		}
		if werr := write(stdout); werr != nil && err == nil {
			err = werr
		}
		if *jsonOut != "" {
			if werr := writeJSON(*jsonOut, rep); werr != nil && err == nil {
				err = werr
			}
		}
	}
	if err != nil {
		return err
	}
	return rep.Problems()
}

func writeJSON(path string, rep *loadtest.Report) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := rep.WriteJSON(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}
