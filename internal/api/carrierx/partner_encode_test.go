package carrierx

import (
	"bytes"
	"encoding/json"
	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"math"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// oldEncode is what the face wrote before the append encoders: the value
// through a json.Encoder with SetEscapeHTML(false), newline included.
func oldEncode(t testing.TB, v any) []byte {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatalf("reference encoding: %v", err)
	}
	return buf.Bytes()
}

// oldPartner is the reference rendering of p under sel (nil: all keys):
// the partnerJSON struct through encoding/json, and for a selection the
// same object's values, byte for byte, under the keys kept, all without
// HTML escaping.
func oldPartner(t testing.TB, p *hub.Partner, sel *fieldSelection) []byte {
	t.Helper()
	full := oldEncode(t, toPartnerJSON(p))
	if sel == nil {
		return full
	}
	var m map[string]json.RawMessage // values keep their exact bytes
	if err := json.Unmarshal(full, &m); err != nil {
		t.Fatalf("reference selection: %v", err)
	}
	for k := range sel.drop {
		delete(m, k)
	}
	return oldEncode(t, m)
}

// newPartner is appendPartner's rendering plus the writer's newline.
func newPartner(t testing.TB, p *hub.Partner, sel *fieldSelection) []byte {
	t.Helper()
	b, err := appendPartner(nil, p, sel)
	if err != nil {
		t.Fatalf("appendPartner: %v", err)
	}
	return append(b, '\n')
}

// stringPieces are the awkward parts random strings are built from.
var stringPieces = []string{
	"", "a", "Acme Ltd", " ", `"`, `\`, `\"`, "/", "\n", "\r", "\t", "\b", "\f", "\x00", "\x01", "\x1f", "\x7f",
	"<", ">", "&", "<script>&amp;", "\u2028", "\u2029", "é", "ü", "日本", "😀", "\ufffd", "\ufeff",
	"\xff", "\xc3", "\xe2\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf", "u+2028", `\u2028`,
}

func drawString(t *rapid.T, label string) string {
	switch rapid.IntRange(0, 5).Draw(t, label+"/kind") {
	case 0:
		return ""
	case 1:
		return rapid.String().Draw(t, label)
	case 2:
		return string(rapid.SliceOfN(rapid.Byte(), 0, 12).Draw(t, label))
	default:
		parts := rapid.SliceOfN(rapid.SampledFrom(stringPieces), 0, 8).Draw(t, label)
		return strings.Join(parts, "")
	}
}

func drawStringMap(t *rapid.T, label string) map[string]string {
	switch rapid.IntRange(0, 3).Draw(t, label+"/kind") {
	case 0:
		return nil
	case 1:
		return map[string]string{}
	}
	n := rapid.IntRange(1, 20).Draw(t, label+"/n")
	m := make(map[string]string, n)
	for range n {
		m[drawString(t, label+"/k")] = drawString(t, label+"/v")
	}
	return m
}

func drawMoney(t *rapid.T, label string) hub.Money {
	switch rapid.IntRange(0, 3).Draw(t, label+"/kind") {
	case 0:
		return hub.Money(rapid.Int64().Draw(t, label))
	case 1:
		return hub.Money(rapid.SampledFrom([]int64{0, 1, -1, 10, 1000, 10000, -10000, 5000, 12345, -1234500,
			math.MaxInt64, math.MinInt64, math.MinInt64 + 1}).Draw(t, label))
	default:
		return hub.Money(rapid.Int64Range(-10_000_000_000, 10_000_000_000).Draw(t, label))
	}
}

func drawMoneyPtr(t *rapid.T, label string) *hub.Money {
	if rapid.Bool().Draw(t, label+"/nil") {
		return nil
	}
	m := drawMoney(t, label)
	return &m
}

var specialFloats = []float64{0, math.Copysign(0, -1), 1, -1, 0.1, 1e-6, 9.99e-7, 1e-7, 1.5e-7, 1e20, 1e21, 1.2e21, -1e21,
	123456789012345678, 5e-324, math.MaxFloat64, -math.MaxFloat64, math.SmallestNonzeroFloat64, 1e-300, 3.14159}

