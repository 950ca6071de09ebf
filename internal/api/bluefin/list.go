package bluefin

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// maxParamLen bounds the partner= and client= values (the vendor's
// maxLength).
const maxParamLen = 255

// listQuery reads take and skip into the domain's list query (limit and
// offset): the syntax only; their bounds are the hub's (ListQuery.Validate:
// take 1 to 1000, default 10; skip from 0), whose errors name the
// domain's fields and are renamed by pageFields. Lists are in id order,
// so pages neither repeat nor skip a row while partners are added (new
// ids are larger).
func listQuery(q url.Values) (hub.ListQuery, error) {
	var lq hub.ListQuery
	n, sent, err := httpapi.IntParam(q, "take")
	if err != nil {
		return lq, queryError(err)
	}
	if sent {
		lq.Limit, lq.Sent = n, lq.Sent|hub.SentLimit
	}
	if n, sent, err = httpapi.IntParam(q, "skip"); err != nil {
		return lq, queryError(err)
	}
	if sent {
		lq.Offset, lq.Sent = n, lq.Sent|hub.SentOffset
	}
	return lq, nil
}

// queryError turns a query parameter the mux's helpers refuse (a 400)
// into the vendor's 409 naming the parameter: Bluefin documents 409 for
// every invalid input of a list.
func queryError(err error) error {
	var re *httpapi.RequestError
	if errors.As(err, &re) && re.Field != "" {
		return attrError(re.Field, "%s", re.Message)
	}
	return err
}

// pageFields names the hub's list errors in the face's words.
var pageFields = renamer(map[string]string{"limit": "take", "offset": "skip"})

// paramRef reads a list's partner= or client= parameter: an id (all
// digits) or a name. ok is false when it was not sent.
func paramRef(q url.Values, name string) (ref, bool, error) {
	v, ok := httpapi.Param(q, name)
	if !ok {
		return ref{}, false, nil
	}
	if v == "" || len(v) > maxParamLen {
		return ref{}, true, attrError(name, "must be an id or a name of 1 to %d characters", maxParamLen)
	}
	if strings.Trim(v, "0123456789") == "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return ref{}, true, attrError(name, "is not a valid id")
		}
		return ref{ID: id}, true, nil
	}
	return ref{Name: v}, true, nil
}

// errOutside is the answer to a partner= or client= parameter naming an
// object outside the caller's subtree, or none at all: the vendor's
// documented permission error.
func errOutside(name string) error {
	return hub.Errorf(hub.Forbidden, "%s= names nothing the caller may list", name)
}

// listPartner resolves a list's partner= parameter among the partners the
// caller can see (need: the list's requirement): a partner outside the
// caller's subtree, or none, is the 7403; a name several visible partners
// carry is a 409 naming partner.
func (a *api) listPartner(ctx context.Context, pr hub.Principal, q url.Values, need hub.Requirement) (*hub.Partner, error) {
	r, sent, err := paramRef(q, "partner")
	if !sent || err != nil {
		return nil, err
	}
	p, err := a.svc.ResolvePartner(ctx, pr, hub.PartnerRef{ID: r.ID, Name: r.Name}, need)
	switch {
	case hub.IsKind(err, hub.NotFound):
		return nil, errOutside("partner")
	case errors.Is(err, hub.ErrAmbiguous):
		return nil, refError(err, "partner")
	}
	return p, err
}

// listClient resolves a list's client= parameter; see listPartner.
func (a *api) listClient(ctx context.Context, pr hub.Principal, q url.Values, need hub.Requirement) (*hub.Client, error) {
	r, sent, err := paramRef(q, "client")
	if !sent || err != nil {
		return nil, err
	}
	c, err := a.svc.ResolveClient(ctx, pr, hub.ClientRef{ID: r.ID, Name: r.Name}, need)
	switch {
	case hub.IsKind(err, hub.NotFound):
		return nil, errOutside("client")
	case errors.Is(err, hub.ErrAmbiguous):
		return nil, refError(err, "client")
	}
	return c, err
}

// partnerKey turns a resolved partner into the key a hub list takes (the
// zero key: the caller's home).
func partnerKey(p *hub.Partner) hub.PartnerKey {
	if p == nil {
		return hub.PartnerKey{}
	}
	return hub.PartnerKey{ID: p.ID}
}
