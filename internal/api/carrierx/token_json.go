package carrierx

import (
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// tokenJSON is the CarrierX Token object. Fields are declared in the
// alphabetical order of their JSON names; every key is always present,
// null where empty. access_token and refresh_token are shown only when the
// token is issued, never in listings.
type tokenJSON struct {
	AccessToken                *string  `json:"access_token"`
	ClientID                   *string  `json:"client_id"`
	DateCreated                string   `json:"date_created"`
	DateExpirationAccessToken  string   `json:"date_expiration_access_token"`
	DateExpirationRefreshToken string   `json:"date_expiration_refresh_token"`
	DateLastAccessed           *string  `json:"date_last_accessed"`
	IPLastAccessed             *string  `json:"ip_last_accessed"`
	Name                       *string  `json:"name"`
	PartnerSID                 string   `json:"partner_sid"`
	RefreshToken               *string  `json:"refresh_token"`
	Scopes                     []string `json:"scopes"`
	TokenSID                   string   `json:"token_sid"`
	TokenType                  string   `json:"token_type"`
}

// tokenKeys lists every key of the Token object, alphabetically.
var tokenKeys = []string{
	"access_token", "client_id", "date_created", "date_expiration_access_token",
	"date_expiration_refresh_token", "date_last_accessed", "ip_last_accessed", "name", "partner_sid",
	"refresh_token", "scopes", "token_sid", "token_type",
}

// toTokenJSON renders t (partner_sid is t.PartnerSID); access and refresh are the
// plaintexts at issue, "" in listings (shown as null).
func toTokenJSON(t *hub.Token, access, refresh string) tokenJSON {
	scopes := t.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return tokenJSON{
		AccessToken:                nullable(access),
		ClientID:                   nullable(t.OAuthClientID),
		DateCreated:                date(t.CreatedAt),
		DateExpirationAccessToken:  date(t.ExpiresAt),
		DateExpirationRefreshToken: date(t.RefreshExpiresAt),
		DateLastAccessed:           datePtr(t.LastAccessAt),
		IPLastAccessed:             nullable(t.LastAccessIP),
		Name:                       nullable(t.Name),
		PartnerSID:                 t.PartnerSID,
		RefreshToken:               nullable(refresh),
		Scopes:                     scopes,
		TokenSID:                   t.SID,
		TokenType:                  "bearer",
	}
}

// date formats a time in the vendor's layout (UTC, milliseconds, Z).
func date(t time.Time) string { return t.UTC().Format(dateLayout) }

func datePtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := date(*t)
	return &s
}
