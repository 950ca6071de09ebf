package hub

import (
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/internal/filter"
)

// ListField is one field that lists of a resource can filter (and, when
// sortable, order) by.
type ListField struct {
	Type filter.Type
	// Nullable fields accept `eq null`; they cannot be ordered by, so that
	// keyset cursors never compare a NULL.
	Nullable bool
	// Convert turns a filter literal into the stored value (money into
	// minor units); nil means the default for Type.
	Convert func(string) (any, error)
}

// Sortable reports whether lists may be ordered by the field: a scalar
// that is never null.
func (f ListField) Sortable() bool { return !f.Nullable && f.Type != filter.JSON }

// ListFields is the list vocabulary of one resource: the domain's field
// name (the snake_case name of the Go field of the resource's type, such
// as contact_name for Partner.ContactName) -> its description. It is the
// one vocabulary of lists: the store maps each name to a column (and
// knows no other name), and each face maps its public names onto these.
// The maps are shared: treat them as read-only.
type ListFields map[string]ListField

// Has reports whether name is a field of f, or a dotted path (such as
// attributes.tier) below one of f's JSON fields.
func (f ListFields) Has(name string) bool {
	if _, ok := f[name]; ok {
		return true
	}
	head, _, dotted := strings.Cut(name, ".")
	return dotted && f[head].Type == filter.JSON
}

// Names returns the field names, sorted.
func (f ListFields) Names() []string {
	names := make([]string, 0, len(f))
	for n := range f {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// The field kinds, for the tables below.
var (
	textField     = ListField{Type: filter.String}
	intField      = ListField{Type: filter.Int}
	boolField     = ListField{Type: filter.Bool}
	timeField     = ListField{Type: filter.Time}
	objectField   = ListField{Type: filter.JSON}
	moneyField    = ListField{Type: filter.Decimal, Convert: convertMoney}
	optionalMoney = ListField{Type: filter.Decimal, Convert: convertMoney, Nullable: true}
)

// convertMoney reads a money literal as minor units.
func convertMoney(s string) (any, error) {
	m, err := ParseMoney(s)
	return int64(m), err
}

// PartnerListFields is the list vocabulary of Partner.
var PartnerListFields = ListFields{
	"id":                   intField,
	"sid":                  textField,
	"ref":                  textField,
	"parent_id":            {Type: filter.Int, Nullable: true},
	"depth":                intField,
	"name":                 textField,
	"contact_name":         textField,
	"status":               textField,
	"version":              intField,
	"login":                textField,
	"reference":            textField,
	"billing_id":           textField,
	"address1":             textField,
	"address2":             textField,
	"city":                 textField,
	"state":                textField,
	"zip":                  textField,
	"country_code":         textField,
	"phonenumber":          textField,
	"payment_type":         textField,
	"balance":              moneyField,
	"daily_spending_limit": moneyField,
	"daily_spent_amount":   moneyField,
	"spending_limit":       moneyField,
	"charge_at":            optionalMoney,
	"prepay_amount":        optionalMoney,
	"created_at":           timeField,
	"modified_at":          timeField,
	"attributes":           objectField,
	"callbacks":            objectField,
}

// ClientListFields is the list vocabulary of Client.
var ClientListFields = ListFields{
	"id":              intField,
	"ref":             textField,
	"partner_id":      intField,
	"name":            textField,
	"status":          textField,
	"organisation":    textField,
	"billing_id":      textField,
	"mid":             textField,
	"max_channels":    intField,
	"partner_payload": textField,
	"created_at":      timeField,
	"modified_at":     timeField,
	"meta_info":       objectField,
	"contact_info":    objectField,
	// The contact user's name ("first last"), e-mail and phone; "" for a
	// client without one.
	"contact_user_name":  textField,
	"contact_user_email": textField,
	"contact_user_phone": textField,
	// q is free text: one string of the client's name, ref and
	// organisation, to match with ilike.
	"q": textField,
}

// ChannelListFields is the list vocabulary of Channel.
var ChannelListFields = ListFields{
	"id":           intField,
	"ref":          textField,
	"client_id":    intField,
	"client_ref":   textField,
	"status":       textField,
	"account_mode": textField,
	"phone_number": textField,
	"created_at":   timeField,
	"modified_at":  timeField,
	"setup_info":   objectField,
}

// UserListFields is the list vocabulary of User.
var UserListFields = ListFields{
	"id":             intField,
	"username":       textField,
	"first_name":     textField,
	"last_name":      textField,
	"email":          textField,
	"email_verified": boolField,
	"phone":          textField,
	"role":           textField,
	"active":         boolField,
	"created_at":     timeField,
	"modified_at":    timeField,
}

// APIKeyListFields is the list vocabulary of APIKey.
var APIKeyListFields = ListFields{
	"id":         intField,
	"partner_id": intField,
	"name":       textField,
	"prefix":     textField,
	"created_at": timeField,
}

// TokenListFields is the list vocabulary of Token.
var TokenListFields = ListFields{
	"id":              intField,
	"sid":             textField,
	"name":            textField,
	"oauth_client_id": textField,
	"partner_id":      intField,
	"created_at":      timeField,
	"expires_at":      timeField,
}

// AuditListFields is the list vocabulary of AuditEntry.
var AuditListFields = ListFields{
	"id":          intField,
	"at":          timeField,
	"actor":       textField,
	"partner_id":  intField,
	"action":      textField,
	"object_type": textField,
	"object_id":   textField,
}
