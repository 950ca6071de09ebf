package hub

import (
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Input bounds that protect the server and the database.
const (
	maxNameLen     = 200
	maxShortText   = 100
	maxMapEntries  = 100
	maxMapKeyLen   = 64
	maxMapValueLen = 2048
	maxListEntries = 100
)

var (
	countryCodeRE = regexp.MustCompile(`^[A-Z]{3}$`)
	e164RE        = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)
	mapKeyRE      = regexp.MustCompile(`^[A-Za-z0-9_.-]+$`)
)

// checker collects field errors so one response names every bad field.
type checker struct{ fields []FieldError }

func (c *checker) add(field, msg string) { c.fields = append(c.fields, FieldError{field, msg}) }

func (c *checker) text(field, v string, required bool, max int) {
	switch {
	case required && strings.TrimSpace(v) == "":
		c.add(field, "is required")
	case !utf8.ValidString(v):
		c.add(field, "is not valid UTF-8")
	case utf8.RuneCountInString(v) > max:
		c.add(field, "is too long")
	case strings.ContainsAny(v, "\x00"):
		c.add(field, "contains a NUL byte")
	}
}

func (c *checker) email(field, v string) {
	if v == "" {
		return
	}
	c.text(field, v, false, 500)
	for _, part := range strings.Split(v, ",") {
		a, err := mail.ParseAddress(strings.TrimSpace(part))
		if err != nil || a.Name != "" {
			c.add(field, "is not a valid e-mail address")
			return
		}
	}
}

func (c *checker) url(field, v string) {
	if v == "" {
		return
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(v) > 2048 {
		c.add(field, "is not a valid http(s) URL")
	}
}

func (c *checker) oneOf(field, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	c.add(field, "must be one of "+strings.Join(allowed, ", "))
}

func (c *checker) stringMap(field string, m map[string]string) {
	if len(m) > maxMapEntries {
		c.add(field, "has too many entries")
		return
	}
	for k, v := range m {
		switch {
		case len(k) > maxMapKeyLen || !mapKeyRE.MatchString(k):
			c.add(field+"."+k, "is not a valid key")
		case len(v) > maxMapValueLen:
			c.add(field+"."+k, "is too long")
		default:
			if msg := badText(v); msg != "" {
				c.add(field+"."+k, msg)
			}
		}
	}
}

func (c *checker) anyMap(field string, m map[string]any) {
	if len(m) > maxMapEntries {
		c.add(field, "has too many entries")
	}
	for k, v := range m {
		if len(k) > maxMapKeyLen || !mapKeyRE.MatchString(k) {
			c.add(field+"."+k, "is not a valid key")
		} else if at, msg := badNested(field+"."+k, v); msg != "" {
			c.add(field+"."+k, at+" "+msg)
		}
	}
}

func (c *checker) list(field string, l []map[string]any) {
	if len(l) > maxListEntries {
		c.add(field, "has too many entries")
		return
	}
	for i, m := range l {
		if at, msg := badNested(field+"["+strconv.Itoa(i)+"]", m); msg != "" {
			c.add(field, at+" "+msg)
			return
		}
	}
}

// badText says what is wrong with a stored string that has no other rule
// ("" when nothing is): invalid UTF-8, or U+0000, which PostgreSQL can
// store in neither text nor jsonb while SQLite would take it, so it is
// refused here for both engines alike.
func badText(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "is not valid UTF-8"
	case strings.IndexByte(s, 0) >= 0:
		return "contains a NUL character (U+0000)"
	}
	return ""
}

// badNested walks a free-form JSON value (what a face decoded into maps,
// lists and scalars) and reports the first key or string that badText
// refuses: where it is (at, e.g. "acls[0].rules[1]") and why.
func badNested(at string, v any) (string, string) {
	switch x := v.(type) {
	case string:
		return at, badText(x)
	case map[string]any:
		for k, e := range x {
			if msg := badText(k); msg != "" {
				return at + " key " + strconv.Quote(k), msg
			}
			if where, msg := badNested(at+"."+k, e); msg != "" {
				return where, msg
			}
		}
	case []any:
		for i, e := range x {
			if where, msg := badNested(at+"["+strconv.Itoa(i)+"]", e); msg != "" {
				return where, msg
			}
		}
	case []map[string]any:
		for i, e := range x {
			if where, msg := badNested(at+"["+strconv.Itoa(i)+"]", e); msg != "" {
				return where, msg
			}
		}
	case map[string]string:
		for k, e := range x {
			if msg := badText(k); msg != "" {
				return at + " key " + strconv.Quote(k), msg
			}
			if msg := badText(e); msg != "" {
				return at + "." + k, msg
			}
		}
	case []string:
		for i, e := range x {
			if msg := badText(e); msg != "" {
				return at + "[" + strconv.Itoa(i) + "]", msg
			}
		}
	}
	return "", ""
}

