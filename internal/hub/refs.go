package hub

import (
	"context"
	"errors"

	"github.com/partnerhub/partnerhub/internal/filter"
)

// ErrAmbiguous is the cause of the Conflict a name lookup returns when more
// than one visible object carries the name (names are not unique).
var ErrAmbiguous = errors.New("the name matches more than one object")

// ErrNoSuchParent is the cause of the NotFound a move returns when the new
// parent names no partner the caller can see, so that a face can tell it
// from the moved partner's own NotFound.
var ErrNoSuchParent = errors.New("the new parent names no partner the caller can see")

// PartnerRef names a partner by its id or, when ID is 0, by its name, as
// a request body's {"id": n} or {"name": "..."} and a list's partner=
// parameter do.
type PartnerRef struct {
	ID   int64
	Name string
}

// ClientRef names a client by its id or, when ID is 0, by its name.
type ClientRef struct {
	ID   int64
	Name string
}

// ResolvePartner returns the partner ref names among those the caller can
// see, then checks need (the requirement of the operation the reference
// is part of). By id: a missing and an invisible partner are the same
// NotFound. By name (exact, case-sensitive; names are not unique): no
// visible partner of that name is NotFound, more than one is a Conflict
// wrapping ErrAmbiguous. A visible partner without need is Forbidden.
func (s *Service) ResolvePartner(ctx context.Context, pr Principal, ref PartnerRef, need Requirement) (*Partner, error) {
	p, err := s.resolvePartner(ctx, s.store, pr, ref, "partner")
	return authorize(pr, need, p, err)
}

// resolvePartner finds the partner ref names among those the caller can
// see, reading through r (the store, or the transaction the reference is
// used in), without checking any scope.
func (s *Service) resolvePartner(ctx context.Context, r Reader, pr Principal, ref PartnerRef, what string) (*Partner, error) {
	if ref.ID != 0 || ref.Name == "" {
		return s.visiblePartner(ctx, r, pr, PartnerKey{ID: ref.ID}, what)
	}
	return s.partnerByName(ctx, r, pr, ref.Name, what)
}

// partnerByName finds the one partner named name in the caller's subtree.
func (s *Service) partnerByName(ctx context.Context, r Reader, pr Principal, name, what string) (*Partner, error) {
	if pr.ClientID != 0 || pr.PartnerPath == "" || badText(name) != "" || len(name) > 4*maxNameLen {
		return nil, notFound(what)
	}
	page, err := r.ListPartners(ctx, pr.PartnerPath, ListQuery{Filter: nameIs(name), Limit: 2})
	if err != nil {
		return nil, err
	}
	return only(page.Items, what)
}

// ResolveClient returns the client ref names among those the caller can
// see (a client-level caller sees its own client only), then checks need;
// the rules of ResolvePartner apply.
func (s *Service) ResolveClient(ctx context.Context, pr Principal, ref ClientRef, need Requirement) (*Client, error) {
	var c *Client
	var err error
	if ref.ID != 0 || ref.Name == "" {
		c, err = s.visibleClient(ctx, s.store, pr, ref.ID, "")
	} else {
		c, err = s.clientByName(ctx, pr, ref.Name)
	}
	return authorize(pr, need, c, err)
}

// clientByName finds the one visible client named name.
func (s *Service) clientByName(ctx context.Context, pr Principal, name string) (*Client, error) {
	scope := Scope{Path: pr.PartnerPath}
	if pr.ClientID != 0 {
		scope = Scope{ClientID: pr.ClientID}
	}
	if (scope.Path == "" && scope.ClientID == 0) || badText(name) != "" || len(name) > 4*maxNameLen {
		return nil, notFound("client")
	}
	page, err := s.store.ListClients(ctx, scope, ListQuery{Filter: nameIs(name), Limit: 2})
	if err != nil {
		return nil, err
	}
	return only(page.Items, "client")
}

// nameIs is the filter "name eq <name>".
func nameIs(name string) filter.Expr {
	return &filter.Cond{Field: "name", Op: filter.Eq, Values: []filter.Value{{Text: name, Quoted: true}}}
}

// only returns the single item of a name lookup (asked for two).
func only[T any](items []T, what string) (*T, error) {
	switch len(items) {
	case 0:
		return nil, notFound(what)
	case 1:
		v := items[0]
		return &v, nil
	}
	return nil, &Error{Kind: Conflict, Message: "more than one " + what + " has this name; name it by id", Err: ErrAmbiguous}
}

// PartnerNames returns the names of the partners with the given ids (those
// that exist), in one read. It checks no visibility: it is for showing
// the references an object the caller may see carries (a partner's
// parent, a client's owner and top-level partner), which are part of that
// object's own record.
func (s *Service) PartnerNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.store.PartnerNames(ctx, ids)
}

// ClientNames returns the names of the clients with the given ids, in one
// read, for showing the client a visible user belongs to; see
// PartnerNames.
func (s *Service) ClientNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	return s.store.ClientNames(ctx, ids)
}

// TopPartnerID is the top-level partner of the branch a partner at path
// lies in: the root's child on that path, or the partner itself when it
// is the root or one of its children.
func TopPartnerID(path string) int64 {
	ids := PathIDs(path)
	switch len(ids) {
	case 0:
		return 0
	case 1:
		return ids[0]
	}
	return ids[1]
}
