package hub

import (
	"context"
	"errors"
	"testing"
)

// readWithPartner keeps the partner of a combined read; when the combined
// read finds nothing it reads the credential alone, and a credential found
// then means the partner is missing; any other failure of the combined
// read is the answer, with no second read and nothing served ahead.
func TestReadWithPartner(t *testing.T) {
	key := PartnerKey{ID: 7}
	partner := &Partner{ID: 7}
	down := errors.New("database down")
	for _, tc := range []struct {
		name        string
		both        func(PartnerKey) (*Partner, *int, error)
		aloneErr    error
		wantErr     error
		wantAlone   int // calls of alone
		wantRead    bool
		wantPartner *Partner
	}{
		{"both found", func(PartnerKey) (*Partner, *int, error) { return partner, new(int), nil }, nil, nil, 0, true, partner},
		{"partner missing", func(PartnerKey) (*Partner, *int, error) { return nil, nil, Errorf(NotFound, "none") }, nil, nil, 1, true, nil},
		{"credential missing", func(PartnerKey) (*Partner, *int, error) { return nil, nil, Errorf(NotFound, "none") },
			Errorf(NotFound, "no credential"), Errorf(NotFound, "no credential"), 1, false, nil},
		{"combined read fails", func(PartnerKey) (*Partner, *int, error) { return nil, nil, down }, nil, down, 0, false, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ra := pendingReadAhead(WithPartnerReadAhead(context.Background(), key))
			if ra == nil {
				t.Fatal("no read-ahead pending")
			}
			calls := 0
			_, err := readWithPartner(ra, func() (*int, error) { calls++; return new(int), tc.aloneErr }, tc.both)
			if tc.wantErr == nil && err != nil || tc.wantErr != nil && (err == nil || err.Error() != tc.wantErr.Error()) {
				t.Errorf("error %v, want %v", err, tc.wantErr)
			}
			if calls != tc.wantAlone || ra.read != tc.wantRead || ra.partner != tc.wantPartner {
				t.Errorf("%d reads alone, read %v, partner %v; want %d, %v, %v", calls, ra.read, ra.partner, tc.wantAlone, tc.wantRead, tc.wantPartner)
			}
		})
	}
	// Once made, a read-ahead is no longer pending; a malformed key asks
	// for none.
	ctx := WithPartnerReadAhead(context.Background(), key)
	pendingReadAhead(ctx).read = true
	if pendingReadAhead(ctx) != nil {
		t.Error("a read-ahead already made is still pending")
	}
	if pendingReadAhead(WithPartnerReadAhead(context.Background(), PartnerKey{})) != nil {
		t.Error("the zero key asks for a read-ahead")
	}
}
