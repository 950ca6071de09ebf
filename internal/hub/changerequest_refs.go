package hub

import (
	"context"

	"github.com/partnerhub/partnerhub/internal/filter"
)

// openRequestFilter selects the open (created or pending) requests, one
// is enough.
func openRequestFilter() ListQuery {
	return ListQuery{Limit: 1, Filter: &filter.Cond{Field: "status", Op: filter.In,
		Values: []filter.Value{{Text: ChangeRequestCreated, Quoted: true}, {Text: ChangeRequestPending, Quoted: true}}}}
}

// checkNoOpenRequest refuses to delete a client or partner that an open
// change request names (as its source or target): the migration it waits
// for or runs needs it. scope selects the requests naming it; what says
// what is being deleted ("client 12"). Closed requests do not stand in
// the way: they keep the refs they copied when the object goes.
func checkNoOpenRequest(ctx context.Context, r Reader, scope ChangeRequestScope, what string) error {
	page, err := r.ListChangeRequests(ctx, scope, openRequestFilter())
	if err != nil {
		return err
	}
	if len(page.Items) == 0 {
		return nil
	}
	cr := page.Items[0]
	return Errorf(Conflict, "%s has an open change request (%s, %s); it can be deleted once the request is completed, failed or rejected", what, cr.Ref, cr.Status)
}
