package isolation

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/api/carrierx"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// recorder collects the matrix's findings instead of failing a test.
type recorder struct{ findings []string }

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.findings = append(r.findings, fmt.Sprintf(format, args...))
}

// mutant is a face with one isolation bug: a wrapper around the real
// handler, the route it breaks and the finding the matrix must report.
type mutant struct {
	name, route, finding string
	wrap                 wrapper
}

// wrapper builds a mutant face around the real handler.
type wrapper func(f *fixture, real http.Handler) http.HandlerFunc

var mutants = []mutant{
	{name: "GET shows an invisible partner", route: "GET /core/v2/partners/{partner_sid}",
		finding: "want the missing-id answer", wrap: systemAnswersOn(http.StatusNotFound)}, // the lookup forgot the subtree
	{name: "PATCH writes an invisible partner, then says 404", route: "PATCH /core/v2/partners/{partner_sid}",
		finding: "a refused request changed the target", wrap: writesBefore404(nil)},
	{name: "403 for an invisible partner, 404 for a missing one", route: "GET /core/v2/partners/{partner_sid}",
		finding: "want the missing-id answer",
		wrap: func(f *fixture, real http.Handler) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				rec := replay(real, r, readAll(r), nil)
				if rec.Code == http.StatusNotFound && f.partnerBySID(path.Base(r.URL.Path)) != nil {
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(http.StatusForbidden)
					io.WriteString(w, `{"message":"not yours","errors":[{"field":null,"message":"not yours","reference_sid":null}]}`)
					return
				}
				copyTo(w, rec)
			}
		}},
	{name: "the partner list shows the whole tree", route: "GET /core/v2/partners",
		finding: "outside the caller's subtree",
		wrap: func(f *fixture, real http.Handler) http.HandlerFunc {
			return func(w http.ResponseWriter, r *http.Request) {
				copyTo(w, replay(real, r, readAll(r), f.admin)) // listed from the root
			}
		}},
	{name: "DELETE revokes an invisible token, then says 404", route: "DELETE /core/v2/oauth/tokens/{token_sid}",
		finding: "a refused request changed the target", wrap: writesBefore404(nil)},
	// A client-level principal reads as a partner-level one. The
	// authenticator builds the principal from the user's owning partner
	// and forgets its client (ClientID stays 0), a one-field slip: the
	// client's users then see their owning partner's whole subtree. The
	// hub's every check is right; only the principal is wrong.
	{name: "a client user issues a token at its owning partner", route: "POST /core/v2/oauth/token/{partner_sid}",
		finding: "want the missing-id answer", wrap: forgetClient},
	{name: "a client admin revokes the tokens of another client's users", route: "DELETE /core/v2/oauth/tokens/{token_sid}",
		finding: "want the missing-id answer", wrap: forgetClient},
}

// systemAnswersOn is the face that, where the real one answers code,
// serves the same request as the system instead: a lookup or a check
// that forgot the caller.
func systemAnswersOn(code int) wrapper {
	return func(f *fixture, real http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body := readAll(r)
			rec := replay(real, r, body, nil)
			if rec.Code == code {
				rec = replay(real, r, body, f.admin)
			}
			copyTo(w, rec)
		}
	}
}

// writesBefore404 is the face that answers as the real one but, where
// that is 404, has sent the request as the system first: written before
// the visibility check. A non-nil write is the body the slip sends
// instead of the request's own.
func writesBefore404(write []byte) wrapper {
	return func(f *fixture, real http.Handler) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			body := readAll(r)
			rec := replay(real, r, body, nil)
			if rec.Code == http.StatusNotFound {
				if write != nil {
					body = write
				}
				replay(real, r, body, f.admin)
			}
			copyTo(w, rec)
		}
	}
}

// forgetClient is the face over an authenticator that drops the client
// of every principal.
func forgetClient(f *fixture, _ http.Handler) http.HandlerFunc {
	return f.handler(clientForgetter{f.authn}).ServeHTTP
}

// clientForgetter authenticates as its Authenticator does and forgets
// the principal's client.
type clientForgetter struct{ carrierx.Authenticator }

