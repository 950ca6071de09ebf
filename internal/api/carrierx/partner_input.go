package carrierx

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// modifiableKeys are the Partner keys PATCH and PUT accept (PUT requires
// all of them).
var modifiableKeys = []string{
	"acls", "address1", "address2", "attributes", "billing_email", "callbacks", "city",
	"company_name", "name", "owner_email", "parent_assigned_acls", "phonenumber", "tech_email",
	"transformations", "zip",
}

// createKeys are the keys POST accepts: the create fields and the
// modifiable ones. login and password give the partner its own
// credentials (hub.PartnerLogin); password is write-only.
var createKeys = append([]string{
	"charge_at", "country_code", "login", "parent_sid", "password", "payment_type", "prepay_amount",
}, modifiableKeys...)

// credentialKeys are the partner login's keys. PATCH and PUT accept them
// too (ours: the spec lists neither as modifiable, but says a partner
// created without a login can be given one later), never as required.
var credentialKeys = []string{"login", "password"}

func keySet(keys []string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[k] = true
	}
	return m
}

var (
	updateSet = keySet(append(append([]string(nil), modifiableKeys...), credentialKeys...))
	createSet = keySet(createKeys)
)

// stringFields maps the string keys of a request to the hub field they set.
var stringFields = map[string]func(*hub.Partner) *string{
	"address1":      func(p *hub.Partner) *string { return &p.Address1 },
	"address2":      func(p *hub.Partner) *string { return &p.Address2 },
	"billing_email": func(p *hub.Partner) *string { return &p.BillingEmail },
	"city":          func(p *hub.Partner) *string { return &p.City },
	"company_name":  func(p *hub.Partner) *string { return &p.Name },
	"country_code":  func(p *hub.Partner) *string { return &p.CountryCode },
	"name":          func(p *hub.Partner) *string { return &p.ContactName },
	"owner_email":   func(p *hub.Partner) *string { return &p.OwnerEmail },
	"payment_type":  func(p *hub.Partner) *string { return &p.PaymentType },
	"phonenumber":   func(p *hub.Partner) *string { return &p.Phonenumber },
	"tech_email":    func(p *hub.Partner) *string { return &p.TechEmail },
	"zip":           func(p *hub.Partner) *string { return &p.Zip },
}

// emailVerified maps each e-mail key to its verified flag.
var emailVerified = map[string]func(*hub.Partner) *bool{
	"billing_email": func(p *hub.Partner) *bool { return &p.BillingEmailVerified },
	"owner_email":   func(p *hub.Partner) *bool { return &p.OwnerEmailVerified },
	"tech_email":    func(p *hub.Partner) *bool { return &p.TechEmailVerified },
}

// listFields maps the array keys to the hub field they replace.
var listFields = map[string]func(*hub.Partner) *[]map[string]any{
	"acls":                 func(p *hub.Partner) *[]map[string]any { return &p.ACLs },
	"parent_assigned_acls": func(p *hub.Partner) *[]map[string]any { return &p.ParentAssignedACLs },
	"transformations":      func(p *hub.Partner) *[]map[string]any { return &p.Transformations },
}

// mapFields maps the object keys to the hub field they merge into.
var mapFields = map[string]func(*hub.Partner) *map[string]string{
	"attributes": func(p *hub.Partner) *map[string]string { return &p.Attributes },
	"callbacks":  func(p *hub.Partner) *map[string]string { return &p.Callbacks },
}

// mapPatch is a sent attributes/callbacks object: keys to set and keys
// sent as null (deleted when merging).
type mapPatch struct {
	set map[string]string
	del []string
}

// partnerInput is a decoded, type-checked request object. Only the keys
// that were sent are present.
type partnerInput struct {
	strings  map[string]string
	lists    map[string][]map[string]any
	maps     map[string]mapPatch
	money    map[string]*hub.Money // charge_at, prepay_amount
	parentID string                // parent_sid on create
	// login and password, when sent as strings (null is as good as not
	// sent: GET shows a partner without a login as "login": null).
	login, password *string
	// nullEmails holds the e-mail keys sent as JSON null. GET shows an
	// unverified address as null, so a null keeps a pending (unverified)
	// address and clears only a verified one; "" always clears. Without
	// this a GET-edit-PUT round trip would erase every pending address.
	nullEmails map[string]bool
}

