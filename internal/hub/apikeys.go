package hub

import (
	"context"
	"time"
)

// keyTouchInterval bounds how often a key's last_used_at is rewritten, so
// authentication is not a write per request.
const keyTouchInterval = time.Minute

// CreateAPIKey creates a key for a visible partner (else NotFound) and
// returns it with its plaintext, "phk_<prefix>_<secret>", which is never
// available again. It needs keys.manage; client-level callers may not
// create keys; every scope must be held by the caller (else Forbidden).
func (s *Service) CreateAPIKey(ctx context.Context, pr Principal, req NewAPIKeyRequest) (*APIKey, string, error) {
	if err := pr.RequireScope(ScopeKeysManage); err != nil {
		return nil, "", err
	}
	if pr.ClientID != 0 {
		return nil, "", Errorf(Forbidden, "a client-level principal cannot create API keys")
	}
	var c checker
	c.text("name", req.Name, true, maxShortText)
	if err := c.err(); err != nil {
		return nil, "", err
	}
	scopes, err := grantableScopes(pr, "scopes", append([]string(nil), req.Scopes...))
	if err != nil {
		return nil, "", err
	}
	now := s.now()
	if req.ExpiresAt != nil && !req.ExpiresAt.After(now) {
		return nil, "", InvalidField("expires_at", "must be in the future")
	}
	partnerID := req.PartnerID
	if partnerID == 0 {
		partnerID = pr.PartnerID
	}
	k := &APIKey{PartnerID: partnerID, Name: req.Name, Role: pr.Role, Scopes: scopes, CreatedBy: pr.Actor, CreatedAt: now}
	if req.ExpiresAt != nil {
		exp := req.ExpiresAt.UTC().Truncate(time.Microsecond)
		k.ExpiresAt = &exp
	}
	secret := newSecret()
	write := func(tx Tx) error {
		p, err := s.visiblePartner(ctx, tx, pr, PartnerKey{ID: partnerID}, "partner")
		if err != nil {
			return err
		}
		k.PartnerPath = p.Path
		k.Prefix = NewRef("")[:apiKeyPrefixLen]
		if err := tx.InsertAPIKey(ctx, k, HashSecret(secret)); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "create", "api_key", idString(k.ID), p.ID, p.Path, nil, k)
	}
	// A prefix collision (62^8 choices) is a Conflict; a fresh prefix wins.
	for range 3 {
		if err = s.store.Write(ctx, write); !IsKind(err, Conflict) {
			break
		}
	}
	if err != nil {
		return nil, "", err
	}
	return k, APIKeyPrefix + k.Prefix + "_" + secret, nil
}

// ListAPIKeys lists the keys of partners in the subtree of within (zero:
// the caller's home partner), which must be visible. It needs keys.manage.
func (s *Service) ListAPIKeys(ctx context.Context, pr Principal, within PartnerKey, q ListQuery) (Page[APIKey], error) {
	if err := q.Validate(); err != nil {
		return Page[APIKey]{}, err
	}
	path := pr.PartnerPath
	if within != (PartnerKey{}) {
		p, err := s.visiblePartner(ctx, s.store, pr, within, "partner")
		if err != nil {
			return Page[APIKey]{}, err
		}
		path = p.Path
	}
	if err := pr.RequireScope(ScopeKeysManage); err != nil {
		return Page[APIKey]{}, err
	}
	if !pr.SeesPath(path) {
		return Page[APIKey]{Items: []APIKey{}}, nil
	}
	return s.store.ListAPIKeys(ctx, path, q)
}

// RevokeAPIKey revokes a visible key (else NotFound) at once; revoking a
// revoked key changes nothing. It needs keys.manage.
func (s *Service) RevokeAPIKey(ctx context.Context, pr Principal, id int64) (*APIKey, error) {
	var out *APIKey
	err := s.store.Write(ctx, func(tx Tx) error {
		k, err := tx.APIKey(ctx, id)
		if IsKind(err, NotFound) || (err == nil && !pr.SeesPath(k.PartnerPath)) {
			return notFound("API key")
		}
		if err != nil {
			return err
		}
		if err := pr.RequireScope(ScopeKeysManage); err != nil {
			return err
		}
		out = k
		if k.RevokedAt != nil {
			return nil
		}
		before := *k
		now := s.now()
		if err := tx.RevokeAPIKey(ctx, k.ID, now); err != nil {
			return err
		}
		k.RevokedAt = &now
		return s.audit(ctx, tx, pr, "revoke", "api_key", idString(k.ID), k.PartnerID, k.PartnerPath, &before, k)
	})
	return out, err
}

// AuthenticateKey returns the principal of a plaintext API key. A
// malformed, unknown, revoked or expired key, and a key whose partner is
// inactive, are all the same Unauthenticated error. The key acts at its
// partner with its scopes, bounded by its creator's role. Use is recorded
// in last_used_at at most once a minute.
func (s *Service) AuthenticateKey(ctx context.Context, plaintext string) (Principal, error) {
	fail := Errorf(Unauthenticated, "invalid API key")
	prefix, secret, ok := parseAPIKey(plaintext)
	if !ok {
		return Principal{}, fail
	}
	cred, err := s.store.APIKeyByPrefix(ctx, prefix)
	if IsKind(err, NotFound) {
		return Principal{}, fail
	}
	if err != nil {
		return Principal{}, err
	}
	now := s.now()
	k := &cred.Key
	if !secretMatches(secret, cred.SecretHash) || !k.usable(now) {
		return Principal{}, fail
	}
	p, err := s.store.Partner(ctx, PartnerKey{ID: k.PartnerID})
	if IsKind(err, NotFound) {
		return Principal{}, fail
	}
	if err != nil {
		return Principal{}, err
	}
	if p.Status == StatusInactive || p.Status == StatusSuspended {
		return Principal{}, fail
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= keyTouchInterval {
		err := s.store.Write(ctx, func(tx Tx) error { return tx.TouchAPIKey(ctx, k.ID, now, now.Add(-keyTouchInterval)) })
		if err != nil {
			return Principal{}, err
		}
	}
	return Principal{PartnerID: p.ID, PartnerPath: p.Path, Actor: "key:" + idString(k.ID), Role: k.Role,
		Scopes: effectiveScopes(k.Role, k.Scopes)}, nil
}
