package carrierx_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// page is the part of a list answer that walking needs.
type page struct {
	sids       []string
	next, prev string
	hasMore    bool
}

func getPage(t *testing.T, e *env, target string) page {
	t.Helper()
	m := e.do(t, req{method: "GET", path: target, token: token(e.root)}).want(t, 200).json(t)
	var p page
	for _, it := range m["items"].([]any) {
		p.sids = append(p.sids, it.(map[string]any)["partner_sid"].(string))
	}
	pg := m["pagination"].(map[string]any)
	p.next, _ = pg["next"].(string)
	p.prev, _ = pg["previous"].(string)
	p.hasMore = m["has_more"].(bool)
	if (p.next != "") != p.hasMore && !strings.Contains(target, "before=") {
		t.Fatalf("next %q but has_more %v", p.next, p.hasMore)
	}
	return p
}

// walk follows pagination links verbatim from first, inserting two new
// partners after each page while a goroutine keeps inserting more, and
// returns how often each SID was seen.
func walk(t *testing.T, e *env, first string, link func(page) string) (map[string]int, int) {
	t.Helper()
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
			in := &hub.Partner{Name: fmt.Sprintf("Concurrent %d", i), ParentID: e.root.ID}
			if _, err := e.svc.CreatePartner(context.Background(), e.sys(), in); err != nil {
				t.Errorf("concurrent insert: %v", err)
				return
			}
		}
	})
	defer wg.Wait()
	defer close(stop)
	seen := map[string]int{}
	pages := 0
	for target := first; target != ""; {
		p := getPage(t, e, target)
		pages++
		for _, s := range p.sids {
			seen[s]++
		}
		for i := range 2 {
			e.partner(e.root, fmt.Sprintf("Late %d-%d", pages, i))
		}
		next := link(p)
		if next != "" {
			u, err := url.Parse(next)
			if err != nil || !u.IsAbs() || "http://"+u.Host != e.srv.URL {
				t.Fatalf("link %q is not a full URL to this server", next)
			}
		}
		target = next
		if pages > 100 {
			t.Fatal("pagination does not end")
		}
	}
	return seen, pages
}

// seedPartners creates n partners (plus the root that exists) and returns
// every SID present at the start.
func seedPartners(t *testing.T, e *env, n int) []string {
	sids := []string{e.root.SID}
	for i := range n {
		// Names out of id order, so ordering by name differs from by id.
		sids = append(sids, e.partner(e.root, fmt.Sprintf("P%02d", (i*7)%n)).SID)
	}
	return sids
}

func checkWalk(t *testing.T, initial []string, seen map[string]int) {
	t.Helper()
	for _, s := range initial {
		if seen[s] != 1 {
			t.Errorf("initial partner %s seen %d times", s, seen[s])
		}
	}
	for s, n := range seen {
		if n != 1 {
			t.Errorf("partner %s seen %d times", s, n)
		}
	}
}

func TestPaginationOffsetMode(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		initial := seedPartners(t, e, 30)
		seen, pages := walk(t, e, "/core/v2/partners?limit=7", func(p page) string { return p.next })
		checkWalk(t, initial, seen)
		if pages < 5 {
			t.Errorf("only %d pages", pages)
		}
		// previous walks back to offset 0.
		p := getPage(t, e, "/core/v2/partners?limit=7&offset=14")
		if !strings.Contains(p.prev, "offset=7") || !strings.Contains(p.next, "offset=21") || !strings.Contains(p.next, "limit=7") {
			t.Errorf("links %q %q", p.prev, p.next)
		}
		if p := getPage(t, e, "/core/v2/partners?limit=7&offset=3"); !strings.Contains(p.prev, "offset=0") {
			t.Errorf("previous of offset 3: %q", p.prev)
		}
	})
}

func TestPaginationCursorMode(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, e *env) {
		initial := seedPartners(t, e, 30)
		for _, order := range []string{"", "&order=company_name%20desc"} {
			seen, _ := walk(t, e, "/core/v2/partners?limit=7&after="+order, func(p page) string {
				if p.next != "" && (!strings.Contains(p.next, "after=") || strings.Contains(p.next, "offset") ||
					(order != "" && !strings.Contains(p.next, "order=company_name+desc"))) {
					t.Fatalf("cursor next link %q does not repeat the query", p.next)
				}
				return p.next
			})
			checkWalk(t, initial, seen)
		}
		// Walking back with previous from the end reaches the start.
		var last page
		for target := "/core/v2/partners?limit=9&after="; target != ""; {
			last = getPage(t, e, target)
			target = last.next
		}
		seen := map[string]int{}
		for _, s := range last.sids {
			seen[s]++
		}
		for target := last.prev; target != ""; {
			p := getPage(t, e, target)
			for _, s := range p.sids {
				seen[s]++
			}
			target = p.prev
		}
		checkWalk(t, initial, seen)
	})
}