// decodePartnerInput checks obj's keys against allowed (422 naming each
// unknown or read-only key), requires every key of required (PUT), and
// decodes each value with its type (422 naming the field).
func decodePartnerInput(obj map[string]json.RawMessage, allowed map[string]bool, required []string) (*partnerInput, error) {
	if err := checkKeys(obj, allowed); err != nil {
		return nil, err
	}
	var bad []hub.FieldError
	for _, k := range required {
		if _, ok := obj[k]; !ok {
			bad = append(bad, hub.FieldError{Field: k, Message: "is required: PUT must carry every modifiable field"})
		}
	}
	in := &partnerInput{strings: map[string]string{}, lists: map[string][]map[string]any{},
		maps: map[string]mapPatch{}, money: map[string]*hub.Money{}}
	for _, k := range sortedKeys(obj) {
		raw := obj[k]
		var err error
		switch {
		case stringFields[k] != nil:
			in.strings[k], err = decodeString(k, raw)
			if emailVerified[k] != nil && string(bytes.TrimSpace(raw)) == "null" {
				if in.nullEmails == nil {
					in.nullEmails = map[string]bool{}
				}
				in.nullEmails[k] = true
			}
		case listFields[k] != nil:
			in.lists[k], err = decodeObjectList(k, raw)
		case mapFields[k] != nil:
			var mp mapPatch
			mp.set, mp.del, err = decodeStringMap(k, raw)
			in.maps[k] = mp
		case k == "charge_at" || k == "prepay_amount":
			in.money[k], err = decodeMoney(k, raw)
		case k == "parent_sid":
			in.parentID, err = decodeString(k, raw)
		case k == "login" || k == "password":
			var v string
			if v, err = decodeString(k, raw); err == nil && !isNull(raw) {
				if k == "login" {
					in.login = &v
				} else {
					in.password = &v
				}
			}
		}
		var he *hub.Error
		if err != nil && errors.As(err, &he) {
			bad = append(bad, he.Fields...)
		}
	}
	if err := fieldErrors(bad); err != nil {
		return nil, err
	}
	return in, nil
}

// apply writes the input onto p. Nested objects are merged key by key
// unless replace is set; arrays are replaced whole. (A changed e-mail
// address becomes unverified by the hub's rule.)
func (in *partnerInput) apply(p *hub.Partner, replace bool) {
	for k, v := range in.strings {
		f := stringFields[k](p)
		if verified := emailVerified[k]; verified != nil && in.nullEmails[k] && !*verified(p) {
			continue // null is how the pending address was shown: keep it
		}
		*f = v // a changed address becomes unverified in the hub
	}
	for k, v := range in.lists {
		*listFields[k](p) = v
	}
	for k, mp := range in.maps {
		f := mapFields[k](p)
		if replace || *f == nil {
			*f = maps.Clone(mp.set)
			continue
		}
		next := maps.Clone(*f)
		for _, d := range mp.del {
			delete(next, d)
		}
		maps.Copy(next, mp.set)
		*f = next
	}
	if in.login != nil {
		// The hub turns a changed Login into a login change; "" is a
		// removal, which it refuses.
		p.Login = *in.login
	}
	if m, ok := in.money["charge_at"]; ok {
		p.ChargeAt = m
	}
	if m, ok := in.money["prepay_amount"]; ok {
		p.PrepayAmount = m
	}
}

// partnerLogin returns the partner login the input sends, or nil when it
// sends neither login nor password. On create a password needs a login
// (422 naming login); a login alone is a login without a password yet,
// which PATCH can give it later. On update either may come alone (hub's
// UpdatePartnerWithLogin: a new password, or a new login name).
func (in *partnerInput) partnerLogin(create bool) (*hub.PartnerLogin, error) {
	if in.login == nil && in.password == nil {
		return nil, nil
	}
	var l hub.PartnerLogin
	if in.login != nil {
		l.Login = *in.login
	}
	if in.password != nil {
		if *in.password == "" {
			// The hub reads "" as "no password" (create) or "keep it"
			// (update); sent explicitly, it is a mistake.
			return nil, hub.InvalidField("password", "must be %d to 1024 characters long", hub.MinPasswordLen)
		}
		l.Password = *in.password
	}
	if create && l.Login == "" {
		return nil, hub.InvalidField("login", "is required with password")
	}
	return &l, nil
}
