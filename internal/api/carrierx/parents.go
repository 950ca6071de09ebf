package carrierx

import (
	"context"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// parentSIDs returns the partner_sid of each partner's parent, keyed by
// parent id. Parents found among partners cost nothing; the others are
// read one by one through the store.
//
// Reading a parent's SID is not a visibility leak: parent_sid is part of
// the child's own object, even for a caller who cannot see the parent.
// TODO(hub): a ParentSID on hub.Partner filled by the store's select (one
// self-join) would make this one query per page instead of one per
// distinct outside parent.
func (a *api) parentSIDs(ctx context.Context, partners ...*hub.Partner) (map[int64]string, error) {
	out := make(map[int64]string, len(partners))
	for _, p := range partners {
		out[p.ID] = p.SID
	}
	for _, p := range partners {
		if p.ParentID == 0 {
			continue
		}
		if _, ok := out[p.ParentID]; ok {
			continue
		}
		parent, err := a.svc.Store().Partner(ctx, hub.PartnerKey{ID: p.ParentID})
		if err != nil {
			return nil, err
		}
		out[parent.ID] = parent.SID
	}
	return out, nil
}

// renderPartner renders one partner with its parent's SID.
func (a *api) renderPartner(ctx context.Context, p *hub.Partner) (partnerJSON, error) {
	sids, err := a.parentSIDs(ctx, p)
	if err != nil {
		return partnerJSON{}, err
	}
	return toPartnerJSON(p, parentSID(p, sids)), nil
}

func parentSID(p *hub.Partner, sids map[int64]string) string {
	if p.ParentID == 0 {
		return ""
	}
	return sids[p.ParentID]
}