// drawValue draws a JSON value as the store decodes one (plus, rarely, a
// json.Number and an int as the request decoder and Go code make them).
func drawValue(t *rapid.T, depth int) any {
	max := 9
	if depth >= 3 {
		max = 5
	}
	switch rapid.IntRange(0, max).Draw(t, "value/kind") {
	case 0:
		return nil
	case 1:
		return rapid.Bool().Draw(t, "bool")
	case 2:
		f := rapid.Float64().Draw(t, "float")
		if math.IsNaN(f) || math.IsInf(f, 0) {
			f = 0
		}
		return f
	case 3:
		return rapid.SampledFrom(specialFloats).Draw(t, "special")
	case 4:
		return drawString(t, "string")
	case 5:
		if rapid.Bool().Draw(t, "number/kind") {
			return json.Number(rapid.SampledFrom([]string{"1", "-0", "1.50", "1e400", "12345678901234567890"}).Draw(t, "number"))
		}
		return rapid.Int().Draw(t, "int")
	case 6, 7:
		return drawObject(t, depth+1)
	default:
		if rapid.IntRange(0, 5).Draw(t, "list/nil") == 0 {
			return []any(nil)
		}
		n := rapid.IntRange(0, 4).Draw(t, "list/n")
		l := make([]any, n)
		for i := range l {
			l[i] = drawValue(t, depth+1)
		}
		return l
	}
}

func drawObject(t *rapid.T, depth int) map[string]any {
	if rapid.IntRange(0, 6).Draw(t, "object/nil") == 0 {
		return nil
	}
	n := rapid.IntRange(0, 5).Draw(t, "object/n")
	m := make(map[string]any, n)
	for range n {
		m[drawString(t, "object/key")] = drawValue(t, depth+1)
	}
	return m
}

func drawObjectList(t *rapid.T, label string) []map[string]any {
	switch rapid.IntRange(0, 3).Draw(t, label+"/kind") {
	case 0:
		return nil
	case 1:
		return []map[string]any{}
	}
	l := make([]map[string]any, rapid.IntRange(1, 4).Draw(t, label+"/n"))
	for i := range l {
		l[i] = drawObject(t, 0)
	}
	return l
}

func drawPartner(t *rapid.T) *hub.Partner {
	loc := time.FixedZone("X", rapid.IntRange(-14*3600, 14*3600).Draw(t, "zone"))
	p := &hub.Partner{
		ID:       rapid.OneOf(rapid.Int64Range(1, 1<<40), rapid.Int64()).Draw(t, "id"),
		SID:      drawString(t, "sid"),
		ParentID: rapid.SampledFrom([]int64{0, 1, 42}).Draw(t, "parent_id"),

		Name:        drawString(t, "name"),
		ContactName: drawString(t, "contact"),
		Status:      drawString(t, "status"),
		Version:     rapid.Int64Range(1, 1000).Draw(t, "version"),
		Login:       drawString(t, "login"),
		ParentSID:   drawString(t, "parent_sid"),

		Address1:    drawString(t, "address1"),
		Address2:    drawString(t, "address2"),
		City:        drawString(t, "city"),
		State:       drawString(t, "state"),
		Zip:         drawString(t, "zip"),
		CountryCode: drawString(t, "country"),
		Phonenumber: drawString(t, "phone"),

		OwnerEmail:           drawString(t, "owner_email"),
		BillingEmail:         drawString(t, "billing_email"),
		TechEmail:            drawString(t, "tech_email"),
		OwnerEmailVerified:   rapid.Bool().Draw(t, "owner_verified"),
		BillingEmailVerified: rapid.Bool().Draw(t, "billing_verified"),
		TechEmailVerified:    rapid.Bool().Draw(t, "tech_verified"),

		PaymentType:        drawString(t, "payment_type"),
		Balance:            drawMoney(t, "balance"),
		ChargeAt:           drawMoneyPtr(t, "charge_at"),
		PrepayAmount:       drawMoneyPtr(t, "prepay"),
		DailySpendingLimit: drawMoney(t, "daily_limit"),
		DailySpentAmount:   drawMoney(t, "daily_spent"),
		SpendingLimit:      drawMoney(t, "limit"),

		Attributes:         drawStringMap(t, "attributes"),
		Callbacks:          drawStringMap(t, "callbacks"),
		ACLs:               drawObjectList(t, "acls"),
		ParentAssignedACLs: drawObjectList(t, "parent_acls"),
		Transformations:    drawObjectList(t, "transformations"),

		CreatedAt: time.Unix(rapid.Int64Range(-62135596800, 253402300799).Draw(t, "created"),
			rapid.Int64Range(0, 999999999).Draw(t, "nanos")).In(loc),
	}
	return p
}

