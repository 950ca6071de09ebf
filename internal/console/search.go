package console

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// maxSearchLen bounds the search text (characters).
const maxSearchLen = 200

// searchData is the search page: the text, the partner it names exactly
// (by id, SID or ref) and one page of the partners whose name contains
// it, all within the user's branch.
type searchData struct {
	Q       string
	Exact   *hub.Partner
	Matches []hub.Partner
	Pager   *pager
}

// search finds partners in the user's branch by name, id, SID or ref.
func (c *console) search(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	text := strings.TrimSpace(r.URL.Query().Get("q"))
	d := &searchData{Q: text}
	if text == "" {
		c.page(w, r, pr, "search", "Find a partner", "tree", d)
		return
	}
	if !utf8.ValidString(text) || utf8.RuneCountInString(text) > maxSearchLen || strings.ContainsRune(text, 0) {
		c.fail(w, r, pr, &httpapi.RequestError{Status: http.StatusBadRequest, Field: "q", Message: "must be at most 200 characters of text"})
		return
	}
	n, err := pageNumber(r)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	if key, ok := lookupKey(text); ok && n == 1 {
		p, err := c.svc.Partner(ctx, pr, key)
		switch {
		case err == nil:
			d.Exact = p
		case !hub.IsKind(err, hub.NotFound):
			c.fail(w, r, pr, err)
			return
		}
	}
	q := listQuery(n, pageSize, byName)
	q.Filter = contains("name", text)
	page, err := c.svc.ListPartners(ctx, pr, hub.PartnerKey{}, q)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	d.Matches = page.Items
	d.Pager = newPager(r, n, pageSize, page.Total, len(page.Items))
	c.page(w, r, pr, "search", "Find a partner", "tree", d)
}
