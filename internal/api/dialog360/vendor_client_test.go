package dialog360_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// TestVendorClientRequests sends the requests the vendor's public .NET
// client (WABA360Dialog.NET, PartnerClient) builds, as it builds them,
// and reads the answers into the fields its models read: the token
// request and TokenResponse, the list requests with their defaults
// (limit=20, offset=0, sort=- and no filters), UpdateClient's PATCH with
// a null max_channels, PatchPartnerPublicData's PATCH with a null
// partner_redirect_url, and PartnerApiMeta of an error.
func TestVendorClientRequests(t *testing.T) {
	engines(t, func(t *testing.T, e *env) {
		p := e.partner(e.root, "P")
		k := e.key(p)
		c, _ := e.client(p, 1)
		user, pass := e.user(p, nil, hub.RolePartnerSupervisor)

		var tok struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
			TokenType    string `json:"token_type"`
			ExpiresIn    int    `json:"expires_in"`
			Meta         *any   `json:"meta"`
		}
		e.do(cred{}, "POST", "/api/v2/token", `{"username":"`+user+`","password":"`+pass+`"}`).want(t, 200).into(t, &tok)
		if tok.AccessToken == "" || tok.RefreshToken == "" || tok.TokenType != "Bearer" || tok.ExpiresIn != 86400 || tok.Meta != nil {
			t.Fatalf("TokenResponse: %+v", tok)
		}
		auth := bearer(tok.AccessToken)

		// GetPartnerClientsRequest and GetPartnerChannelsRequest defaults.
		var clients struct {
			Count   int      `json:"count"`
			Filters any      `json:"filters"`
			Sort    []string `json:"sort"`
			Limit   int      `json:"limit"`
			Offset  int      `json:"offset"`
			Total   int      `json:"total"`
			Clients []struct {
				ID          string    `json:"id"`
				Name        string    `json:"name"`
				Status      string    `json:"status"`
				MaxChannels int       `json:"max_channels"`
				CreatedAt   time.Time `json:"created_at"`
				ModifiedAt  time.Time `json:"modified_at"`
				CreatedBy   struct {
					UserID   string  `json:"user_id"`
					UserName *string `json:"user_name"`
				} `json:"created_by"`
				Suspicious bool `json:"suspicious"`
			} `json:"clients"`
		}
		e.do(auth, "GET", "/api/v2/partners/"+p.Ref+"/clients?limit=20&offset=0&sort=-", "").want(t, 200).into(t, &clients)
		if clients.Count != 1 || clients.Total != 1 || clients.Limit != 20 || clients.Clients[0].ID != c.Ref || clients.Clients[0].CreatedAt.IsZero() {
			t.Fatalf("GetPartnerClientsResponse: %+v", clients)
		}
		var channels struct {
			Total    int `json:"total"`
			Channels []struct {
				ID          string `json:"id"`
				ClientID    string `json:"client_id"`
				AccountMode string `json:"account_mode"`
				Status      string `json:"status"`
				Client      struct {
					ID   string `json:"id"`
					Name string `json:"name"`
				} `json:"client"`
				SetupInfo struct {
					PhoneNumber string `json:"phone_number"`
				} `json:"setup_info"`
			} `json:"partner_channels"`
		}
		e.do(k, "GET", "/api/v2/partners/"+p.Ref+"/channels?limit=20&offset=0&sort=-&filters=", "").want(t, 200).into(t, &channels)
		if channels.Total != 1 || channels.Channels[0].ClientID != c.Ref || channels.Channels[0].Client.ID != c.Ref || channels.Channels[0].SetupInfo.PhoneNumber == "" {
			t.Fatalf("GetPartnerChannelsResponse: %+v", channels)
		}

		// UpdateClientRequest: max_channels is an int? sent as null.
		var up struct {
			PartnerPayload string `json:"partner_payload"`
			MaxChannels    int    `json:"max_channels"`
		}
		e.do(auth, "PATCH", "/api/v2/partners/"+p.Ref+"/clients/"+c.Ref, `{"partner_payload":"crm-42","max_channels":null}`).want(t, 200).into(t, &up)
		if up.PartnerPayload != "crm-42" || up.MaxChannels != 0 {
			t.Fatalf("UpdateClientResponse: %+v", up)
		}

		// PatchPartnerPublicDataRequest sends both members, one null.
		var pp struct {
			ID                 string  `json:"id"`
			BrandName          string  `json:"brand_name"`
			PartnerRedirectURL *string `json:"partner_redirect_url"`
			WebhookURL         *string `json:"webhook_url"`
		}
		e.do(auth, "PATCH", "/api/v2/partners/"+p.Ref, `{"partner_redirect_url":"https://example.com/done","webhook_url":null}`).want(t, 200).into(t, &pp)
		if pp.ID != p.Ref || pp.PartnerRedirectURL == nil || *pp.PartnerRedirectURL != "https://example.com/done" || pp.WebhookURL != nil {
			t.Fatalf("PatchPartnerPublicDataResponse: %+v", pp)
		}

		// PartnerApiMeta: success, http_code, developer_message, details,
		// error_data {code (a string), message, real_message, status (an int)}.
		var bad struct {
			Meta struct {
				Success          *bool    `json:"success"`
				HTTPCode         *int     `json:"http_code"`
				DeveloperMessage string   `json:"developer_message"`
				Details          []string `json:"details"`
				ErrorData        struct {
					Code        string `json:"code"`
					Message     string `json:"message"`
					RealMessage string `json:"real_message"`
					Status      int    `json:"status"`
				} `json:"error_data"`
			} `json:"meta"`
		}
		r := e.do(auth, "PATCH", "/api/v2/partners/"+p.Ref+"/clients/"+c.Ref, `{"max_channels":"many"}`).want(t, 400)
		if err := json.Unmarshal(r.body, &bad); err != nil {
			t.Fatalf("PartnerApiMeta does not decode: %v: %s", err, r.body)
		}
		if bad.Meta.Success == nil || *bad.Meta.Success || bad.Meta.HTTPCode == nil || *bad.Meta.HTTPCode != 400 ||
			len(bad.Meta.Details) != 1 || bad.Meta.ErrorData.Status != 400 || bad.Meta.ErrorData.Code == "" {
			t.Fatalf("PartnerApiMeta: %s", r.body)
		}
	})
}
