package loadtest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// tokenLifetime is asked for every token: longer than any run.
const tokenLifetime = "86400"

// callers are the Authorization header values of a tree's scenarios.
type callers struct {
	root   string // the bootstrap admin's token: the whole tree
	branch string // a token acting at the largest depth-1 partner: its branch
}

// obtainCallers gets both tokens through the /core/v2 OAuth endpoints of a
// running serve: the admin's password grant, then a token for the admin's
// user acting at the branch's partner (POST /core/v2/oauth/token/{sid}).
// It checks that the branch token sees exactly the branch.
func obtainCallers(ctx context.Context, base string, a admin, t *tree) (callers, error) {
	var c callers
	access, err := postToken(ctx, base+"/core/v2/oauth/token", "", url.Values{
		"grant_type": {"password"}, "username": {a.Username}, "password": {a.Password},
		"client_id": {"partnerhub-load"}, "access_token_expires_in": {tokenLifetime},
	})
	if err != nil {
		return c, fmt.Errorf("the admin's password grant: %w", err)
	}
	c.root = "Bearer " + access
	access, err = postToken(ctx, base+"/core/v2/oauth/token/"+t.branchSID, c.root, url.Values{
		"client_id": {"partnerhub-load"}, "access_token_expires_in": {tokenLifetime},
	})
	if err != nil {
		return c, fmt.Errorf("a token at the branch's partner %s: %w", t.branchSID, err)
	}
	c.branch = "Bearer " + access
	var page struct {
		Total int64 `json:"total"`
	}
	if err := getJSON(ctx, base+"/core/v2/partners?limit=1", c.branch, &page); err != nil {
		return c, fmt.Errorf("listing the branch: %w", err)
	}
	if page.Total != int64(len(t.branch)) {
		return c, fmt.Errorf("the branch token sees %d partners, the database holds %d in that branch", page.Total, len(t.branch))
	}
	return c, nil
}

// postToken posts a form and returns the access_token of the answer.
func postToken(ctx context.Context, endpoint, authorization string, form url.Values) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := doJSON(req, &tok); err != nil {
		return "", err
	}
	if tok.AccessToken == "" {
		return "", fmt.Errorf("POST %s: no access_token in the answer", req.URL.Path)
	}
	return tok.AccessToken, nil
}

func getJSON(ctx context.Context, u, authorization string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", authorization)
	return doJSON(req, v)
}

// doJSON sends req and decodes a 200 answer into v.
func doJSON(req *http.Request, v any) error {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s %s: %s: %.300s", req.Method, req.URL.Path, resp.Status, body)
	}
	return json.Unmarshal(body, v)
}
