package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/store"
)

// adminPasswordEnv names the variable that chooses the bootstrap admin's
// password; without it a random one is generated.
const adminPasswordEnv = "PARTNERHUB_ADMIN_PASSWORD"

// version is set at build time with -ldflags "-X main.version=..."; it
// falls back to the module version recorded by the Go toolchain.
var version = ""

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "dev"
}

const usage = `usage: partnerhub [command] [flags]

commands:
  serve      run the HTTP service (the default); bootstraps an empty database
  bootstrap  create the root partner, the admin user and its API key
  keys       create: issue an API key for a partner
  migrate    up | status: apply or list database migrations
  seed       build a synthetic partner tree (for demos and benchmarks)
  worker     run the background workers (change request migrations,
             webhook deliveries) without HTTP
  verify-email
             --token T: consume an e-mail verification token;
             --request --partner P --field F: issue one
  version    print the version

Run "partnerhub COMMAND -h" for a command's flags. Every flag also reads
the environment variable named in its help text.`

// run is the whole program: main only wires the process to it, and tests
// call it directly.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, getenv, stdout, stderr)
	case "bootstrap":
		return runBootstrap(ctx, args, getenv, stdout, stderr)
	case "keys":
		return runKeys(ctx, args, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, args, getenv, stdout, stderr)
	case "seed":
		return runSeed(ctx, args, getenv, stdout, stderr)
	case "worker":
		return runWorker(ctx, args, getenv, stdout, stderr)
	case "verify-email":
		return runVerifyEmail(ctx, args, getenv, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "partnerhub", buildVersion())
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return fmt.Errorf("unknown command %q", cmd)
}

// common holds the flags every database command shares.
type common struct {
	databaseURL string
	logFormat   string
	maxDepth    int
}

// newFlags returns a flag set whose defaults come from the environment,
// with the shared flags registered.
func newFlags(name string, getenv func(string) string, stderr io.Writer) (*flag.FlagSet, *common, *envDefaults) {
	fs := flag.NewFlagSet("partnerhub "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	env := &envDefaults{getenv: getenv}
	c := &common{}
	fs.StringVar(&c.databaseURL, "database-url", env.str("PARTNERHUB_DATABASE_URL", "sqlite:partnerhub.db"),
		"database: sqlite:PATH, file:PATH or postgres://... (env PARTNERHUB_DATABASE_URL)")
	fs.StringVar(&c.logFormat, "log-format", env.str("PARTNERHUB_LOG_FORMAT", "text"), "log format: text or json (env PARTNERHUB_LOG_FORMAT)")
	fs.IntVar(&c.maxDepth, "max-depth", env.int("PARTNERHUB_MAX_DEPTH", hub.DefaultMaxDepth), "deepest level of the partner tree; the root is 0 (env PARTNERHUB_MAX_DEPTH)")
	return fs, c, env
}

// envDefaults reads flag defaults from the environment and remembers a
// malformed value so parse can report it.
type envDefaults struct {
	getenv func(string) string
	err    error
}

func (e *envDefaults) str(key, def string) string {
	if v := e.getenv(key); v != "" {
		return v
	}
	return def
}

func (e *envDefaults) int(key string, def int) int {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("%s=%q is not a number", key, v)
	}
	return n
}

func (e *envDefaults) bool(key string, def bool) bool {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	b, err := strconv.ParseBool(v)
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("%s=%q is not a boolean", key, v)
	}
	return b
}

func (e *envDefaults) duration(key string, def time.Duration) time.Duration {
	v := e.getenv(key)
	if v == "" {
		return def
	}
	d, err := time.ParseDuration(v)
	if err != nil && e.err == nil {
		e.err = fmt.Errorf("%s=%q is not a duration (e.g. 1s, 500ms, 0)", key, v)
	}
	return d
}

// parse parses args and validates the shared flags.
func (c *common) parse(fs *flag.FlagSet, env *envDefaults, args []string) error {
	if env.err != nil {
		return env.err
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 && fs.Name() != "partnerhub migrate" {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.logFormat != "text" && c.logFormat != "json" {
		return errors.New("--log-format must be text or json")
	}
	if c.maxDepth < 1 || c.maxDepth > 1000 {
		return errors.New("--max-depth must be between 1 and 1000")
	}
	return nil
}

// logger builds the program's logger: every record logged with a
// request's context carries the request's id (server.LogHandler).
func (c *common) logger(w io.Writer) *slog.Logger {
	var h slog.Handler = slog.NewTextHandler(w, nil)
	if c.logFormat == "json" {
		h = slog.NewJSONHandler(w, nil)
	}
	return slog.New(server.LogHandler(h))
}

func (c *common) open(ctx context.Context, opt store.Options) (*store.DB, error) {
	return store.Open(ctx, c.databaseURL, opt)
}

// service returns the domain service over db, with the tree depth bound
// and the argon2id password hasher, bounded to a few hashes at once (each
// holds about 20 MB).
func (c *common) service(db hub.Store) *hub.Service {
	svc := hub.NewService(db, c.maxDepth)
	svc.SetPasswordHasher(auth.LimitHashing(auth.Argon2id{}, 0))
	return svc
}

// announce tells running servers on the same PostgreSQL database that this
// command may have changed data, so they drop their read caches now rather
// than within --cache-ttl (deferred by every command that writes; a no-op
// on SQLite, where servers wait out the TTL).
func announce(ctx context.Context, db *store.DB) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
	defer cancel()
	_ = db.PublishChange(ctx, "command")
}
