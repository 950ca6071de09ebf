package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/partnerhub/partnerhub/internal/api/bluefin"
	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/api/dialog360"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/auth"
	"github.com/partnerhub/partnerhub/internal/console"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/readcache"
	"github.com/partnerhub/partnerhub/internal/server"
	"github.com/partnerhub/partnerhub/internal/store"
)

// runServe is "partnerhub serve": it migrates, bootstraps an empty
// database (printing the admin's password and key once to stderr, outside
// the structured log), mounts every API face and serves until ctx ends.
func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, c, env := newFlags("serve", getenv, stderr)
	listen := fs.String("listen", env.str("PARTNERHUB_LISTEN", "127.0.0.1:8080"), "address to listen on (env PARTNERHUB_LISTEN)")
	maxBody := fs.Int("max-body-bytes", env.int("PARTNERHUB_MAX_BODY_BYTES", 1<<20), "largest accepted request body (env PARTNERHUB_MAX_BODY_BYTES)")
	publicURL := fs.String("public-url", env.str("PARTNERHUB_PUBLIC_URL", ""),
		"the URL clients reach this service at, such as https://api.example.com, for absolute links (pagination); default: http:// and the listen address (env PARTNERHUB_PUBLIC_URL)")
	trustProxy := fs.Bool("trust-proxy-headers", env.bool("PARTNERHUB_TRUST_PROXY_HEADERS", false),
		"removed: links no longer follow request headers; set --public-url instead (accepted only so that old configurations fail with this advice) (env PARTNERHUB_TRUST_PROXY_HEADERS)")
	cacheTTL := fs.Duration("cache-ttl", env.duration("PARTNERHUB_CACHE_TTL", time.Second),
		"longest time a cached read may lag a change this process did not make (another replica, a command-line tool); 0 turns the read cache off (env PARTNERHUB_CACHE_TTL)")
	cacheBytes := fs.Int("cache-max-bytes", env.int("PARTNERHUB_CACHE_MAX_BYTES", readcache.DefaultMaxBytes),
		"estimated heap bytes the read cache may hold, half for objects and half for list pages; the Go heap's soft limit is 32 MiB plus 1.5 times this unless GOMEMLIMIT is set (env PARTNERHUB_CACHE_MAX_BYTES)")
	consoleIdle := fs.Duration("console-idle-timeout", env.duration("PARTNERHUB_CONSOLE_IDLE_TIMEOUT", console.DefaultIdleTimeout),
		"a web console session unused this long ends (env PARTNERHUB_CONSOLE_IDLE_TIMEOUT)")
	consoleLifetime := fs.Duration("console-session-lifetime", env.duration("PARTNERHUB_CONSOLE_SESSION_LIFETIME", console.DefaultLifetime),
		"a web console session ends this long after sign-in, however used (env PARTNERHUB_CONSOLE_SESSION_LIFETIME)")
	var jf jobFlags
	jf.register(fs, env)
	runJobs := fs.Bool("run-jobs", env.bool("PARTNERHUB_RUN_JOBS", true),
		"run the background workers (change request migrations, webhooks) in this process; false when separate `partnerhub worker` processes do (env PARTNERHUB_RUN_JOBS)")
	rateLimit := fs.Int("rate-limit", env.int("PARTNERHUB_RATE_LIMIT", bluefin.DefaultRateLimit),
		"requests per hour each caller may make on /api/v1, counted in this process (env PARTNERHUB_RATE_LIMIT)")
	if err := c.parse(fs, env, args); err != nil {
		return err
	}
	if err := jf.check(); err != nil {
		return err
	}
	if *cacheBytes < 1<<20 {
		return errors.New("--cache-max-bytes must be at least 1048576 (1 MiB)")
	}
	if *rateLimit < 1 {
		return errors.New("--rate-limit must be positive")
	}
	if *maxBody < 1 {
		return errors.New("--max-body-bytes must be positive")
	}
	if *cacheTTL < 0 || *cacheTTL > time.Minute {
		return errors.New("--cache-ttl must be between 0 and 1m")
	}
	var base httpapi.BaseURL
	if *publicURL != "" {
		var err error
		if base, err = httpapi.ParseBaseURL(*publicURL); err != nil {
			return fmt.Errorf("--public-url: %w", err)
		}
	}
	if *trustProxy && *publicURL == "" {
		// The flag used to take the links' scheme from X-Forwarded-Proto.
		// Ignoring it would silently turn https links behind a proxy into
		// links to the listen address.
		return errors.New("--trust-proxy-headers was removed: links never follow request headers now; set --public-url (PARTNERHUB_PUBLIC_URL) to the URL clients use, such as https://api.example.com")
	}
	log := c.logger(stderr)
	if *trustProxy {
		log.Warn("--trust-proxy-headers is ignored: links are built on --public-url", "public_url", base.String())
	}
	db, err := c.open(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	log.Info("database ready", "engine", db.Dialect())

	// One registry for this server; each subsystem registers its own
	// collectors on it (the HTTP layer does so in NewHandler).
	metrics := prometheus.NewRegistry()
	if err := db.RegisterMetrics(metrics); err != nil {
		return err
	}
	if limit, derived := applyMemoryLimit(getenv, int64(*cacheBytes)); derived {
		log.Info("memory limit", "soft_limit_bytes", limit, "from", "--cache-max-bytes (GOMEMLIMIT overrides)")
	}
	if pct, set := applyGCPercent(getenv); set {
		log.Info("collector target", "gc_percent", pct, "from", "serve's default (GOGC overrides)")
	}
	var st hub.Store = db
	if *cacheTTL > 0 {
		cache := newReadCache(ctx, db, readcache.Options{TTL: *cacheTTL, MaxBytes: int64(*cacheBytes)}, log)
		if err := cache.RegisterMetrics(metrics); err != nil {
			return err
		}
		st = cache
	}
	svc := c.service(st)
	svc.SetWebhookGuard(jf.guard())
	creds, err := bootstrap(ctx, svc, getenv(adminPasswordEnv), false)
	switch {
	case isAlreadyBootstrapped(err):
	case err != nil:
		return err
	default:
		printCredentials(stderr, creds)
		log.Info("bootstrapped", "root_partner", creds.PartnerID, "username", creds.Username)
	}
	// Failed logins are counted in the database, so replicas share them;
	// the key of what is stored there is read (or created) now, so a
	// database that cannot provide it fails the start, not a login.
	authn := auth.NewAuthenticator(svc, auth.Config{Failures: db, Log: log})
	if err := authn.Prepare(ctx); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	if *publicURL == "" {
		base = httpapi.ListenBaseURL(ln.Addr().String())
		if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil && net.ParseIP(host).IsUnspecified() {
			log.Warn("listening on every interface without --public-url: absolute links (pagination) point at localhost", "public_url", base.String())
		}
	}
	// The console's sessions live in the database (every replica shares
	// them); expired ones are pruned here.
	sessions := db.Sessions()
	go sessions.RunCleanup(ctx, 10*time.Minute, log)
	consoleHandler, err := console.New(console.Config{Service: svc, Authn: authn, Sessions: sessions, Log: log,
		Secure: strings.HasPrefix(base.String(), "https://"), IdleTimeout: *consoleIdle, Lifetime: *consoleLifetime})
	if err != nil {
		return err
	}
	h := server.NewHandler(server.Deps{
		Logger:  log,
		Ready:   db.Ping,
		Metrics: metrics,
		Faces: []server.Face{
			{Prefix: carrierx.Prefix, Handler: carrierx.New(svc, authn, log, carrierx.WithBaseURL(base))},
			{Prefix: bluefin.Prefix, Handler: bluefin.New(svc, authn, log,
				bluefin.WithRateLimiter(httpapi.NewRateLimiter(*rateLimit, bluefin.RateWindow)))},
			{Prefix: dialog360.Prefix, Handler: dialog360.New(svc, authn, log)},
			{Prefix: console.Prefix, Handler: consoleHandler},
		},
		MaxBodyBytes: int64(*maxBody),
		Version:      buildVersion(),
	})
	if *runJobs {
		// The workers write through the same service (and read cache) as
		// the handlers, so their writes invalidate what they change.
		workers, err := jf.start(ctx, db, svc, log)
		if err != nil {
			ln.Close()
			return err
		}
		defer jf.stop(ctx, workers, log)
	}
	log.Info("listening", "addr", ln.Addr().String(), "public_url", base.String(), "version", buildVersion())
	err = server.Serve(ctx, server.NewHTTPServer(*listen, h, log), ln, 20*time.Second)
	log.Info("stopped")
	return err
}

// newReadCache puts the read cache in front of db. On PostgreSQL the
// process announces its writes to the other replicas and drops its cache
// when they announce theirs, until ctx ends.
func newReadCache(ctx context.Context, db *store.DB, opt readcache.Options, log *slog.Logger) *readcache.Store {
	origin := hub.NewSID() // this process, among the replicas
	if db.Dialect() == "postgres" {
		opt.Publish = func(ctx context.Context) {
			ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
			defer cancel()
			if err := db.PublishChange(ctx, origin); err != nil {
				log.Warn("read cache: could not announce a change to other replicas; they catch up within the TTL", "err", err)
			}
		}
	}
	cache := readcache.New(db, opt)
	feed := opt.Publish != nil
	if feed {
		go func() { _ = db.WatchChanges(ctx, origin, cache.Invalidate) }()
	}
	log.Info("read cache", "ttl", opt.TTL.String(), "max_bytes", opt.MaxBytes, "replica_change_feed", feed)
	return cache
}
