package hub

import "context"

// A request that authenticates and then reads one partner (GET of a
// partner by its key) costs two store reads: the credential (a token's, or
// the user of a Basic credential verified earlier), then the partner. A
// read-ahead lets the credential check read both in one
// (Reader.PartnerWithTokenCredentials, Reader.PartnerWithUser): one round
// trip to PostgreSQL, one statement on SQLite. The partner so read is kept
// in the request's context and served, once, to the next Partner call for
// the same key; every check of Partner (visibility, scope) still runs on
// it.

// readAheadKey is the context key of a *partnerReadAhead.
type readAheadKey struct{}

// partnerReadAhead is one request's read-ahead: the wanted key, then
// whether it was read (until served) and the partner read, nil when there
// is none.
type partnerReadAhead struct {
	key     PartnerKey
	read    bool
	partner *Partner
}

// WithPartnerReadAhead returns a context in which a credential check
// (AuthenticateToken, UserPrincipal) also reads the partner key names, for
// the Partner call of the same request that follows. It changes no
// answer: when the combined read finds no row (no such partner, or no
// such credential) the credential is read alone, and a valid one then
// tells that the partner is missing; Partner checks visibility and scope
// as always. Use it only on a request that reads that partner right after
// authenticating: the read is wasted otherwise.
func WithPartnerReadAhead(ctx context.Context, key PartnerKey) context.Context {
	if !key.wellFormed() {
		return ctx
	}
	return context.WithValue(ctx, readAheadKey{}, &partnerReadAhead{key: key})
}

// tokenCredentials reads the credentials of the token whose access secret
// hashes to accessHash and, when ctx asks for a read-ahead, the partner in
// the same read.
func (s *Service) tokenCredentials(ctx context.Context, accessHash string) (*TokenCredentials, error) {
	ra := pendingReadAhead(ctx)
	if ra == nil {
		return s.store.TokenCredentials(ctx, accessHash)
	}
	return readWithPartner(ra,
		func() (*TokenCredentials, error) { return s.store.TokenCredentials(ctx, accessHash) },
		func(key PartnerKey) (*Partner, *TokenCredentials, error) {
			return s.store.PartnerWithTokenCredentials(ctx, key, accessHash)
		})
}

// principalUser reads the user a principal is built from and, when ctx
// asks for a read-ahead, the partner in the same read.
func (s *Service) principalUser(ctx context.Context, id int64) (*User, error) {
	ra := pendingReadAhead(ctx)
	if ra == nil {
		return s.store.User(ctx, id)
	}
	return readWithPartner(ra,
		func() (*User, error) { return s.store.User(ctx, id) },
		func(key PartnerKey) (*Partner, *User, error) { return s.store.PartnerWithUser(ctx, key, id) })
}

// pendingReadAhead returns the read-ahead ctx asks for when it is not
// made yet, else nil.
func pendingReadAhead(ctx context.Context) *partnerReadAhead {
	ra, _ := ctx.Value(readAheadKey{}).(*partnerReadAhead)
	if ra == nil || ra.read {
		return nil
	}
	return ra
}

// readWithPartner makes the pending read-ahead ra: it reads a credential
// with the partner (both), keeping the partner for readAheadPartner. When
// both finds no row, the credential is read alone; if it exists, the
// partner does not.
func readWithPartner[T any](ra *partnerReadAhead, alone func() (T, error), both func(PartnerKey) (*Partner, T, error)) (T, error) {
	p, v, err := both(ra.key)
	if err == nil {
		ra.read, ra.partner = true, p
		return v, nil
	}
	if !IsKind(err, NotFound) {
		return v, err
	}
	v, err = alone()
	if err == nil {
		ra.read = true // the credential exists, so the partner does not
	}
	return v, err
}

// readAheadPartner returns, once, what was read ahead for key in ctx: the
// partner, or NotFound.
func readAheadPartner(ctx context.Context, key PartnerKey) (p *Partner, ok bool, err error) {
	ra, _ := ctx.Value(readAheadKey{}).(*partnerReadAhead)
	if ra == nil || !ra.read || ra.key != key {
		return nil, false, nil
	}
	p = ra.partner
	ra.read, ra.partner = false, nil
	if p == nil {
		return nil, true, Errorf(NotFound, "partner not found")
	}
	return p, true, nil
}
