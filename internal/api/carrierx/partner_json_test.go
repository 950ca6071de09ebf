package carrierx

import (
	"github.com/partnerhub/partnerhub/internal/hub"
	"slices"
)

// This file keeps the face's former, reflection-based rendering of the
// Partner object and the list envelope: the reference the append encoders
// (partner_encode.go, writeList) are tested against byte for byte.

// partnerJSON is the CarrierX Partner object. Fields are declared in the
// alphabetical order of their JSON names, so the encoder writes the keys
// alphabetically as the vendor does; every key is always present, null
// where empty.
type partnerJSON struct {
	ACLs               []map[string]any  `json:"acls"`
	Address1           *string           `json:"address1"`
	Address2           *string           `json:"address2"`
	Attributes         map[string]string `json:"attributes"`
	AvailableScopes    []string          `json:"available_scopes"`
	Balance            string            `json:"balance"`
	BillingEmail       *string           `json:"billing_email"`
	Callbacks          map[string]string `json:"callbacks"`
	ChargeAt           *string           `json:"charge_at"`
	City               *string           `json:"city"`
	CompanyName        *string           `json:"company_name"`
	CountryCode        *string           `json:"country_code"`
	DailySpendingLimit string            `json:"daily_spending_limit"`
	DailySpentAmount   string            `json:"daily_spent_amount"`
	DateCreated        string            `json:"date_created"`
	DisplayID          string            `json:"display_id"`
	Login              *string           `json:"login"`
	Name               *string           `json:"name"`
	OwnerEmail         *string           `json:"owner_email"`
	ParentAssignedACLs []map[string]any  `json:"parent_assigned_acls"`
	ParentSID          *string           `json:"parent_sid"`
	PartnerSID         string            `json:"partner_sid"`
	PaymentType        *string           `json:"payment_type"`
	Phonenumber        *string           `json:"phonenumber"`
	PrepayAmount       *string           `json:"prepay_amount"`
	SpendingLimit      string            `json:"spending_limit"`
	State              *string           `json:"state"`
	Status             string            `json:"status"`
	TechEmail          *string           `json:"tech_email"`
	Transformations    []map[string]any  `json:"transformations"`
	Zip                *string           `json:"zip"`
}

// toPartnerJSON renders p; p.ParentSID is "" for the root (null).
//
// available_scopes is the scopes this partner may grant: every scope for
// the root, and for any other partner the scopes of
// hub.RolePartnerSupervisor, the highest role its users can hold.
func toPartnerJSON(p *hub.Partner) partnerJSON {
	return partnerJSON{
		ACLs:               nonNilList(p.ACLs),
		Address1:           nullable(p.Address1),
		Address2:           nullable(p.Address2),
		Attributes:         nonNilMap(p.Attributes),
		AvailableScopes:    refAvailableScopes(p),
		Balance:            p.Balance.String(),
		BillingEmail:       verified(p.BillingEmail, p.BillingEmailVerified),
		Callbacks:          nonNilMap(p.Callbacks),
		ChargeAt:           money(p.ChargeAt),
		City:               nullable(p.City),
		CompanyName:        nullable(p.Name),
		CountryCode:        nullable(p.CountryCode),
		DailySpendingLimit: p.DailySpendingLimit.String(),
		DailySpentAmount:   p.DailySpentAmount.String(),
		DateCreated:        p.CreatedAt.UTC().Format(dateLayout),
		DisplayID:          hub.DisplayID(p.ID),
		Login:              nullable(p.Login),
		Name:               nullable(p.ContactName),
		OwnerEmail:         verified(p.OwnerEmail, p.OwnerEmailVerified),
		ParentAssignedACLs: nonNilList(p.ParentAssignedACLs),
		ParentSID:          nullable(p.ParentSID),
		PartnerSID:         p.SID,
		PaymentType:        nullable(p.PaymentType),
		Phonenumber:        nullable(p.Phonenumber),
		PrepayAmount:       money(p.PrepayAmount),
		SpendingLimit:      p.SpendingLimit.String(),
		State:              nullable(p.State),
		Status:             p.Status,
		TechEmail:          verified(p.TechEmail, p.TechEmailVerified),
		Transformations:    nonNilList(p.Transformations),
		Zip:                nullable(p.Zip),
	}
}

// refAvailableScopes is what p may grant: hub.AllScopes for the root (no
// parent), the sorted scopes of a Partner Supervisor for every other
// partner.
func refAvailableScopes(p *hub.Partner) []string {
	if p.ParentID == 0 {
		return hub.AllScopes
	}
	s := hub.RolePartnerSupervisor.Scopes()
	slices.Sort(s)
	return s
}

// verified shows an e-mail address only once it has been verified.
func verified(s string, ok bool) *string {
	if !ok {
		return nil
	}
	return nullable(s)
}

func money(m *hub.Money) *string {
	if m == nil {
		return nil
	}
	s := m.String()
	return &s
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilList(l []map[string]any) []map[string]any {
	if l == nil {
		return []map[string]any{}
	}
	return l
}

// listEnvelope is the vendor's list shape; fields in alphabetical order of
// their JSON names.
type listEnvelope struct {
	Count      int               `json:"count"`
	HasMore    bool              `json:"has_more"`
	Items      []any             `json:"items"`
	Limit      int               `json:"limit"`
	Offset     int               `json:"offset"`
	Pagination map[string]string `json:"pagination"`
	Total      int64             `json:"total"`
}
