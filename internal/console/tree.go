package console

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// treePageSize is the sub-partners one tree node shows at a time. A node
// opens with its first page of children only, never its subtree, so a
// tree of any size opens in a few indexed reads.
const treePageSize = 50

// byName orders sub-partners by name (id breaks ties).
var byName = []hub.OrderTerm{{Field: "name"}}

// treeData is the tree page: the node in focus, the way down to it from
// the user's home partner, and one page of its children.
type treeData struct {
	Node     *hub.Partner
	Crumbs   []hub.Partner // from the home partner down to Node's parent
	Children *childrenData
}

// childrenData is one page of a node's sub-partners, as the tree shows
// them (also the fragment an expanded node loads).
type childrenData struct {
	ParentID int64
	Items    []hub.Partner
	Total    int64
	Page     int
	MoreURL  string // the next page, for the "show more" control; "" on the last page
	Pager    *pager // for the page without JavaScript
}

// tree shows the tree at ?at= (an id, SID or ref; absent: the home
// partner).
func (c *console) tree(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	at := r.URL.Query().Get("at")
	key := hub.PartnerKey{ID: pr.PartnerID}
	if at != "" {
		var ok bool
		if key, ok = lookupKey(at); !ok {
			key = hub.PartnerKey{ID: -1}
		}
	}
	c.treeAt(w, r, pr, key)
}

// treeAt renders the tree focused on the partner with key.
func (c *console) treeAt(w http.ResponseWriter, r *http.Request, pr hub.Principal, key hub.PartnerKey) {
	ctx := r.Context()
	node, err := c.svc.Partner(ctx, pr, key)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	n, err := pageNumber(r)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	children, err := c.children(r, pr, node.ID, n)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	crumbs, err := c.crumbs(r, pr, node)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.page(w, r, pr, "tree", "Partners", "tree", &treeData{Node: node, Crumbs: crumbs, Children: children})
}

// treeChildren is one page of a node's children: the fragment an
// expanded node loads, or, without htmx, the tree page at that node.
func (c *console) treeChildren(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	id := idOf(r.PathValue("id"))
	if r.Header.Get("HX-Request") != "true" {
		q := url.Values{"at": {r.PathValue("id")}}
		if p := r.URL.Query().Get("page"); p != "" {
			q.Set("page", p)
		}
		http.Redirect(w, r, Prefix+"/tree?"+q.Encode(), http.StatusSeeOther)
		return
	}
	// Visibility first: the node must be visible, exactly as on its page.
	node, err := c.svc.Partner(r.Context(), pr, hub.PartnerKey{ID: id})
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	n, err := pageNumber(r)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	children, err := c.children(r, pr, node.ID, n)
	if err != nil {
		c.fail(w, r, pr, err)
		return
	}
	c.renderTemplate(w, http.StatusOK, "tree", "children", children)
}

// children reads page n of partner id's direct sub-partners, by name.
func (c *console) children(r *http.Request, pr hub.Principal, id int64, n int) (*childrenData, error) {
	q := listQuery(n, treePageSize, byName)
	q.Filter = eqInt("parent_id", id)
	page, err := c.svc.ListPartners(r.Context(), pr, hub.PartnerKey{ID: id}, q)
	if err != nil {
		return nil, err
	}
	d := &childrenData{ParentID: id, Items: page.Items, Total: page.Total, Page: n}
	if page.HasMore {
		d.MoreURL = Prefix + "/tree/" + strconv.FormatInt(id, 10) + "/children?page=" + strconv.Itoa(n+1)
	}
	pagerReq := r
	if r.URL.Path != Prefix+"/tree" {
		// The no-JavaScript links always lead to the tree page itself.
		pagerReq = r.Clone(r.Context())
		pagerReq.URL = &url.URL{Path: Prefix + "/tree", RawQuery: url.Values{"at": {strconv.FormatInt(id, 10)}}.Encode()}
	}
	d.Pager = newPager(pagerReq, n, treePageSize, page.Total, len(page.Items))
	return d, nil
}

// crumbs returns the partners from the user's home down to node's
// parent, in one list read (ancestors above the home are not shown: the
// user cannot see them).
func (c *console) crumbs(r *http.Request, pr hub.Principal, node *hub.Partner) ([]hub.Partner, error) {
	var ids []int64
	seen := false
	for _, id := range hub.PathIDs(node.Path) {
		if id == pr.PartnerID {
			seen = true
		}
		if seen && id != node.ID {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	q := hub.ListQuery{Limit: len(ids), Filter: inInts("id", ids), Order: []hub.OrderTerm{{Field: "depth"}}}
	page, err := c.svc.ListPartners(r.Context(), pr, hub.PartnerKey{}, q)
	if err != nil {
		return nil, err
	}
	return page.Items, nil
}
