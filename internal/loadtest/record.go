package loadtest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"time"
)

// recording is what serve answered to a scenario's requests just before
// its attacks.
type recording struct {
	// routes are the baseline's answers: per request kind (per mux
	// pattern), the first one recorded.
	routes []recorded
	// bodies maps a URL's path and query to the body serve answered, for a
	// read-only scenario: the attacks must answer the same bytes again.
	bodies map[string][]byte
}

// record sends each request kind of the scenario sequentially: a kind
// whose path draws a {sid} is recorded for up to limit ids (a seeded
// sample of the tree, all of them when fewer) when the scenario only
// reads, once otherwise (a write is recorded by doing it once). Any answer
// outside 200-299 is an error: the attack would measure a failure.
func record(ctx context.Context, base string, t *target, sc *Scenario, limit int, seed uint64) (*recording, error) {
	rec := &recording{bodies: map[string][]byte{}}
	client := &http.Client{Timeout: time.Minute}
	rnd := rand.New(rand.NewPCG(seed, 0x7ec))
	patterns := map[string]bool{}
	readOnly := sc.deterministic()
	for i := range t.kinds {
		k := &t.kinds[i]
		v := vars{same: t.same, sid: t.ids[0], n: rnd.IntN(1_000_000), dialog360: t.d}
		sids := []string{v.sid}
		if readOnly && k.path.uses("sid") {
			sids = sample(t.ids, limit, rnd)
		}
		for j, sid := range sids {
			v.sid = sid
			path := string(k.path.expand(nil, v))
			r, err := fetch(ctx, client, k, base+path, k.body.expand(nil, v))
			if err != nil {
				return nil, fmt.Errorf("scenario %s: recording %s %s: %w", sc.Name, k.Method, path, err)
			}
			if readOnly {
				rec.bodies[path] = r.Body
			}
			if j == 0 && !patterns[k.Pattern] {
				patterns[k.Pattern] = true
				r.Pattern = k.Pattern
				rec.routes = append(rec.routes, r)
			}
		}
	}
	return rec, nil
}

// fetch sends one request and returns its answer, which must be 2xx.
func fetch(ctx context.Context, client *http.Client, k *kind, u string, body []byte) (recorded, error) {
	var rd io.Reader
	if len(body) > 0 {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, k.Method, u, rd)
	if err != nil {
		return recorded{}, err
	}
	req.Header = k.header.Clone()
	resp, err := client.Do(req)
	if err != nil {
		return recorded{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return recorded{}, err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return recorded{}, fmt.Errorf("%s: %.300s", resp.Status, b)
	}
	h := resp.Header.Clone()
	h.Del("Date") // the baseline's server writes its own, as serve's does
	h.Del("Content-Length")
	return recorded{Status: resp.StatusCode, Header: h, Body: b}, nil
}

// sample returns up to n of ids, chosen at random without repeats.
func sample(ids []string, n int, rnd *rand.Rand) []string {
	if n >= len(ids) {
		return ids
	}
	out := make([]string, 0, n)
	for _, i := range rnd.Perm(len(ids))[:n] {
		out = append(out, ids[i])
	}
	return out
}