func (a clientForgetter) Principal(r *http.Request) (hub.Principal, error) {
	pr, err := a.Authenticator.Principal(r)
	pr.ClientID = 0
	return pr, err
}

// TestMatrixCatchesLeaks proves that the matrix can fail: it runs the
// matrix of one route against each mutant face and requires the finding
// that the mutant's bug must produce.
func TestMatrixCatchesLeaks(t *testing.T) {
	f := newFixture(t, testdb.Engine{Name: "SQLite", Open: testdb.SQLite})
	catchMutants(t, f, "carrierx.Routes()", carrierx.Routes(), mutants, f.route)
}

// catchMutants runs each mutant of one face's routes (named by face in
// findings): with the mutant in place of f's handler, the matrix of the
// mutant's route (run) must report at least one finding holding the
// mutant's.
func catchMutants(t *testing.T, f *fixture, face string, routes []httpapi.Route, ms []mutant, run func(t reporter, rt httpapi.Route)) {
	real := f.h
	byID := map[string]httpapi.Route{}
	for _, rt := range routes {
		byID[routeID(rt)] = rt
	}
	for _, m := range ms {
		t.Run(m.name, func(t *testing.T) {
			rt, ok := byID[m.route]
			if !ok {
				t.Fatalf("route %s is no longer in %s: update the mutant", m.route, face)
			}
			f.t, f.h = t, m.wrap(f, real)
			defer func() { f.h = real }()
			var rec recorder
			run(&rec, rt)
			n := 0
			for _, s := range rec.findings {
				if strings.Contains(s, m.finding) {
					n++
				}
			}
			if n == 0 {
				t.Fatalf("the matrix did not catch the mutant (want a finding with %q); its findings: %q", m.finding, rec.findings)
			}
			t.Logf("%d of %d findings say %q; the first: %.300s", n, len(rec.findings), m.finding, rec.findings[0])
		})
	}
}

// readAll reads and closes a request body.
func readAll(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	return b
}

// replay serves a copy of r (with body) to h, as the caller of r or, when
// as is set, with as's credentials instead.
func replay(h http.Handler, r *http.Request, body []byte, as *caller) *httptest.ResponseRecorder {
	r2 := httptest.NewRequestWithContext(r.Context(), r.Method, r.URL.String(), bytes.NewReader(body))
	r2.Header = r.Header.Clone()
	if as != nil {
		r2.Header.Del("Authorization")
		r2.Header.Del("X-API-Key")
		as.set(r2)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r2)
	return w
}

// copyTo writes a recorded answer to w.
func copyTo(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

// TestUnknownRoutesFail checks that a route the matrix cannot exercise
// fails it rather than going unchecked.
func TestUnknownRoutesFail(t *testing.T) {
	unknownRoutesFail(t, []unknownRoute{
		{carrierx.Route{Method: "GET", Pattern: "/core/v2/widgets/{widget_sid}", Scopes: []string{"partners.read"}},
			"route GET /core/v2/widgets/{widget_sid} has parameter {widget_sid} that the isolation matrix does not know"},
		{carrierx.Route{Method: "PATCH", Pattern: "/core/v2/partners/{partner_sid}/users/{user_sid}", Scopes: []string{"users.manage"}},
			"substitutes only one per route"},
		{carrierx.Route{Method: "POST", Pattern: "/core/v2/widgets", Scopes: []string{"partners.create"}},
			"does not know what it targets"},
	}, func(t *testing.T, rec *recorder, rt httpapi.Route) { (&fixture{t: t}).route(rec, rt) })
}

// unknownRoute is a route a matrix cannot exercise and the finding it
// must report for it.
type unknownRoute struct {
	rt      httpapi.Route
	finding string
}

// unknownRoutesFail requires of run, the matrix of one route on an empty
// fixture, exactly one finding for each case, holding the case's.
func unknownRoutesFail(t *testing.T, cases []unknownRoute, run func(t *testing.T, rec *recorder, rt httpapi.Route)) {
	for _, c := range cases {
		var rec recorder
		run(t, &rec, c.rt)
		if len(rec.findings) != 1 || !strings.Contains(rec.findings[0], c.finding) {
			t.Errorf("%s: findings %q; want one with %q", routeID(c.rt), rec.findings, c.finding)
		}
	}
}
