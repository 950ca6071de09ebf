package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"time"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/auth"
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
	trustProxy := fs.Bool("trust-proxy-headers", env.bool("PARTNERHUB_TRUST_PROXY_HEADERS", false),
		"take the client-facing scheme from X-Forwarded-Proto (for pagination links); only behind a TLS proxy that sets it (env PARTNERHUB_TRUST_PROXY_HEADERS)")
	cacheTTL := fs.Duration("cache-ttl", env.duration("PARTNERHUB_CACHE_TTL", time.Second),
		"longest time a cached read may lag a change this process did not make (another replica, a command-line tool); 0 turns the read cache off (env PARTNERHUB_CACHE_TTL)")
	cacheBytes := fs.Int("cache-max-bytes", env.int("PARTNERHUB_CACHE_MAX_BYTES", readcache.DefaultMaxBytes),
		"estimated heap bytes the read cache may hold, half for objects and half for list pages (env PARTNERHUB_CACHE_MAX_BYTES)")
	if err := c.parse(fs, env, args); err != nil {
		return err
	}
	if *cacheBytes < 1<<20 {
		return errors.New("--cache-max-bytes must be at least 1048576 (1 MiB)")
	}
	if *maxBody < 1 {
		return errors.New("--max-body-bytes must be positive")
	}
	if *cacheTTL < 0 || *cacheTTL > time.Minute {
		return errors.New("--cache-ttl must be between 0 and 1m")
	}
	log := c.logger(stderr)
	db, err := c.open(ctx, store.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	log.Info("database ready", "engine", db.Dialect())

	var st hub.Store = db
	var cacheStats func() (uint64, uint64)
	if *cacheTTL > 0 {
		cache := newReadCache(ctx, db, readcache.Options{TTL: *cacheTTL, MaxBytes: int64(*cacheBytes)}, log)
		st, cacheStats = cache, cache.Stats
	}
	svc := c.service(st)
	creds, err := bootstrap(ctx, svc, getenv(adminPasswordEnv), false)
	switch {
	case isAlreadyBootstrapped(err):
	case err != nil:
		return err
	default:
		printCredentials(stderr, creds)
		log.Info("bootstrapped", "root_partner", creds.PartnerID, "username", creds.Username)
	}
	authn := auth.NewAuthenticator(svc, auth.Config{})

	h := server.NewHandler(server.Deps{
		Logger:       log,
		Ready:        db.Ping,
		DBStats:      db.Stats,
		CacheStats:   cacheStats,
		Faces:        []server.Face{{Prefix: carrierx.Prefix, Handler: carrierx.New(svc, authn, log, carrierx.TrustProxyHeaders(*trustProxy))}},
		MaxBodyBytes: int64(*maxBody),
		Version:      buildVersion(),
	})
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String(), "version", buildVersion())
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
