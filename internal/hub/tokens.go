package hub

import (
	"context"
	"errors"
	"slices"
	"time"
)

// tokenTouchInterval bounds how often a token's last access is rewritten.
const tokenTouchInterval = time.Minute

// IssueToken issues a token to the user behind pr (a user principal, as
// returned by AuthenticatePassword or AuthenticateToken), homed where pr
// is. Its scopes are the requested ones that pr holds (all of pr's when
// none are requested; Invalid when none remain). It needs
// NeedTokensManage; key principals cannot issue tokens (Forbidden).
func (s *Service) IssueToken(ctx context.Context, pr Principal, req TokenRequest) (*IssuedToken, error) {
	return s.issueTokenThen(ctx, pr, PartnerKey{}, req, true, nil)
}

// IssueTokenForPartner is IssueToken for a partner other than pr's home
// (CarrierX POST /oauth/token/{partner_sid}): the partner must be visible
// (else NotFound, before anything else is checked) and the token acts
// there, with pr's scopes at most.
func (s *Service) IssueTokenForPartner(ctx context.Context, pr Principal, partner PartnerKey, req TokenRequest) (*IssuedToken, error) {
	if partner == (PartnerKey{}) {
		return nil, InvalidField("partner", "is required")
	}
	return s.issueTokenThen(ctx, pr, partner, req, true, nil)
}

// IssueTokenWithPassword checks a username and password and issues a
// token to that user at its home partner: the password grant. It does not
// limit failed attempts: callers that take passwords from the network
// check them through a throttled authenticator and call IssueToken.
func (s *Service) IssueTokenWithPassword(ctx context.Context, username, password string, req TokenRequest) (*IssuedToken, error) {
	pr, _, err := s.AuthenticatePassword(ctx, username, password)
	if err != nil {
		return nil, err
	}
	return s.IssueToken(ctx, pr, req)
}

// issueTokenThen issues a token to pr's user at partner (zero: pr's home)
// with at most pr's scopes, and runs also, when set, in the same
// transaction before the insert. The checks come in the Service's one
// order: the partner's visibility, then (when needScope) NeedTokensManage
// and the principal's kind, then the request.
func (s *Service) issueTokenThen(ctx context.Context, pr Principal, partner PartnerKey, req TokenRequest, needScope bool, also func(Tx) error) (*IssuedToken, error) {
	var t Token
	access, refresh := newSecret(), newSecret()
	err := s.store.Write(ctx, func(tx Tx) error {
		at := &Partner{ID: pr.PartnerID, Path: pr.PartnerPath}
		if partner != (PartnerKey{}) {
			// The shared tree lock first: no move can take the partner out
			// of the caller's subtree between the check and the insert.
			if err := tx.LockTree(ctx, false); err != nil {
				return err
			}
			p, err := s.visiblePartner(ctx, tx, pr, partner, "partner")
			if err != nil {
				return err
			}
			at = p
		} else {
			home, err := tx.Partner(ctx, PartnerKey{ID: pr.PartnerID})
			if err != nil {
				return err
			}
			at.SID = home.SID
		}
		if needScope {
			if err := pr.require(NeedTokensManage); err != nil {
				return err
			}
		}
		if partner != (PartnerKey{}) && at.Blocked() {
			// Its tokens would not authenticate (AuthenticateToken).
			return errPartnerBlocked()
		}
		var err error
		if t, err = s.newToken(pr, at, req); err != nil {
			return err
		}
		if also != nil {
			if err := also(tx); err != nil {
				return err
			}
		}
		if err := tx.InsertToken(ctx, &t, HashSecret(access), HashSecret(refresh)); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "create", "token", t.SID, t.PartnerID, t.PartnerPath, nil, &t)
	})
	if err != nil {
		return nil, err
	}
	return &IssuedToken{Token: t, Access: access, Refresh: refresh}, nil
}