// drawSelection draws include_fields / exclude_fields (either, both or
// neither, in both spellings) and parses them as the handlers do.
func drawSelection(t *rapid.T) *fieldSelection {
	q := url.Values{}
	for _, param := range []string{"include_fields", "exclude_fields", "includeFields", "excludeFields"} {
		if rapid.IntRange(0, 2).Draw(t, param+"/present") != 0 {
			continue
		}
		keys := rapid.SliceOfN(rapid.SampledFrom(partnerKeys), 0, 8).Draw(t, param)
		q.Add(param, strings.Join(keys, rapid.SampledFrom([]string{",", ", ", ",,"}).Draw(t, "sep")))
	}
	sel, err := parseFieldSelection(q, partnerKeys)
	if err != nil {
		t.Fatalf("parseFieldSelection(%v): %v", q, err)
	}
	return sel
}

// TestAppendPartnerMatchesEncodingJSON: for random partners, with and
// without field selections, appendPartner writes the bytes the former
// encoding/json rendering wrote.
func TestAppendPartnerMatchesEncodingJSON(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		p := drawPartner(rt)
		if got, want := newPartner(t, p, nil), oldPartner(t, p, nil); !bytes.Equal(got, want) {
			rt.Fatalf("no selection:\n got %q\nwant %q", got, want)
		}
		sel := drawSelection(rt)
		if got, want := newPartner(t, p, sel), oldPartner(t, p, sel); !bytes.Equal(got, want) {
			rt.Fatalf("selection %v:\n got %q\nwant %q", sel.drop, got, want)
		}
		// The memo's bytes are the same, first encoded and then remembered.
		memo := newPartnerMemo(10, 1<<20)
		for range 2 {
			b, err := memo.appendPartner([]byte("x"), p)
			if err != nil {
				rt.Fatal(err)
			}
			if want := oldPartner(t, p, nil); !bytes.Equal(append(b[1:], '\n'), want) {
				rt.Fatalf("memo:\n got %q\nwant %q", b[1:], want)
			}
		}
	})
}

// TestAppendStringMatchesEncodingJSON covers every byte and the runes
// encoding/json treats specially (without HTML escaping, as the face writes).
func TestAppendStringMatchesEncodingJSON(t *testing.T) {
	var all []string
	for b := range 256 {
		all = append(all, string([]byte{byte(b)}), "a"+string([]byte{byte(b)})+"z")
	}
	all = append(all, stringPieces...)
	for _, r := range []rune{0x7f, 0x80, 0x7ff, 0x800, 0x2027, 0x2028, 0x2029, 0x202a, 0xfffd, 0xffff, 0x10000, 0x10ffff} {
		all = append(all, string(r), "<"+string(r)+">")
	}
	for _, s := range all {
		want := oldEncode(t, s)
		if got := append(appendString(nil, s), '\n'); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %q, want %q", s, got, want)
		}
	}
	rapid.Check(t, func(rt *rapid.T) {
		s := drawString(rt, "s")
		if got, want := append(appendString(nil, s), '\n'), oldEncode(t, s); !bytes.Equal(got, want) {
			rt.Fatalf("appendString(%q) = %q, want %q", s, got, want)
		}
	})
}

