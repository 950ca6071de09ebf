package readcache

import (
	"unsafe"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// The byte bound of the cache counts what its entries keep alive on the
// heap. Go does not say how large a value is, so the figures below are an
// estimate from the shapes of the values: the struct itself, the bytes of
// every string, and a per-entry overhead for maps and slices. They are
// meant to be within a small factor of the truth (a test compares them
// with the heap growth of real entries), which is all a bound needs.
const (
	// mapEntryOverhead approximates what a Go map spends per entry beyond
	// its key and value (buckets, tophash, load factor slack).
	mapEntryOverhead = 48
	// headerSize is a string or slice header, or an interface value.
	headerSize = 16
	// entryOverhead is the cache's own bookkeeping per entry: the map
	// slot of its key, the entry struct and the key's text.
	entryOverhead = 96
)

// sizeOf estimates the heap bytes held by a cached object.
func sizeOf(v any) int64 {
	switch x := v.(type) {
	case *hub.Partner:
		return partnerSize(x)
	case *hub.User:
		return userSize(x)
	case *name:
		return x.size()
	case *hub.TokenCredentials:
		t := &x.Token
		n := int64(unsafe.Sizeof(*x)) + userStrings(&x.User)
		n += int64(len(t.SID)+len(t.PartnerSID)+len(t.PartnerPath)+len(t.Name)+len(t.OAuthClientID)+len(t.LastAccessIP)) +
			stringsSize(t.Scopes)
		return n
	case *hub.APIKeyCredentials:
		k := &x.Key
		n := int64(unsafe.Sizeof(*x)) + int64(len(x.SecretHash)+len(x.PartnerStatus))
		n += int64(len(k.Prefix)+len(k.PartnerPath)+len(k.Name)+len(k.Role)+len(k.CreatedBy)) + stringsSize(k.Scopes)
		if c := x.Creator; c != nil {
			n += int64(unsafe.Sizeof(*c)) + int64(len(c.Role)+len(c.HomePath)+len(c.HomeStatus))
		}
		return n
	}
	return 256 // an unknown kind: a modest guess rather than nothing
}

// pageSize estimates the heap bytes held by a cached list page.
func pageSize(p hub.Page[hub.Partner]) int64 {
	n := int64(unsafe.Sizeof(p))
	for i := range p.Items {
		// The items live in the page's backing array: count their struct
		// once, through partnerSize, and not again as a pointer target.
		n += partnerSize(&p.Items[i])
	}
	return n
}

func partnerSize(p *hub.Partner) int64 {
	n := int64(unsafe.Sizeof(*p))
	n += int64(len(p.SID) + len(p.Ref) + len(p.ParentSID) + len(p.Path) + len(p.Name) + len(p.ContactName) + len(p.Status) +
		len(p.Login) + len(p.Reference) + len(p.BillingID) + len(p.VerifyPhrase) +
		len(p.Address1) + len(p.Address2) + len(p.City) + len(p.State) + len(p.Zip) + len(p.CountryCode) + len(p.Phonenumber) +
		len(p.OwnerEmail) + len(p.BillingEmail) + len(p.TechEmail) + len(p.PaymentType) +
		len(p.LogoURL) + len(p.WebhookURL) + len(p.RedirectURL))
	if p.ChargeAt != nil {
		n += 8
	}
	if p.PrepayAmount != nil {
		n += 8
	}
	n += stringMapSize(p.Attributes) + stringMapSize(p.Callbacks) + valueSize(p.Settings)
	for _, l := range [][]map[string]any{p.ACLs, p.ParentAssignedACLs, p.Transformations} {
		n += int64(cap(l)) * 8
		for _, m := range l {
			n += valueSize(m)
		}
	}
	return n
}

func userSize(u *hub.User) int64 { return int64(unsafe.Sizeof(*u)) + userStrings(u) }

func userStrings(u *hub.User) int64 {
	n := int64(len(u.Username) + len(u.FirstName) + len(u.LastName) + len(u.Email) + len(u.Phone) + len(u.Role) +
		len(u.OwnerPartnerPath) + len(u.OwnerPartnerStatus))
	if u.LastLoginAt != nil {
		n += int64(unsafe.Sizeof(*u.LastLoginAt))
	}
	return n
}

func stringsSize(l []string) int64 {
	n := int64(cap(l)) * headerSize
	for _, s := range l {
		n += int64(len(s))
	}
	return n
}

func stringMapSize(m map[string]string) int64 {
	n := int64(48) // the map header
	for k, v := range m {
		n += mapEntryOverhead + 2*headerSize + int64(len(k)+len(v))
	}
	return n
}

// valueSize estimates a decoded JSON value (maps, slices, strings and
// scalars as encoding/json produces them).
func valueSize(v any) int64 {
	switch x := v.(type) {
	case map[string]any:
		n := int64(48)
		for k, e := range x {
			n += mapEntryOverhead + 2*headerSize + int64(len(k)) + valueSize(e)
		}
		return n
	case []map[string]any:
		n := int64(cap(x)) * 8
		for _, e := range x {
			n += valueSize(e)
		}
		return n
	case []any:
		n := int64(cap(x)) * headerSize
		for _, e := range x {
			n += valueSize(e)
		}
		return n
	case []string:
		return stringsSize(x)
	case string:
		return int64(len(x))
	case nil:
		return 0
	}
	return 8 // numbers and booleans boxed in an interface
}
