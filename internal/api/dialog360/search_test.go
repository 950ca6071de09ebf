package dialog360_test

import (
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestChangeRequestSearchHidesNames: the target partner's incoming list
// does not show the source client's name (the client belongs to another
// partner), so its q filter does not match that name either: probing a
// name finds nothing, while the ids the answer shows still find the
// request.
func TestChangeRequestSearchHidesNames(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		src, dst := e.partner(e.root, "Source"), e.partner(e.root, "Target")
		c, err := e.svc.CreateClient(e.ctx, e.sys, &hub.Client{Name: "Quiet Harbour Ltd", PartnerID: src.ID})
		if err != nil {
			t.Fatal(err)
		}
		var r pcr
		e.do(e.key(src), "POST", "/api/v2/partners/"+src.Ref+"/clients/"+c.Ref+"/partner_change_request",
			`{"target_partner_id":"`+dst.Ref+`"}`).want(t, 201).into(t, &r)
		kd := e.key(dst)
		base := "/api/v2/partners/" + dst.Ref + "/selective_partner_change_requests"
		if got := e.list(kd, base); got.Total != 1 {
			t.Fatalf("the target lists %d requests, want 1", got.Total)
		}
		for _, probe := range []string{"Quiet", "harbour", "Quiet Harbour Ltd"} {
			if got := e.list(kd, base, "filters", `{"q":"`+probe+`"}`); got.Total != 0 || len(got.Requests) != 0 {
				t.Errorf("q=%q matches %d requests by a name the target cannot see", probe, got.Total)
			}
		}
		for _, seen := range []string{r.ID, r.SourceClientID} {
			if got := e.list(kd, base, "filters", `{"q":"`+seen+`"}`); got.Total != 1 || ids(got.Requests)[0] != r.ID {
				t.Errorf("q=%q (shown in the answer) finds %v", seen, ids(got.Requests))
			}
		}
	})
}
