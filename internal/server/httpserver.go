package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// NewHTTPServer returns an *http.Server for h with timeouts suited to an
// API behind a load balancer: slow or stalled clients cannot hold
// connections and goroutines forever. net/http's own error log (TLS
// handshake failures, malformed requests, ...) goes to log at Warn level.
// A nil log discards it.
//
// The server is not started; pass it to Serve.
func NewHTTPServer(addr string, h http.Handler, log *slog.Logger) *http.Server {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.With(slog.String("component", "net/http")).Handler(), slog.LevelWarn),
	}
}

// Serve accepts connections on ln with srv until ctx is cancelled, then
// shuts down gracefully: it stops accepting, lets in-flight requests finish
// for up to shutdownTimeout, and returns nil if they all did. If the timeout
// expires first, the remaining connections are closed and the Shutdown error
// (context.DeadlineExceeded) is returned wrapped. A shutdownTimeout of zero
// or less therefore means no grace period.
//
// If srv stops on its own before ctx is cancelled, Serve returns its error,
// or nil if srv was shut down or closed by someone else.
//
// Serve takes ownership of ln: it is closed when Serve returns. Hijacked
// connections (e.g. websockets) are not waited for; see http.Server.Shutdown.
func Serve(ctx context.Context, srv *http.Server, ln net.Listener, shutdownTimeout time.Duration) error {
	// Buffered so the goroutine can always finish, whichever branch wins.
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()

	select {
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return nil
		}
		return fmt.Errorf("serve %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}

	// ctx is already done; keep its values but not its cancellation.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownTimeout)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		// Grace period over: cut the stragglers off.
		_ = srv.Close()
	}
	<-errc // srv.Serve returns ErrServerClosed as soon as Shutdown starts
	if err != nil {
		return fmt.Errorf("graceful shutdown: %w", err)
	}
	return nil
}