// newToken checks req and builds the token pr's user gets at partner at
// (ID, Path and SID set).
func (s *Service) newToken(pr Principal, at *Partner, req TokenRequest) (Token, error) {
	if pr.UserID == 0 {
		return Token{}, Errorf(Forbidden, "only a user can be issued a token")
	}
	var c checker
	c.text("name", req.Name, false, maxShortText)
	c.text("client_id", req.OAuthClientID, false, maxShortText)
	if err := c.err(); err != nil {
		return Token{}, err
	}
	scopes := pr.Scopes
	if len(req.Scopes) > 0 {
		scopes = nil
		for _, sc := range req.Scopes {
			if ValidScope(sc) && pr.HasScope(sc) {
				scopes = append(scopes, sc)
			}
		}
	}
	scopes = sortedUnique(slices.Clone(scopes))
	if len(scopes) == 0 {
		return Token{}, InvalidField("scope", "none of the requested scopes is available to you")
	}
	ttl := req.TTL
	switch {
	case ttl < 0:
		return Token{}, InvalidField("expires_in", "must not be negative")
	case ttl == 0:
		ttl = DefaultTokenTTL
	case ttl > MaxTokenTTL:
		ttl = MaxTokenTTL
	}
	now := s.now()
	return Token{SID: NewSID(), UserID: pr.UserID, PartnerID: at.ID, PartnerPath: at.Path, PartnerSID: at.SID,
		Name: req.Name, OAuthClientID: req.OAuthClientID, Scopes: scopes,
		CreatedAt: now, ExpiresAt: now.Add(ttl), RefreshExpiresAt: now.Add(max(RefreshTokenTTL, ttl))}, nil
}

// AuthenticateToken returns the principal of a plaintext access token. An
// unknown, revoked or expired token, an inactive user, a user's or token's
// partner that is (or lies below) a suspended or inactive partner, and a
// token whose partner has left the user's subtree are all the same
// Unauthenticated error. Everything is read in one query (with the
// partner of a read-ahead, see WithPartnerReadAhead; when that partner is
// missing, the token is read again alone). The token acts at
// its partner with its scopes, bounded by the user's current role. The
// last access (time and ip) is recorded at most once a minute.
func (s *Service) AuthenticateToken(ctx context.Context, access, ip string) (Principal, error) {
	// fail builds the one answer for every refusal, only when refusing.
	fail := func() error { return &Error{Kind: Unauthenticated, Message: "invalid or expired token"} }
	if len(access) != secretLen || !isBase62(access) {
		return Principal{}, fail()
	}
	creds, err := s.tokenCredentials(ctx, HashSecret(access))
	if IsKind(err, NotFound) {
		return Principal{}, fail()
	}
	if err != nil {
		return Principal{}, err
	}
	t, u := &creds.Token, &creds.User
	now := s.now()
	if !t.usable(now) {
		return Principal{}, fail()
	}
	home, err := userPrincipal(u)
	if err != nil {
		return Principal{}, err
	}
	pr := home
	if creds.PartnerBlocked {
		return Principal{}, fail()
	}
	if t.PartnerID != home.PartnerID {
		// t.PartnerPath is the partner's current path, read in the same
		// query: a move out of the user's subtree shows at once.
		if !home.SeesPath(t.PartnerPath) {
			return Principal{}, fail()
		}
		pr.PartnerID, pr.PartnerPath = t.PartnerID, t.PartnerPath
	}
	pr.Actor = "user:" + idString(u.ID) + "/token:" + t.SID
	pr.Scopes = effectiveScopes(u.Role, t.Scopes)
	if t.LastAccessAt == nil || now.Sub(*t.LastAccessAt) >= tokenTouchInterval || t.LastAccessIP != ip {
		err := s.store.Write(ctx, func(tx Tx) error { return tx.TouchToken(ctx, t.ID, now, ip, now.Add(-tokenTouchInterval)) })
		if err != nil {
			return Principal{}, err
		}
	}
	return pr, nil
}

// ListTokens lists the caller's own tokens (revoked and expired ones
// included), newest first unless q orders otherwise. It needs
// NeedTokensManage; a principal without a user has none.
func (s *Service) ListTokens(ctx context.Context, pr Principal, q ListQuery) (Page[Token], error) {
	if err := pr.require(NeedTokensManage); err != nil {
		return Page[Token]{}, err
	}
	if len(q.Order) == 0 {
		q.Order = []OrderTerm{{Field: "id", Desc: true}}
	}
	if err := q.Validate(TokenListFields); err != nil {
		return Page[Token]{}, err
	}
	if pr.UserID == 0 {
		return Page[Token]{Items: []Token{}}, nil
	}
	return s.store.ListTokens(ctx, pr.UserID, q)
}