// maxMoney is the largest amount a caller may set: ParseMoney's bound
// (14 whole digits), so every stored amount can be written back out and
// parsed again.
const maxMoney = Money(1e14*MoneyScale - 1)

// money checks an amount a caller sets: never negative (a limit, a
// threshold or a top-up below zero means nothing) and within maxMoney.
func (c *checker) money(field string, m Money) {
	switch {
	case m < 0:
		c.add(field, "must not be negative")
	case m > maxMoney:
		c.add(field, "is too large")
	}
}

// optionalMoney is money for an amount that may be unset (nil).
func (c *checker) optionalMoney(field string, m *Money) {
	if m != nil {
		c.money(field, *m)
	}
}

func (c *checker) phone(field, v string) {
	if v != "" && !e164RE.MatchString(v) {
		c.add(field, "must be an E.164 number such as +14155550100")
	}
}

func (c *checker) err() error {
	if len(c.fields) == 0 {
		return nil
	}
	msg := "invalid " + c.fields[0].Field + ": " + c.fields[0].Message
	if len(c.fields) > 1 {
		msg = "invalid input: " + c.fields[0].Field + " " + c.fields[0].Message + " (and more)"
	}
	return &Error{Kind: Invalid, Message: msg, Fields: c.fields}
}

// validatePartner checks every field of p that callers can set.
func validatePartner(p *Partner) error {
	var c checker
	c.partner(p)
	return c.err()
}

// partner adds the problems of every caller-settable field of p.
func (c *checker) partner(p *Partner) {
	c.text("name", p.Name, true, maxNameLen)
	c.text("contact_name", p.ContactName, false, maxNameLen)
	c.oneOf("status", p.Status, StatusUnverified, StatusActive, StatusSuspended, StatusInactive)
	c.text("login", p.Login, false, maxShortText)
	c.text("reference", p.Reference, false, maxShortText)
	c.text("billing_id", p.BillingID, false, 50)
	c.text("verification_phrase", p.VerifyPhrase, false, maxNameLen)
	for f, v := range map[string]string{"address1": p.Address1, "address2": p.Address2, "city": p.City, "state": p.State, "zip": p.Zip} {
		c.text(f, v, false, maxNameLen)
	}
	if p.CountryCode != "" && !countryCodeRE.MatchString(p.CountryCode) {
		c.add("country_code", "must be an ISO 3166-1 alpha-3 code such as USA")
	}
	c.text("phonenumber", p.Phonenumber, false, 32)
	c.email("owner_email", p.OwnerEmail)
	c.email("billing_email", p.BillingEmail)
	c.email("tech_email", p.TechEmail)
	c.oneOf("payment_type", p.PaymentType, PaymentPrepay, PaymentPostpay)
	// Balance and DailySpentAmount are the service's own (newPartner
	// zeroes them; no face writes them), so only the amounts a caller
	// sets are checked.
	c.optionalMoney("charge_at", p.ChargeAt)
	c.optionalMoney("prepay_amount", p.PrepayAmount)
	c.money("daily_spending_limit", p.DailySpendingLimit)
	c.money("spending_limit", p.SpendingLimit)
	c.url("logo_url", p.LogoURL)
	c.url("webhook_url", p.WebhookURL)
	c.url("partner_redirect_url", p.RedirectURL)
	c.stringMap("attributes", p.Attributes)
	c.stringMap("callbacks", p.Callbacks)
	for k, v := range p.Callbacks {
		c.url("callbacks."+k, v)
	}
	c.anyMap("settings", p.Settings)
	c.list("acls", p.ACLs)
	c.list("parent_assigned_acls", p.ParentAssignedACLs)
	c.list("transformations", p.Transformations)
}

func validateClient(cl *Client) error {
	var c checker
	c.text("name", cl.Name, true, maxNameLen)
	c.oneOf("status", cl.Status, ClientActive, ClientInactive)
	c.text("organisation", cl.Organisation, false, maxNameLen)
	c.text("billing_id", cl.BillingID, false, 50)
	c.text("mid", cl.MID, false, maxShortText)
	c.text("partner_payload", cl.PartnerPayload, false, 4096)
	if cl.MaxChannels < 0 || cl.MaxChannels > 100000 {
		c.add("max_channels", "must be between 0 and 100000")
	}
	c.anyMap("meta_info", cl.MetaInfo)
	c.anyMap("contact_info", cl.ContactInfo)
	return c.err()
}

func validateChannel(ch *Channel) error {
	var c checker
	c.oneOf("status", ch.Status, ChannelStatuses...)
	c.text("account_mode", ch.AccountMode, false, 32)
	c.phone("phone_number", ch.PhoneNumber)
	if ch.PhoneNumber == "" {
		c.add("phone_number", "is required")
	}
	c.anyMap("setup_info", ch.SetupInfo)
	return c.err()
}