// TestAppendAnyError: a value encoding/json refuses fails appendPartner
// too, and leaves no partial object behind in the caller's view.
func TestAppendAnyError(t *testing.T) {
	p := &hub.Partner{ID: 1, Version: 1, ACLs: []map[string]any{{"x": math.NaN()}}}
	if _, err := appendPartner(nil, p, nil); err == nil {
		t.Fatal("NaN encoded")
	}
	if _, err := json.Marshal(toPartnerJSON(p)); err == nil {
		t.Fatal("reference encoded NaN")
	}
}

// TestPartnerMemoVersion: the memo serves an encoding only for the version
// it was made from. Changing a field and bumping Version, as every store
// write does, gives the fresh encoding; changing a field without bumping
// it (which the store never does) shows the memo is really in use.
func TestPartnerMemoVersion(t *testing.T) {
	memo := newPartnerMemo(100, 1<<20)
	p := &hub.Partner{ID: 7, SID: "5f0c1a8e-0000-4000-8000-000000000007", ParentID: 1, Version: 3,
		Name: "Before", Status: "active", CreatedAt: time.Date(2024, 1, 2, 3, 4, 5, 6e6, time.UTC)}
	enc := func() []byte {
		b, err := memo.appendPartner(nil, p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	fresh := func() []byte {
		b, err := appendPartner(nil, p, nil)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := enc()
	if !bytes.Equal(first, fresh()) {
		t.Fatalf("first encoding differs from a fresh one")
	}

	p.Name = "After"
	p.Attributes = map[string]string{"tier": "gold"}
	p.Version++
	second := enc()
	if !bytes.Equal(second, fresh()) {
		t.Fatalf("after a version bump: got %s, want %s", second, fresh())
	}
	if bytes.Equal(first, second) || !bytes.Contains(second, []byte(`"company_name":"After"`)) {
		t.Fatalf("the memo served the old version: %s", second)
	}
	if want := oldPartner(t, p, nil); !bytes.Equal(append(second, '\n'), want) {
		t.Fatalf("after a version bump: got %s, want reference %s", second, want)
	}

	// Same version, changed content: the memo answers (this is what makes
	// the version bump necessary, and proves the memo is consulted).
	p.Name = "Unversioned"
	if third := enc(); !bytes.Equal(third, second) {
		t.Fatalf("memo not used for an unchanged version: %s", third)
	}
	// An older version never replaces a newer one.
	p.Version--
	_ = enc()
	p.Version++
	if fourth := enc(); !bytes.Equal(fourth, second) {
		t.Fatalf("an older version replaced the newer one: %s", fourth)
	}
	if memo.len() != 1 {
		t.Fatalf("memo holds %d entries for one partner", memo.len())
	}
	// Another partner under the same id and version (an id reused by a
	// rebuilt database) never gets the first one's bytes.
	other := *p
	other.SID, other.Name = "5f0c1a8e-0000-4000-8000-0000000000ff", "Someone Else"
	b, err := memo.appendPartner(nil, &other)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := appendPartner(nil, &other, nil); !bytes.Equal(b, want) {
		t.Fatalf("same id and version, another SID: got %s, want %s", b, want)
	}
}

// TestPartnerMemoBounds: the memo never holds more than its entry and byte
// bounds, and handed-out bytes are copies the caller's buffer cannot alter.
func TestPartnerMemoBounds(t *testing.T) {
	memo := newPartnerMemo(5, 4000)
	for id := int64(1); id <= 50; id++ {
		p := &hub.Partner{ID: id, Version: 1, Name: strings.Repeat("n", int(id*20))}
		buf := make([]byte, 0, 4096)
		b, err := memo.appendPartner(buf, p)
		if err != nil {
			t.Fatal(err)
		}
		for i := range b {
			b[i] = 'X' // scribble on the caller's copy
		}
		if n := memo.len(); n > 5 {
			t.Fatalf("%d entries, bound 5", n)
		}
		if memo.bytes > 4000 {
			t.Fatalf("%d bytes, bound 4000", memo.bytes)
		}
		if got, ok := memo.get(id, p.SID, 1); ok {
			want, _ := appendPartner(nil, p, nil)
			if !bytes.Equal(got, want) {
				t.Fatalf("memo bytes altered through the caller's buffer")
			}
		}
	}
}

// TestPartnerMemoConcurrent exercises the memo from several goroutines
// (run with -race).
func TestPartnerMemoConcurrent(t *testing.T) {
	memo := newPartnerMemo(8, 1<<20)
	done := make(chan struct{})
	for g := range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range 500 {
				p := &hub.Partner{ID: int64(i % 16), Version: int64(g + 1), Name: "n"}
				b, err := memo.appendPartner(nil, p)
				if err != nil {
					t.Error(err)
					return
				}
				if want, _ := appendPartner(nil, p, nil); !bytes.Equal(b, want) {
					t.Errorf("concurrent memo gave %s, want %s", b, want)
					return
				}
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// TestWriteListMatchesEnvelope: writeList writes the bytes the former
// listEnvelope struct encoded to, for random pages, links and counts.
func TestWriteListMatchesEnvelope(t *testing.T) {
	a := &api{memo: newPartnerMemo(100, 1<<20)}
	bases := []httpapi.BaseURL{{}, httpapi.ListenBaseURL("127.0.0.1:8080")}
	for _, s := range []string{"https://api.example.com", "https://example.com/ph"} {
		b, err := httpapi.ParseBaseURL(s)
		if err != nil {
			t.Fatal(err)
		}
		bases = append(bases, b)
	}
	rapid.Check(t, func(rt *rapid.T) {
		a.base = rapid.SampledFrom(bases).Draw(rt, "base")
		n := rapid.IntRange(0, 4).Draw(rt, "n")
		items := make([]hub.Partner, n)
		for i := range items {
			items[i] = *drawPartner(rt)
			items[i].ID = int64(i + 1) // distinct ids, one version: as a page from the store
		}
		sel := drawSelection(rt)
		q := url.Values{}
		if rapid.Bool().Draw(rt, "filter") {
			q.Set("filter", drawString(rt, "filter"))
		}
		lr := &listRequest{query: hub.ListQuery{Limit: rapid.IntRange(1, 1000).Draw(rt, "limit")}, fields: sel}
		switch rapid.IntRange(0, 2).Draw(rt, "mode") {
		case 0:
			lr.query.Offset = rapid.IntRange(0, 5000).Draw(rt, "offset")
			q.Set("offset", "0")
		case 1:
			lr.query.Sent, lr.after = hub.SentAfter, drawString(rt, "after")
		default:
			lr.query.Sent, lr.before = hub.SentBefore, drawString(rt, "before")
		}
		hasMore := rapid.Bool().Draw(rt, "has_more")
		total := rapid.Int64Range(0, 1<<40).Draw(rt, "total")
		firstSID, lastSID := "", ""
		if n > 0 {
			firstSID, lastSID = items[0].SID, items[n-1].SID
		}
		r := httptest.NewRequest("GET", "/core/v2/partners?"+q.Encode(), nil)
		r.Host = rapid.SampledFrom([]string{"example.com", "h\"o<s>t&", "localhost:8080"}).Draw(rt, "host")

		old := make([]any, n)
		for i := range items {
			old[i] = json.RawMessage(bytes.TrimSuffix(oldPartner(t, &items[i], sel), []byte("\n")))
		}
		want := oldEncode(t, listEnvelope{
			Count: n, HasMore: hasMore, Items: old, Limit: lr.query.Limit, Offset: lr.query.Offset,
			Pagination: pagination(r, a.base, lr, hasMore, firstSID, lastSID), Total: total,
		})

		for range 2 { // the second time from the memo when there is no selection
			rec := httptest.NewRecorder()
			a.writeList(rec, r, lr, n, func(dst []byte, i int) ([]byte, error) {
				if sel == nil {
					return a.memo.appendPartner(dst, &items[i])
				}
				return appendPartner(dst, &items[i], sel)
			}, hasMore, total, firstSID, lastSID)
			if got := rec.Body.Bytes(); !bytes.Equal(got, want) {
				rt.Fatalf("list:\n got %q\nwant %q", got, want)
			}
			if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(want)) {
				rt.Fatalf("Content-Length %s, want %d", cl, len(want))
			}
		}
		a.memo = newPartnerMemo(100, 1<<20) // ids are reused by the next draw
	})
}
