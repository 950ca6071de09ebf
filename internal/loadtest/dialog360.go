package loadtest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
)

// The /api/v2 fixture of the scenarios that use {pa} and {client}: the
// branch's partner gets dialog360Clients clients of its own (created with
// the branch's token, as a partner onboards them), and dialog360Requests
// clients of the root each ask to move to it (with the root's token), so
// that its list of incoming change requests holds that many. Nothing
// approves them: the answers stay the same for the whole run.
const (
	dialog360Clients  = 20
	dialog360Requests = 120
)

// dialog360 are the values of {pa} and {client}.
type dialog360 struct {
	pa     string // the branch partner's ref
	client string // the first client created for it
}

// setupDialog360 makes the /api/v2 fixture through serve's /api/v2 face
// and checks that the branch's token sees all of it.
func setupDialog360(ctx context.Context, base string, c callers, t *tree) (*dialog360, error) {
	var d dialog360
	var p struct {
		ID string `json:"id"`
	}
	if err := callJSON(ctx, "GET", base+"/api/v2/partners/"+t.branchSID, c.branch, "", http.StatusOK, &p); err != nil {
		return nil, err
	}
	d.pa = p.ID
	if err := callJSON(ctx, "GET", base+"/api/v2/partners/"+t.all[0], c.root, "", http.StatusOK, &p); err != nil {
		return nil, err
	}
	rootPA := p.ID
	for i := range dialog360Clients {
		body := fmt.Sprintf(`{"name":"Load client %d","organisation":"Load Ltd","meta_info":{"n":%d}}`, i, i)
		if err := callJSON(ctx, "POST", base+"/api/v2/partners/"+d.pa+"/clients", c.branch, body, http.StatusCreated, &p); err != nil {
			return nil, err
		}
		if i == 0 {
			d.client = p.ID
		}
	}
	for i := range dialog360Requests {
		body := fmt.Sprintf(`{"name":"Load mover %d"}`, i)
		if err := callJSON(ctx, "POST", base+"/api/v2/partners/"+rootPA+"/clients", c.root, body, http.StatusCreated, &p); err != nil {
			return nil, err
		}
		path := base + "/api/v2/partners/" + rootPA + "/clients/" + p.ID + "/partner_change_request"
		if err := callJSON(ctx, "POST", path, c.root, `{"target_partner_id":"`+d.pa+`"}`, http.StatusCreated, nil); err != nil {
			return nil, err
		}
	}
	var page struct {
		Total int `json:"total"`
	}
	if err := callJSON(ctx, "GET", base+"/api/v2/partners/"+d.pa+"/selective_partner_change_requests?limit=1", c.branch, "", http.StatusOK, &page); err != nil {
		return nil, err
	}
	if page.Total != dialog360Requests {
		return nil, fmt.Errorf("the branch's partner sees %d incoming change requests, %d were made", page.Total, dialog360Requests)
	}
	return &d, nil
}

// callJSON sends a request (a JSON body when body is set) and decodes the
// answer into v (when set); any status but want is an error.
func callJSON(ctx context.Context, method, u, authorization, body string, want int, v any) error {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Authorization", authorization)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: %s: %.300s", method, req.URL.Path, resp.Status, b)
	}
	if v == nil {
		return nil
	}
	return json.Unmarshal(b, v)
}
