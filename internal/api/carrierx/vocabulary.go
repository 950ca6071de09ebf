package carrierx

import (
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// partnerVocabulary maps the names a partner list filters and orders by
// to the domain's fields (hub.PartnerListFields). They are the Partner
// object's keys (company_name is the organisation, the domain's name;
// name is the contact person, contact_name) and, as this face has always
// accepted them (ours), id, ref, parent_id, depth, version, reference,
// billing_id and date_modified: the only integer fields, which the bit
// operator needs.
var partnerVocabulary = httpapi.NewVocabulary(hub.PartnerListFields, map[string]string{
	"partner_sid":          "sid",
	"company_name":         "name",
	"name":                 "contact_name",
	"date_created":         "created_at",
	"status":               "status",
	"login":                "login",
	"address1":             "address1",
	"address2":             "address2",
	"city":                 "city",
	"state":                "state",
	"zip":                  "zip",
	"country_code":         "country_code",
	"phonenumber":          "phonenumber",
	"payment_type":         "payment_type",
	"balance":              "balance",
	"charge_at":            "charge_at",
	"prepay_amount":        "prepay_amount",
	"daily_spending_limit": "daily_spending_limit",
	"daily_spent_amount":   "daily_spent_amount",
	"spending_limit":       "spending_limit",
	"attributes":           "attributes",
	"callbacks":            "callbacks",

	"id":            "id",
	"ref":           "ref",
	"parent_id":     "parent_id",
	"depth":         "depth",
	"version":       "version",
	"reference":     "reference",
	"billing_id":    "billing_id",
	"date_modified": "modified_at",
})

// tokenVocabulary maps the Token keys a token list filters and orders by
// to the domain's fields (hub.TokenListFields).
var tokenVocabulary = httpapi.NewVocabulary(hub.TokenListFields, map[string]string{
	"token_sid":                    "sid",
	"name":                         "name",
	"client_id":                    "oauth_client_id",
	"date_created":                 "created_at",
	"date_expiration_access_token": "expires_at",
})

// publicFields renames the domain's field names in a partner validation
// error to the Partner object's keys (name is company_name, contact_name
// is name, the parent is parent_sid) and rebuilds the message from the
// renamed first field.
func publicFields(err error) error {
	return httpapi.RenameFields(err, func(field string) string {
		if field == "parent" {
			return "parent_sid"
		}
		if pub, ok := partnerVocabulary.Public(field); ok {
			return pub
		}
		return field
	})
}
