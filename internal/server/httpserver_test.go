package server

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestNewHTTPServer(t *testing.T) {
	t.Parallel()
	log, buf := newTestLogger()
	h := NewHandler(Deps{})

	srv := NewHTTPServer(":8080", h, log)

	if srv.Addr != ":8080" || srv.Handler == nil {
		t.Errorf("Addr %q, Handler %v", srv.Addr, srv.Handler)
	}
	if srv.ReadHeaderTimeout != 5*time.Second || srv.ReadTimeout != 30*time.Second ||
		srv.WriteTimeout != 60*time.Second || srv.IdleTimeout != 120*time.Second {
		t.Errorf("timeouts = %v %v %v %v", srv.ReadHeaderTimeout, srv.ReadTimeout, srv.WriteTimeout, srv.IdleTimeout)
	}
	if srv.MaxHeaderBytes != 64<<10 {
		t.Errorf("MaxHeaderBytes = %d", srv.MaxHeaderBytes)
	}
	srv.ErrorLog.Print("http: TLS handshake error from 10.0.0.1:5555: EOF")
	rec := findRecord(t, buf, "http: TLS handshake error from 10.0.0.1:5555: EOF")
	if rec["level"] != "WARN" || rec["component"] != "net/http" {
		t.Errorf("bridged log record = %v", rec)
	}

	if NewHTTPServer("", h, nil).ErrorLog == nil {
		t.Error("nil logger must still give a usable ErrorLog")
	}
}

func TestServeGracefulShutdown(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	shutdownBegun := make(chan struct{})
	slow := func(w http.ResponseWriter, r *http.Request) {
		close(started)
		// Keep the request in flight until Shutdown has begun (or ~200ms
		// at most, so a broken Serve cannot hang the test).
		select {
		case <-shutdownBegun:
		case <-time.After(200 * time.Millisecond):
		}
		_, _ = io.WriteString(w, "finished")
	}
	srv := NewHTTPServer("", NewHandler(Deps{Faces: []Face{face("/slow", slow)}}), nil)
	srv.RegisterOnShutdown(func() { close(shutdownBegun) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, srv, ln, 5*time.Second) }()

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	client := &http.Client{Transport: &http.Transport{}}
	go func() {
		resp, err := client.Get("http://" + ln.Addr().String() + "/slow/x")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(b), err}
	}()

	<-started
	cancel() // shut down while the request is in flight

	res := <-got
	if res.err != nil || res.status != http.StatusOK || res.body != "finished" {
		t.Errorf("in-flight request: status %d, body %q, err %v; want 200 finished", res.status, res.body, res.err)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve returned %v, want nil", err)
	}
	select {
	case <-shutdownBegun:
	default:
		t.Error("Serve returned without calling Shutdown")
	}
	// The listener is closed: new connections are refused.
	if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		c.Close()
		t.Error("listener still accepts connections after Serve returned")
	}
}

func TestServeShutdownTimeout(t *testing.T) {
	t.Parallel()
	started := make(chan struct{})
	release := make(chan struct{})
	defer close(release)
	stuck := func(w http.ResponseWriter, r *http.Request) {
		close(started)
		select { // a handler that ignores shutdown
		case <-release:
		case <-r.Context().Done(): // fires once Serve force-closes the connection
		}
	}
	srv := NewHTTPServer("", NewHandler(Deps{Faces: []Face{face("/stuck", stuck)}}), nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, srv, ln, 0) }()

	client := &http.Client{Transport: &http.Transport{}}
	reqDone := make(chan struct{})
	go func() {
		defer close(reqDone)
		if resp, err := client.Get("http://" + ln.Addr().String() + "/stuck/x"); err == nil {
			resp.Body.Close()
		}
	}()
	<-started
	cancel()

	if err := <-served; !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Serve returned %v, want context.DeadlineExceeded", err)
	}
	<-reqDone // the stuck request was cut off rather than left hanging
}

func TestServeReportsListenerFailure(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln.Close() // Serve's Accept fails immediately

	err = Serve(t.Context(), NewHTTPServer("", NewHandler(Deps{}), nil), ln, time.Second)

	if err == nil || !strings.Contains(err.Error(), "serve") {
		t.Errorf("Serve on a closed listener returned %v, want an error", err)
	}
}
