package loadtest

import (
	"context"
	"math/rand/v2"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Result is what one attack measured.
type Result struct {
	Requests uint64        `json:"requests"` // sent, all answered or failed by the end
	Rate     float64       `json:"rate"`     // answers completed within the window, per second
	P50      time.Duration `json:"p50"`
	P99      time.Duration `json:"p99"`
	// NonOK counts every answer outside 200-299, and every request that got
	// no answer at all (status 0), warm-up included; Status breaks them
	// down by status code.
	NonOK  uint64         `json:"non_2xx"`
	Warmup uint64         `json:"warmup_requests"` // sent in the warm-up, not in Requests
	Status map[int]uint64 `json:"status,omitempty"`
	Errors []string       `json:"errors,omitempty"` // the first few distinct transport errors and statuses
}

// target is a scenario made ready to draw requests from.
type target struct {
	kinds []kind
	total int       // sum of the shares
	ids   []string  // {sid} draws from these
	nums  []string  // {id}: the numeric id of the partner ids[i] names (nil: {id} unused)
	same  string    // {same}: the last of them
	top   string    // {branch}: the numeric id of the tree's top partner
	d     dialog360 // {pa} and {client}
	mu    sync.Mutex
	rnd   *rand.Rand
}

// withIDs gives the target the numeric ids of its partners (nums[i] is
// the id of ids[i]) and of its top partner, for {id} and {branch}.
func (t *target) withIDs(nums []string, top string) *target {
	t.nums, t.top = nums, top
	return t
}

// vars returns the placeholder values of partner i.
func (t *target) vars(i, n int) vars {
	v := vars{sid: t.ids[i], same: t.same, branch: t.top, n: n, dialog360: t.d}
	if t.nums != nil {
		v.id = t.nums[i]
	}
	return v
}

// kind is a Request with its templates parsed and its header built.
type kind struct {
	Request
	path, body template
	header     http.Header
	share      int
}

// newTarget prepares a scenario; two targets of the same seed draw the
// same sequence of requests (whichever worker sends each).
func newTarget(sc *Scenario, ids []string, auth string, seed uint64) *target {
	t := &target{ids: ids, same: ids[len(ids)-1], rnd: rand.New(rand.NewPCG(seed, 0x10ad))}
	for _, r := range sc.Requests {
		path, _ := parseTemplate(r.Path) // checked by Scenario.check
		body, _ := parseTemplate(r.Body)
		h := http.Header{"Authorization": {auth}}
		for k, v := range r.Header {
			h.Set(k, v)
		}
		k := kind{Request: r, path: path, body: body, header: h, share: max(r.Share, 1)}
		t.kinds = append(t.kinds, k)
		t.total += k.share
	}
	return t
}

// draw picks a request kind by share and the values of its placeholders.
func (t *target) draw() (*kind, vars) {
	t.mu.Lock()
	defer t.mu.Unlock()
	pick := t.rnd.IntN(t.total)
	k := &t.kinds[0]
	for i := range t.kinds {
		if pick < t.kinds[i].share {
			k = &t.kinds[i]
			break
		}
		pick -= t.kinds[i].share
	}
	return k, t.vars(t.rnd.IntN(len(t.ids)), t.rnd.IntN(1_000_000))
}

// targeter returns a vegeta targeter against base; safe for concurrent use,
// as vegeta's workers call it at once.
func (t *target) targeter(base string) vegeta.Targeter {
	return func(tgt *vegeta.Target) error {
		k, v := t.draw()
		tgt.Method = k.Method
		tgt.URL = string(k.path.expand([]byte(base), v))
		tgt.Header = k.header // vegeta copies it into each request
		tgt.Body = nil
		if len(k.body) > 0 {
			tgt.Body = k.body.expand(nil, v)
		}
		return nil
	}
}

// attack runs a closed loop of conns keep-alive connections against the
// targeter for d: each connection's worker sends its next request as soon
// as its last answer arrived (vegeta with an unbounded rate and exactly
// conns workers). check, when set, sees every result (bodies included)
// in the one collecting goroutine.
func attack(ctx context.Context, tr vegeta.Targeter, conns int, d time.Duration, check func(*vegeta.Result)) Result {
	atk := vegeta.NewAttacker(
		vegeta.Workers(uint64(conns)), vegeta.MaxWorkers(uint64(conns)),
		vegeta.Connections(conns), vegeta.MaxConnections(conns),
		vegeta.KeepAlive(true), vegeta.Timeout(60*time.Second),
	)
	stop := context.AfterFunc(ctx, func() { atk.Stop() })
	defer stop()
	var m vegeta.Metrics
	res := Result{Status: map[int]uint64{}}
	seen := map[string]bool{}
	began := time.Now()
	windowEnd := began.Add(d)
	var inWindow uint64
	for r := range atk.Attack(tr, vegeta.Rate{Freq: 0, Per: time.Second}, d, "") {
		m.Add(r)
		if !r.End().After(windowEnd) {
			inWindow++
		}
		code := int(r.Code)
		res.Status[code]++
		if code < 200 || code > 299 {
			res.NonOK++
			msg := r.Error // "429 Too Many Requests", or the transport's error
			if code == 0 {
				msg = "no answer: " + msg
			}
			if !seen[msg] && len(seen) < 5 {
				seen[msg] = true
				res.Errors = append(res.Errors, msg)
			}
		}
		if check != nil {
			check(r)
		}
	}
	m.Close()
	// The rate is wrk's: answers completed within the window over its
	// length. vegeta's own counts requests started in it, which overstates
	// a slow scenario by up to conns requests.
	res.Requests, res.Rate = m.Requests, float64(inWindow)/d.Seconds()
	res.P50, res.P99 = m.Latencies.P50, m.Latencies.P99
	return res
}

// merge adds a warm-up's failures to a measured result: every non-2xx
// counts, but only the measured attack gives rates and latencies.
func (r *Result) merge(warm Result) {
	r.Warmup = warm.Requests
	r.NonOK += warm.NonOK
	for code, n := range warm.Status {
		if code < 200 || code > 299 {
			r.Status[code] += n
		}
	}
	for _, e := range warm.Errors {
		if !slices.Contains(r.Errors, e) {
			r.Errors = append(r.Errors, e)
		}
	}
}

// statusSummary is "429:120 0:3": the non-2xx statuses, most frequent first.
func (r *Result) statusSummary() string {
	type sc struct {
		code int
		n    uint64
	}
	var list []sc
	for code, n := range r.Status {
		if code < 200 || code > 299 {
			list = append(list, sc{code, n})
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if list[i].n != list[j].n {
			return list[i].n > list[j].n
		}
		return list[i].code < list[j].code
	})
	s := ""
	for i, e := range list {
		if i > 0 {
			s += " "
		}
		s += strconv.Itoa(e.code) + ":" + strconv.FormatUint(e.n, 10)
	}
	return s
}
