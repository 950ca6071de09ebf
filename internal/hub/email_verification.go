package hub

import "time"

// EmailVerificationTTL is how long a verification token stays usable.
const EmailVerificationTTL = 48 * time.Hour

// The partner e-mail fields that can be verified, by their CarrierX names.
const (
	EmailFieldOwner   = "owner_email"
	EmailFieldBilling = "billing_email"
	EmailFieldTech    = "tech_email"
)

// EmailFields lists the verifiable e-mail fields.
var EmailFields = []string{EmailFieldOwner, EmailFieldBilling, EmailFieldTech}

// EmailVerification is one issued verification of a partner e-mail field:
// it proves control of Address, the field's value when it was requested.
// Its token is shown once, to the requester; only its SHA-256 is stored,
// and never in this struct.
type EmailVerification struct {
	ID        int64
	PartnerID int64
	Field     string // one of EmailFields
	Address   string // the exact address the token was issued for
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time // set once the token has been consumed
}

// usable reports whether the verification may be consumed at now.
func (v *EmailVerification) usable(now time.Time) bool {
	return v.UsedAt == nil && now.Before(v.ExpiresAt)
}

// emailField returns a pointer to the address and to the verified flag of
// an e-mail field of p; ok is false for any other field name.
func emailField(p *Partner, field string) (address *string, verified *bool, ok bool) {
	switch field {
	case EmailFieldOwner:
		return &p.OwnerEmail, &p.OwnerEmailVerified, true
	case EmailFieldBilling:
		return &p.BillingEmail, &p.BillingEmailVerified, true
	case EmailFieldTech:
		return &p.TechEmail, &p.TechEmailVerified, true
	}
	return nil, nil, false
}
