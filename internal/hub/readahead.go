package hub

import "context"

// A request that authenticates with a token and then reads one partner
// (GET of a partner by its key) costs two store reads: the token's
// credentials, then the partner. A read-ahead lets the token check read
// both in one (Reader.PartnerWithTokenCredentials): one round trip to
// PostgreSQL, one statement on SQLite. The partner so read is kept in the
// request's context and served, once, to the next Partner call for the
// same key; every check of Partner (visibility, scope) still runs on it.

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

// WithPartnerReadAhead returns a context in which a token check
// (AuthenticateToken) also reads the partner key names, for the Partner
// call of the same request that follows. It changes no answer: when the
// combined read finds no row (no such partner, or no such token) the
// token is checked alone, and a valid token then tells that the partner
// is missing; Partner checks visibility and scope as always. Use it only
// on a request that reads that partner right after authenticating: the
// read is wasted otherwise.
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
	ra, _ := ctx.Value(readAheadKey{}).(*partnerReadAhead)
	if ra == nil || ra.read {
		return s.store.TokenCredentials(ctx, accessHash)
	}
	p, creds, err := s.store.PartnerWithTokenCredentials(ctx, ra.key, accessHash)
	if err == nil {
		ra.read, ra.partner = true, p
		return creds, nil
	}
	if !IsKind(err, NotFound) {
		return nil, err
	}
	creds, err = s.store.TokenCredentials(ctx, accessHash)
	if err == nil {
		ra.read = true // the token exists, so the partner does not
	}
	return creds, err
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
