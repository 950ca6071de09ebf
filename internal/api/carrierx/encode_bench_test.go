package carrierx

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// benchPartner is a partner shaped like the seeded ones: most strings
// set, a few attributes, empty ACL lists.
func benchPartner(id int64) *hub.Partner {
	charge := hub.Money(1000000)
	return &hub.Partner{
		ID: id, SID: fmt.Sprintf("5f0c1a8e-%04d-4000-8000-%012d", id%10000, id), ParentID: 1,
		ParentSID: "0b7c35e4-1f2a-4d6b-9c1e-3a5b7d9f1e2c", Version: 4,
		Name: fmt.Sprintf("Partner %d Communications Ltd", id), ContactName: "Jane Q. Example", Status: "active",
		Login: fmt.Sprintf("partner%d", id), Address1: "1200 Market Street", Address2: "Suite 500",
		City: "San Francisco", State: "CA", Zip: "94103", CountryCode: "USA", Phonenumber: "+14155550100",
		OwnerEmail: "owner@example.com", OwnerEmailVerified: true, BillingEmail: "billing@example.com",
		TechEmail: "tech@example.com", TechEmailVerified: true, PaymentType: "prepay",
		Balance: 3515200, ChargeAt: &charge, DailySpendingLimit: 5000000, DailySpentAmount: 12345,
		SpendingLimit: 100000000,
		Attributes:    map[string]string{"tier": "gold", "region": "us-west", "segment": "enterprise"},
		Callbacks:     map[string]string{"sms": "https://example.com/hooks/sms?x=1&y=2"},
		ACLs:          []map[string]any{}, ParentAssignedACLs: []map[string]any{}, Transformations: []map[string]any{},
		CreatedAt: time.Date(2024, 5, 6, 7, 8, 9, 123e6, time.UTC),
	}
}

// BenchmarkEncodePartner compares the former encoding/json rendering of
// one partner with appendPartner, without and with the memo, and with a
// field selection (former: the Marshal/Unmarshal round trip).
func BenchmarkEncodePartner(b *testing.B) {
	p := benchPartner(123456)
	sel := &fieldSelection{drop: map[string]bool{}}
	for i, k := range partnerKeys {
		if k == "acls" || k == "available_scopes" || k == "transformations" {
			sel.drop[k] = true
			sel.mask |= 1 << uint(i)
		}
	}
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(toPartnerJSON(p)); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(buf.Len()))
	})
	b.Run("append", func(b *testing.B) {
		b.ReportAllocs()
		var dst []byte
		for b.Loop() {
			var err error
			if dst, err = appendPartner(dst[:0], p, nil); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(dst)))
	})
	b.Run("append_memo", func(b *testing.B) {
		b.ReportAllocs()
		memo := newPartnerMemo(memoMaxEntries, memoMaxBytes)
		var dst []byte
		for b.Loop() {
			var err error
			if dst, err = memo.appendPartner(dst[:0], p); err != nil {
				b.Fatal(err)
			}
		}
		b.SetBytes(int64(len(dst)))
	})
	b.Run("selection/encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		var buf bytes.Buffer
		for b.Loop() {
			obj, err := sel.apply(toPartnerJSON(p))
			if err != nil {
				b.Fatal(err)
			}
			buf.Reset()
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			if err := enc.Encode(obj); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("selection/append", func(b *testing.B) {
		b.ReportAllocs()
		var dst []byte
		for b.Loop() {
			var err error
			if dst, err = appendPartner(dst[:0], p, sel); err != nil {
				b.Fatal(err)
			}
		}
	})
}
