package carrierx

import (
	"context"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// listTokens serves GET /core/v2/oauth/tokens: the caller's user's own
// tokens (revoked and expired ones included, as the hub lists them),
// newest first, in the standard list envelope. access_token and
// refresh_token are always null here. filter and order take token_sid,
// name, client_id, date_created and date_expiration_access_token.
func (a *api) listTokens(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	ctx := r.Context()
	lr, err := a.parseList(ctx, r.URL.Query(), tokenKeys, tokenVocabulary, a.tokenCursor(pr))
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	page, err := a.svc.ListTokens(ctx, pr, lr.query)
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	items := page.Items
	firstSID, lastSID := "", ""
	if len(items) > 0 {
		firstSID, lastSID = items[0].SID, items[len(items)-1].SID
	}
	a.writeList(w, r, lr, len(items), func(dst []byte, i int) ([]byte, error) {
		obj, err := lr.fields.apply(toTokenJSON(&items[i], "", ""))
		if err != nil {
			return dst, err
		}
		return httpapi.AppendJSON(dst, obj)
	}, page.HasMore, page.Total, firstSID, lastSID)
}

// revokeToken serves DELETE /core/v2/oauth/tokens/{token_sid}: 204. The
// hub allows the caller's own tokens and those of users the caller may
// manage; any other, unknown or malformed token_sid is 404.
func (a *api) revokeToken(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	sid := r.PathValue("token_sid")
	if !hub.IsSID(sid) {
		a.writeError(w, r, hub.Errorf(hub.NotFound, "token not found"), fromQuery)
		return
	}
	if _, err := a.svc.RevokeToken(r.Context(), pr, sid); err != nil {
		a.writeError(w, r, err, fromQuery)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// tokenCursor resolves a token_sid cursor of the caller's token list
// through hub.Service.OwnToken: anything but one of the caller's own
// tokens is a 400.
func (a *api) tokenCursor(pr hub.Principal) cursorFunc {
	return func(ctx context.Context, name, sid string) (int64, error) {
		if sid == "" {
			return 0, nil
		}
		t, err := a.svc.OwnToken(ctx, pr, sid)
		if hub.IsKind(err, hub.NotFound) {
			return 0, queryError(name, "is not the token_sid of a token in this list")
		}
		if err != nil {
			return 0, err
		}
		return t.ID, nil
	}
}
