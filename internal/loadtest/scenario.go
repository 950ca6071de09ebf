package loadtest

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Tree names the partner tree a scenario runs on, and so its caller and the
// ids its templates draw from.
type Tree string

const (
	// Branch is the main tree (Config.Partners), called with a token acting
	// at its largest depth-1 partner; {sid} draws from that partner's
	// subtree (itself included).
	Branch Tree = "branch"
	// Whole is the big tree (Config.BigPartners), called with the root
	// admin's token; {sid} draws from every partner.
	Whole Tree = "whole"
)

// Scenario is one kind of load: what is requested, on which tree, with the
// read cache on or off. Adding a face's scenario is adding one of these.
type Scenario struct {
	Name  string // short, unique; shown in the table and selectable by -scenarios
	About string // one line for people
	Tree  Tree
	Cache bool // serve with the read cache (--cache-ttl 1s) or without (--cache-ttl 0)
	// Basic calls as the bootstrap admin with HTTP Basic (its verification
	// cached by serve) instead of the tree's bearer token; the admin sees
	// the whole tree, so {sid} and {id} still draw from the scenario's tree.
	Basic bool
	// Requests are the request kinds; each request of the load picks one
	// at random, weighted by Share.
	Requests []Request
}

// Request is one kind of request in a scenario. Path and Body are
// templates: {sid} is a partner sid drawn at random per request from the
// scenario's tree (the same value everywhere in one request) and {id} that
// partner's numeric id, {same} is one fixed sid of that tree, {branch} the
// numeric id of the tree's top partner (the branch's own partner, or the
// root), {n} a random number below 1,000,000; {pa} is the ref (the /api/v2
// id) of the branch's partner and {client} one of its clients, which the
// harness creates with its change requests (see dialog360.go) for the
// scenarios that use them. The harness adds the caller's Authorization
// header.
type Request struct {
	Share   int    // relative weight among the scenario's requests; 0 counts as 1
	Method  string // GET, PATCH, ...
	Pattern string // the route's net/http ServeMux pattern: the baseline serves it
	Path    string // path and query string, escaped as on the wire
	Header  map[string]string
	Body    string
}

// deterministic reports whether a scenario's answers depend only on the
// URL: it only reads, so a sampled body must equal the recorded one.
func (s *Scenario) deterministic() bool {
	for _, r := range s.Requests {
		if r.Method != http.MethodGet {
			return false
		}
	}
	return true
}

// check reports a malformed scenario.
func (s *Scenario) check() error {
	switch {
	case s.Name == "":
		return errors.New("scenario without a name")
	case s.Tree != Branch && s.Tree != Whole:
		return fmt.Errorf("scenario %s: tree %q is neither %q nor %q", s.Name, s.Tree, Branch, Whole)
	case len(s.Requests) == 0:
		return fmt.Errorf("scenario %s: no requests", s.Name)
	}
	for i, r := range s.Requests {
		if r.Share < 0 || r.Method == "" || !strings.HasPrefix(r.Path, "/") {
			return fmt.Errorf("scenario %s: request %d needs a method, a path starting with / and a share >= 0", s.Name, i)
		}
		if !strings.HasPrefix(r.Pattern, r.Method+" /") {
			return fmt.Errorf("scenario %s: request %d: pattern %q must start with %q", s.Name, i, r.Pattern, r.Method+" /")
		}
		for _, t := range []string{r.Path, r.Body} {
			if _, err := parseTemplate(t); err != nil {
				return fmt.Errorf("scenario %s: request %d: %w", s.Name, i, err)
			}
		}
	}
	if s.usesDialog360() && s.Tree != Branch {
		return fmt.Errorf("scenario %s: {pa} and {client} name the branch's partner: the tree must be %q", s.Name, Branch)
	}
	return nil
}

// usesDialog360 reports whether the scenario needs the /api/v2 fixture
// ({pa} or {client} in a template).
func (s *Scenario) usesDialog360() bool {
	for _, r := range s.Requests {
		for _, text := range []string{r.Path, r.Body} {
			t, _ := parseTemplate(text)
			if t.uses("pa") || t.uses("client") {
				return true
			}
		}
	}
	return false
}

// vars are the values of one request's placeholders.
type vars struct {
	sid    string // {sid}
	id     string // {id}: the numeric id of the same partner as {sid}
	same   string // {same}
	branch string // {branch}: the numeric id of the tree's top partner
	n      int    // {n}
	dialog360
}

// template is a parsed Path or Body: literal text and placeholders.
type template []segment

type segment struct {
	lit string
	ph  string // "sid", "same", "n", "pa", "client" or "" for literal text
}

// parseTemplate splits s at its placeholders: a '{' followed by lower-case
// letters and '}'. Any other brace is text (JSON bodies have plenty); an
// unknown placeholder is an error.
func parseTemplate(s string) (template, error) {
	var t template
	lit := 0 // start of the pending literal text
	for i := 0; i < len(s); i++ {
		if s[i] != '{' {
			continue
		}
		j := i + 1
		for j < len(s) && s[j] >= 'a' && s[j] <= 'z' {
			j++
		}
		if j == i+1 || j == len(s) || s[j] != '}' {
			continue
		}
		name := s[i+1 : j]
		switch name {
		case "sid", "id", "same", "branch", "n", "pa", "client":
		default:
			return nil, fmt.Errorf("unknown placeholder {%s} (known: {sid}, {id}, {same}, {branch}, {n}, {pa}, {client})", name)
		}
		if i > lit {
			t = append(t, segment{lit: s[lit:i]})
		}
		t = append(t, segment{ph: name})
		lit, i = j+1, j
	}
	if lit < len(s) {
		t = append(t, segment{lit: s[lit:]})
	}
	return t, nil
}

// uses reports whether the template has the placeholder.
func (t template) uses(ph string) bool {
	for _, s := range t {
		if s.ph == ph {
			return true
		}
	}
	return false
}

// expand appends the template with v substituted to dst.
func (t template) expand(dst []byte, v vars) []byte {
	for _, s := range t {
		switch s.ph {
		case "":
			dst = append(dst, s.lit...)
		case "sid":
			dst = append(dst, v.sid...)
		case "id":
			dst = append(dst, v.id...)
		case "branch":
			dst = append(dst, v.branch...)
		case "same":
			dst = append(dst, v.same...)
		case "n":
			dst = strconv.AppendInt(dst, int64(v.n), 10)
		case "pa":
			dst = append(dst, v.pa...)
		case "client":
			dst = append(dst, v.client...)
		}
	}
	return dst
}