// RevokeToken revokes a token by its SID at once: the caller's own, or
// that of a visible user the caller may manage (users.manage, rank). Any
// other token is NotFound; a visible one needs NeedTokensManage (else
// Forbidden). Revoking a revoked token changes nothing.
func (s *Service) RevokeToken(ctx context.Context, pr Principal, sid string) (*Token, error) {
	if !IsSID(sid) {
		return nil, notFound("token") // names nothing: no query (see PartnerKey.wellFormed)
	}
	var out *Token
	err := s.store.Write(ctx, func(tx Tx) error {
		t, err := tx.Token(ctx, sid)
		if IsKind(err, NotFound) {
			return notFound("token")
		}
		if err != nil {
			return err
		}
		if t.UserID != pr.UserID || pr.UserID == 0 {
			if err := tx.LockTree(ctx, false); err != nil {
				return err
			}
			// Another user's token is revocable only by someone who may
			// manage that user; to anyone else it does not exist, so the
			// answer cannot reveal whose token a SID is.
			u, err := s.visibleUser(ctx, tx, pr, t.UserID)
			if err != nil || !pr.HasScope(ScopeUsersManage) || pr.outranks(u.Role) {
				return notFound("token")
			}
		}
		if err := pr.require(NeedTokensManage); err != nil {
			return err
		}
		out = t
		if t.RevokedAt != nil {
			return nil
		}
		before := *t
		now := s.now()
		if _, err := tx.RevokeToken(ctx, t.ID, now); err != nil {
			return err
		}
		t.RevokedAt = &now
		return s.audit(ctx, tx, pr, "revoke", "token", t.SID, t.PartnerID, t.PartnerPath, &before, t)
	})
	return out, err
}

// RefreshToken exchanges a refresh token for a new token with the same
// partner, name, client id and scopes (still bounded by the user's current
// role) and the default or requested lifetime; the old token is revoked in
// the same transaction, so a refresh token works once. An unknown, used,
// revoked or expired refresh token, an inactive or blocked user, and a
// token whose partner is blocked (Partner.Blocked) or has left the user's
// subtree are all Unauthenticated.
func (s *Service) RefreshToken(ctx context.Context, refresh string, ttl time.Duration) (*IssuedToken, error) {
	fail := Errorf(Unauthenticated, "invalid or expired refresh token")
	if len(refresh) != secretLen || !isBase62(refresh) {
		return nil, fail
	}
	old, err := s.store.TokenByRefreshHash(ctx, HashSecret(refresh))
	if IsKind(err, NotFound) {
		return nil, fail
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if old.RevokedAt != nil || !now.Before(old.RefreshExpiresAt) {
		return nil, fail
	}
	u, err := s.store.User(ctx, old.UserID)
	if err != nil {
		return nil, fail
	}
	pr, err := userPrincipal(u)
	if err != nil {
		return nil, err
	}
	pr.Scopes = effectiveScopes(u.Role, old.Scopes)
	req := TokenRequest{Name: old.Name, OAuthClientID: old.OAuthClientID, Scopes: old.Scopes, TTL: ttl}
	var partner PartnerKey
	if old.PartnerID != pr.PartnerID {
		partner = PartnerKey{ID: old.PartnerID}
	}
	it, err := s.issueTokenThen(ctx, pr, partner, req, false, func(tx Tx) error {
		// Revoke only if still live: a concurrent refresh loses.
		cur, err := tx.Token(ctx, old.SID)
		if err != nil {
			return err
		}
		if cur.RevokedAt != nil {
			return fail
		}
		if ok, err := tx.RevokeToken(ctx, old.ID, now); err != nil || !ok {
			if err != nil {
				return err
			}
			return fail
		}
		revoked := *cur
		revoked.RevokedAt = &now
		return s.audit(ctx, tx, pr, "refresh", "token", old.SID, old.PartnerID, old.PartnerPath, cur, &revoked)
	})
	var he *Error
	if partner != (PartnerKey{}) && (IsKind(err, NotFound) || (errors.As(err, &he) && len(he.Fields) > 0 && he.Fields[0].Field == "partner")) {
		// The token's partner has left the user's subtree, or is blocked:
		// the old token no longer authenticates, nor does its refresh.
		return nil, fail
	}
	return it, err
}

// errPartnerBlocked refuses a token for a partner that is, or lies below,
// a suspended or inactive partner.
func errPartnerBlocked() *Error {
	return InvalidField("partner", "is suspended or inactive, or lies below a partner that is: its tokens would not authenticate")
}

// OwnToken returns one of the caller's own tokens by its SID; any other
// token, and a principal without a user, get NotFound. It needs
// NeedTokensManage (else Forbidden).
func (s *Service) OwnToken(ctx context.Context, pr Principal, sid string) (*Token, error) {
	if pr.UserID == 0 || !IsSID(sid) {
		return nil, notFound("token")
	}
	t, err := s.store.Token(ctx, sid)
	if IsKind(err, NotFound) || (err == nil && t.UserID != pr.UserID) {
		return nil, notFound("token")
	}
	return authorize(pr, NeedTokensManage, t, err)
}
