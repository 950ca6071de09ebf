package carrierx

import (
	"math"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// dateLayout is the vendor's timestamp: UTC with milliseconds and Z.
const dateLayout = "2006-01-02T15:04:05.000Z"

// The CarrierX Partner object is written by appendPartner without
// reflection. Its bytes are exactly what encoding/json (with
// SetEscapeHTML(false)) writes for the struct the face used before (kept
// as the reference in partner_json_test.go): every key always present,
// in alphabetical order, null where empty.

// partnerField is one key of the Partner object and its value's encoder.
type partnerField struct {
	key string
	enc fieldEncoder
}

// fieldEncoder appends one value of the Partner object.
type fieldEncoder func(dst []byte, p *hub.Partner) ([]byte, error)

// The encoders of the Partner object's kinds of value, each over a getter.

func nullableText(get func(*hub.Partner) string) fieldEncoder {
	return func(b []byte, p *hub.Partner) ([]byte, error) { return appendNullable(b, get(p)), nil }
}

func text(get func(*hub.Partner) string) fieldEncoder {
	return func(b []byte, p *hub.Partner) ([]byte, error) { return appendString(b, get(p)), nil }
}

// verifiedEmail shows an address only once it has been verified.
func verifiedEmail(get func(*hub.Partner) (string, bool)) fieldEncoder {
	return func(b []byte, p *hub.Partner) ([]byte, error) {
		addr, ok := get(p)
		return appendVerified(b, addr, ok), nil
	}
}

func moneyValue(get func(*hub.Partner) hub.Money) fieldEncoder {
	return func(b []byte, p *hub.Partner) ([]byte, error) { return appendMoney(b, get(p)), nil }
}

func optionalMoney(get func(*hub.Partner) *hub.Money) fieldEncoder {
	return func(b []byte, p *hub.Partner) ([]byte, error) { return appendMoneyPtr(b, get(p)), nil }
}

func textMap(get func(*hub.Partner) map[string]string) fieldEncoder {
	return func(b []byte, p *hub.Partner) ([]byte, error) { return appendStringMap(b, get(p)), nil }
}

func objectList(get func(*hub.Partner) []map[string]any) fieldEncoder {
	return func(b []byte, p *hub.Partner) ([]byte, error) { return appendObjectList(b, get(p)) }
}

// partnerFields are the keys of the Partner object in alphabetical order,
// which is the order they are written in.
//
// available_scopes is the scopes this partner may grant
// (hub.AvailableScopes). company_name is p.Name and name is the contact person; e-mail addresses
// are shown only once verified.
var partnerFields = [...]partnerField{
	{"acls", objectList(func(p *hub.Partner) []map[string]any { return p.ACLs })},
	{"address1", nullableText(func(p *hub.Partner) string { return p.Address1 })},
	{"address2", nullableText(func(p *hub.Partner) string { return p.Address2 })},
	{"attributes", textMap(func(p *hub.Partner) map[string]string { return p.Attributes })},
	{"available_scopes", func(b []byte, p *hub.Partner) ([]byte, error) {
		return availableScopes.append(b, hub.AvailableScopes(p)), nil
	}},
	{"balance", moneyValue(func(p *hub.Partner) hub.Money { return p.Balance })},
	{"billing_email", verifiedEmail(func(p *hub.Partner) (string, bool) { return p.BillingEmail, p.BillingEmailVerified })},
	{"callbacks", textMap(func(p *hub.Partner) map[string]string { return p.Callbacks })},
	{"charge_at", optionalMoney(func(p *hub.Partner) *hub.Money { return p.ChargeAt })},
	{"city", nullableText(func(p *hub.Partner) string { return p.City })},
	{"company_name", nullableText(func(p *hub.Partner) string { return p.Name })},
	{"country_code", nullableText(func(p *hub.Partner) string { return p.CountryCode })},
	{"daily_spending_limit", moneyValue(func(p *hub.Partner) hub.Money { return p.DailySpendingLimit })},
	{"daily_spent_amount", moneyValue(func(p *hub.Partner) hub.Money { return p.DailySpentAmount })},
	{"date_created", func(b []byte, p *hub.Partner) ([]byte, error) {
		// The layout writes only digits, '-', ':', '.', 'T' and 'Z':
		// nothing to escape.
		b = append(b, '"')
		b = p.CreatedAt.UTC().AppendFormat(b, dateLayout)
		return append(b, '"'), nil
	}},
	{"display_id", func(b []byte, p *hub.Partner) ([]byte, error) { return appendDisplayID(b, p.ID), nil }},
	{"login", nullableText(func(p *hub.Partner) string { return p.Login })},
	{"name", nullableText(func(p *hub.Partner) string { return p.ContactName })},
	{"owner_email", verifiedEmail(func(p *hub.Partner) (string, bool) { return p.OwnerEmail, p.OwnerEmailVerified })},
	{"parent_assigned_acls", objectList(func(p *hub.Partner) []map[string]any { return p.ParentAssignedACLs })},
	{"parent_sid", nullableText(func(p *hub.Partner) string { return p.ParentSID })},
	{"partner_sid", text(func(p *hub.Partner) string { return p.SID })},
	{"payment_type", nullableText(func(p *hub.Partner) string { return p.PaymentType })},
	{"phonenumber", nullableText(func(p *hub.Partner) string { return p.Phonenumber })},
	{"prepay_amount", optionalMoney(func(p *hub.Partner) *hub.Money { return p.PrepayAmount })},
	{"spending_limit", moneyValue(func(p *hub.Partner) hub.Money { return p.SpendingLimit })},
	{"state", nullableText(func(p *hub.Partner) string { return p.State })},
	{"status", text(func(p *hub.Partner) string { return p.Status })},
	{"tech_email", verifiedEmail(func(p *hub.Partner) (string, bool) { return p.TechEmail, p.TechEmailVerified })},
	{"transformations", objectList(func(p *hub.Partner) []map[string]any { return p.Transformations })},
	{"zip", nullableText(func(p *hub.Partner) string { return p.Zip })},
}

// partnerKeys lists every key of the Partner object, alphabetically.
var partnerKeys = func() []string {
	keys := make([]string, len(partnerFields))
	for i, f := range partnerFields {
		keys[i] = f.key
	}
	return keys
}()

// partnerKeyPrefixes holds `"key":` for each entry of partnerFields.
var partnerKeyPrefixes = func() [len(partnerFields)][]byte {
	var out [len(partnerFields)][]byte
	for i, f := range partnerFields {
		out[i] = append(appendString(nil, f.key), ':')
	}
	return out
}()

// availableScopes remembers the encodings of the few lists
// hub.AvailableScopes returns, so that a page of partners does not encode
// the same list for each.
var availableScopes encodedLists

// encodedLists is a small copy-on-write memo of string lists and their
// JSON encodings: reads take no lock. It keeps at most maxEncodedLists
// lists; others are encoded each time.
type encodedLists struct {
	entries atomic.Pointer[[]encodedList]
	mu      sync.Mutex // serializes writers
}

type encodedList struct {
	list []string
	json []byte
}

const maxEncodedLists = 8

// append appends the JSON array of l.
func (c *encodedLists) append(dst []byte, l []string) []byte {
	if p := c.entries.Load(); p != nil {
		for _, e := range *p {
			if slices.Equal(e.list, l) {
				return append(dst, e.json...)
			}
		}
	}
	enc := appendStringList(nil, l)
	c.mu.Lock()
	var next []encodedList
	if p := c.entries.Load(); p != nil {
		next = slices.Clone(*p)
	}
	if len(next) < maxEncodedLists {
		next = append(next, encodedList{list: slices.Clone(l), json: enc})
		c.entries.Store(&next)
	}
	c.mu.Unlock()
	return append(dst, enc...)
}

// isPartnerKey reports whether k is a key of the Partner object.
func isPartnerKey(k string) bool {
	_, ok := slices.BinarySearch(partnerKeys, k)
	return ok
}

// appendPartner appends the Partner object of p to dst, without the keys
// sel drops (a nil sel keeps all). Strings are written as encoding/json
// writes them with SetEscapeHTML(false), with or without a selection. It
// fails only when a value of an ACL-like list cannot be encoded
// (encoding/json's error); the values read from the store always can.
func appendPartner(dst []byte, p *hub.Partner, sel *fieldSelection) ([]byte, error) {
	var drop uint64
	if sel != nil {
		drop = sel.mask
	}
	dst = append(dst, '{')
	first := true
	var err error
	for i := range partnerFields {
		if drop&(1<<uint(i)) != 0 {
			continue
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, partnerKeyPrefixes[i]...)
		if dst, err = partnerFields[i].enc(dst, p); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// nullable is s, or nil (null) when s is empty.
func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// appendNullable writes s as a JSON string, or null when it is empty.
func appendNullable(dst []byte, s string) []byte {
	if s == "" {
		return append(dst, "null"...)
	}
	return appendString(dst, s)
}

// appendVerified writes an e-mail address only once it has been verified.
func appendVerified(dst []byte, s string, ok bool) []byte {
	if !ok {
		return append(dst, "null"...)
	}
	return appendNullable(dst, s)
}

// appendMoney writes m.String() as a JSON string. The digits, '-' and '.'
// of an amount need no escaping.
func appendMoney(dst []byte, m hub.Money) []byte {
	dst = append(dst, '"')
	v := int64(m)
	if v == math.MinInt64 { // -v overflows: leave the odd case to Money.String
		dst = append(dst, m.String()...)
		return append(dst, '"')
	}
	if v < 0 {
		dst = append(dst, '-')
		v = -v
	}
	whole, frac := v/hub.MoneyScale, v%hub.MoneyScale
	dst = strconv.AppendInt(dst, whole, 10)
	if frac != 0 {
		digits := [4]byte{
			byte('0' + frac/1000), byte('0' + frac/100%10), byte('0' + frac/10%10), byte('0' + frac%10),
		}
		n := len(digits)
		for digits[n-1] == '0' {
			n--
		}
		dst = append(dst, '.')
		dst = append(dst, digits[:n]...)
	}
	return append(dst, '"')
}

// appendMoneyPtr writes *m, or null for nil.
func appendMoneyPtr(dst []byte, m *hub.Money) []byte {
	if m == nil {
		return append(dst, "null"...)
	}
	return appendMoney(dst, *m)
}

// appendDisplayID writes hub.DisplayID(id) as a JSON string.
func appendDisplayID(dst []byte, id int64) []byte {
	n := id % 100000000
	if n < 0 { // not an id the store hands out; keep the exact formatting
		return appendString(dst, hub.DisplayID(id))
	}
	dst = append(dst, `"CX`...)
	var digits [8]byte
	for i := len(digits) - 1; i >= 0; i-- {
		digits[i] = byte('0' + n%10)
		n /= 10
	}
	dst = append(dst, digits[:]...)
	return append(dst, '"')
}

// appendStringList writes l as a JSON array of strings (null for nil).
func appendStringList(dst []byte, l []string) []byte {
	if l == nil {
		return append(dst, "null"...)
	}
	dst = append(dst, '[')
	for i, s := range l {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, s)
	}
	return append(dst, ']')
}

// appendStringMap writes m as a JSON object with its keys sorted, as
// encoding/json does; a nil map is written as {} (the face never shows
// null for attributes and callbacks).
func appendStringMap(dst []byte, m map[string]string) []byte {
	switch len(m) {
	case 0:
		return append(dst, "{}"...)
	case 1:
		for k, v := range m {
			dst = append(dst, '{')
			dst = appendString(dst, k)
			dst = append(dst, ':')
			dst = appendString(dst, v)
			return append(dst, '}')
		}
	}
	var arr [16]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		dst = appendString(dst, m[k])
	}
	return append(dst, '}')
}

// appendObjectList writes an ACL-like list; nil is written as [].
func appendObjectList(dst []byte, l []map[string]any) ([]byte, error) {
	return appendArray(dst, l, appendAnyMap)
}

// appendArray writes l as a JSON array, each element by enc.
func appendArray[T any](dst []byte, l []T, enc func([]byte, T) ([]byte, error)) ([]byte, error) {
	dst = append(dst, '[')
	var err error
	for i, e := range l {
		if i > 0 {
			dst = append(dst, ',')
		}
		if dst, err = enc(dst, e); err != nil {
			return dst, err
		}
	}
	return append(dst, ']'), nil
}

// appendAny writes an arbitrary JSON value as encoding/json (with
// SetEscapeHTML(false)) does. The types a JSON decoder produces are
// written here; any other is handed to encoding/json, whose encoding of a
// value does not depend on where the value sits.
func appendAny(dst []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case string:
		return appendString(dst, v), nil
	case bool:
		return strconv.AppendBool(dst, v), nil
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			break // encoding/json's error
		}
		return appendFloat64(dst, v), nil
	case map[string]any:
		return appendAnyMap(dst, v)
	case []any:
		if v == nil {
			return append(dst, "null"...), nil
		}
		return appendArray(dst, v, appendAny)
	}
	return httpapi.AppendJSON(dst, v)
}

