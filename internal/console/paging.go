package console

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// pageSize is the rows of one page of every list but the tree's.
const pageSize = 25

// maxPage bounds the page number, so an offset stays well inside an int
// and a typed URL cannot ask the database to skip billions of rows.
const maxPage = 100_000

// pager is the pagination of one list, for templates.
type pager struct {
	Page, Pages  int
	Total        int64
	First, Last  int64 // the 1-based positions of the rows shown
	Prev, Next   string
	PrevN, NextN int
}

// pageNumber reads ?page= (1-based; absent: 1).
func pageNumber(r *http.Request) (int, error) {
	q, err := httpapi.Query(r)
	if err != nil {
		return 0, err
	}
	n, sent, err := httpapi.IntParam(q, "page")
	switch {
	case err != nil || (sent && (n < 1 || n > maxPage)):
		return 0, &httpapi.RequestError{Status: http.StatusBadRequest, Field: "page", Message: "must be a whole number from 1 to 100000"}
	case !sent:
		return 1, nil
	}
	return int(n), nil
}

// listQuery is the domain query of page n of size rows, with filter f
// and order (nil: the domain's default).
func listQuery(n, size int, order []hub.OrderTerm) hub.ListQuery {
	return hub.ListQuery{Limit: size, Offset: (n - 1) * size, Order: order, Sent: hub.SentLimit | hub.SentOffset}
}

// newPager describes page n of size rows of a list of total rows, with
// links that keep r's other query parameters.
func newPager(r *http.Request, n, size int, total int64, shown int) *pager {
	p := &pager{Page: n, Total: total, Pages: int((total + int64(size) - 1) / int64(size))}
	if p.Pages == 0 {
		p.Pages = 1
	}
	if shown > 0 {
		p.First = int64((n-1)*size) + 1
		p.Last = p.First + int64(shown) - 1
	}
	link := func(page int) string {
		q := r.URL.Query()
		if page == 1 {
			q.Del("page")
		} else {
			q.Set("page", strconv.Itoa(page))
		}
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		return u.String()
	}
	if n > 1 {
		p.PrevN = min(n-1, p.Pages)
		p.Prev = link(p.PrevN)
	}
	if int64(n*size) < total {
		p.NextN = n + 1
		p.Next = link(p.NextN)
	}
	return p
}
