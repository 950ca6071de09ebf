package carrierx

import (
	"context"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// fillParentSIDs makes sure every non-root partner carries its parent's
// partner_sid. The store fills hub.Partner.ParentSID on every read, so
// this reads nothing; the fallback (a lookup per distinct parent still
// missing, sibling SIDs in the page reused) only guards against a store
// that did not.
//
// Showing a parent's SID is not a visibility leak: parent_sid is part of
// the child's own object, even for a caller who cannot see the parent.
func (a *api) fillParentSIDs(ctx context.Context, partners ...*hub.Partner) error {
	var known map[int64]string
	for _, p := range partners {
		if p.ParentID == 0 || p.ParentSID != "" {
			continue
		}
		if known == nil {
			known = make(map[int64]string, len(partners))
			for _, q := range partners {
				known[q.ID] = q.SID
			}
		}
		sid, ok := known[p.ParentID]
		if !ok {
			parent, err := a.svc.Store().Partner(ctx, hub.PartnerKey{ID: p.ParentID})
			if err != nil {
				return err
			}
			sid = parent.SID
			known[p.ParentID] = sid
		}
		p.ParentSID = sid
	}
	return nil
}

// renderPartner renders one partner with its parent's SID.
func (a *api) renderPartner(ctx context.Context, p *hub.Partner) (partnerJSON, error) {
	if err := a.fillParentSIDs(ctx, p); err != nil {
		return partnerJSON{}, err
	}
	return toPartnerJSON(p), nil
}