// appendAnyMap writes m with its keys sorted; nil is null.
func appendAnyMap(dst []byte, m map[string]any) ([]byte, error) {
	if m == nil {
		return append(dst, "null"...), nil
	}
	var arr [16]string
	keys := arr[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	dst = append(dst, '{')
	var err error
	for i, k := range keys {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, k)
		dst = append(dst, ':')
		if dst, err = appendAny(dst, m[k]); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

// appendFloat64 writes a finite f as encoding/json does: like ES6, the
// shortest representation, in exponent form only for very small or large
// magnitudes, with a one-digit negative exponent not zero-padded.
func appendFloat64(dst []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	dst = strconv.AppendFloat(dst, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(dst)
		if n >= 4 && dst[n-4] == 'e' && dst[n-3] == '-' && dst[n-2] == '0' {
			dst[n-2] = dst[n-1]
			dst = dst[:n-1]
		}
	}
	return dst
}

// safeASCII marks the ASCII bytes encoding/json writes unescaped in a
// JSON string: all but control characters, '"' and '\\'.
var safeASCII = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = b != '"' && b != '\\'
	}
	return t
}()

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string exactly as encoding/json does with
// SetEscapeHTML(false): '"' and '\\' backslash-escaped, \b \f \n \r \t
// as short escapes and other control characters as \u00XX, each byte of invalid UTF-8 as \ufffd, U+2028 and
// U+2029 as \u2028 and \u2029, and everything else as is.
func appendString(dst []byte, s string) []byte {
	safe := &safeASCII
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if safe[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
