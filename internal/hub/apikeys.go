package hub

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/internal/filter"
)

// keyTouchInterval bounds how often a key's last_used_at is rewritten, so
// authentication is not a write per request.
const keyTouchInterval = time.Minute

// CreateAPIKey creates a key for a visible partner (req.PartnerID, else
// req.Partner, else the caller's home; an invisible one is NotFound) and
// returns it with its plaintext, "phk_<prefix>_<secret>", which is never
// available again. It needs NeedKeysManage (else Forbidden); every scope
// must be held by the caller (else Forbidden). A client-level caller sees
// no partner, so it gets NotFound.
func (s *Service) CreateAPIKey(ctx context.Context, pr Principal, req NewAPIKeyRequest) (*APIKey, string, error) {
	at := PartnerKey{ID: req.PartnerID}
	switch {
	case req.PartnerID == 0 && req.Partner != (PartnerKey{}):
		at = req.Partner
	case req.PartnerID == 0:
		at = PartnerKey{ID: pr.PartnerID}
	}
	var k *APIKey
	secret := newSecret()
	write := func(tx Tx) error {
		// The shared tree lock first: no move can take the partner out of
		// the caller's subtree between the check and the insert.
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		p, err := s.visiblePartner(ctx, tx, pr, at, "partner")
		if err != nil {
			return err
		}
		if err := pr.require(NeedKeysManage); err != nil {
			return err
		}
		if k, err = s.newAPIKey(pr, p, req); err != nil {
			return err
		}
		if k.CreatorUserID == 0 {
			// A key created by a key inherits that key's creator user, so
			// it is bound by the same user's status and role.
			if id, ok := keyActorID(pr.Actor); ok {
				parent, err := tx.APIKey(ctx, id)
				if err != nil {
					return err
				}
				k.CreatorUserID = parent.CreatorUserID
			}
		}
		if err := tx.InsertAPIKey(ctx, k, HashSecret(secret)); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "create", "api_key", idString(k.ID), p.ID, p.Path, nil, k)
	}
	// A prefix collision (62^8 choices) is a Conflict; a fresh prefix wins.
	var err error
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

// newAPIKey checks req and builds the key pr creates at partner p, with a
// fresh prefix.
func (s *Service) newAPIKey(pr Principal, p *Partner, req NewAPIKeyRequest) (*APIKey, error) {
	var c checker
	c.text("name", req.Name, true, maxShortText)
	if err := c.err(); err != nil {
		return nil, err
	}
	scopes, err := grantableScopes(pr, "scopes", append([]string(nil), req.Scopes...))
	if err != nil {
		return nil, err
	}
	now := s.now()
	if req.ExpiresAt != nil && !req.ExpiresAt.After(now) {
		return nil, InvalidField("expires_at", "must be in the future")
	}
	k := &APIKey{PartnerID: p.ID, PartnerPath: p.Path, Name: req.Name, Role: pr.Role, Scopes: scopes, CreatedBy: pr.Actor,
		CreatedAt: now, CreatorUserID: pr.UserID, Prefix: NewRef("")[:apiKeyPrefixLen]}
	if req.ExpiresAt != nil {
		exp := req.ExpiresAt.UTC().Truncate(time.Microsecond)
		k.ExpiresAt = &exp
	}
	return k, nil
}

// ListAPIKeys lists the keys of partners in the subtree of within (zero:
// the caller's home partner), which must be visible. It needs
// NeedKeysManage; then q must be valid.
func (s *Service) ListAPIKeys(ctx context.Context, pr Principal, within PartnerKey, q ListQuery) (Page[APIKey], error) {
	path := pr.PartnerPath
	if within != (PartnerKey{}) {
		p, err := s.visiblePartner(ctx, s.store, pr, within, "partner")
		if err != nil {
			return Page[APIKey]{}, err
		}
		path = p.Path
	}
	if err := pr.require(NeedKeysManage); err != nil {
		return Page[APIKey]{}, err
	}
	if err := q.Validate(APIKeyListFields); err != nil {
		return Page[APIKey]{}, err
	}
	if !pr.SeesPath(path) {
		return Page[APIKey]{Items: []APIKey{}}, nil
	}
	return s.store.ListAPIKeys(ctx, path, q)
}

// ListPartnerAPIKeys lists the keys of one partner (key), not those of
// its sub-partners: the partner must be visible (else NotFound); then it
// needs NeedKeysManage; then q must be valid.
func (s *Service) ListPartnerAPIKeys(ctx context.Context, pr Principal, key PartnerKey, q ListQuery) (Page[APIKey], error) {
	p, err := s.visiblePartner(ctx, s.store, pr, key, "partner")
	if err != nil {
		return Page[APIKey]{}, err
	}
	if err := pr.require(NeedKeysManage); err != nil {
		return Page[APIKey]{}, err
	}
	if err := q.Validate(APIKeyListFields); err != nil {
		return Page[APIKey]{}, err
	}
	own := &filter.Cond{Field: "partner_id", Op: filter.Eq, Values: []filter.Value{{Text: idString(p.ID)}}}
	if q.Filter == nil {
		q.Filter = own
	} else {
		q.Filter = &filter.And{Left: own, Right: q.Filter}
	}
	return s.store.ListAPIKeys(ctx, p.Path, q)
}

// RevokeAPIKey revokes a visible key (else NotFound) at once; revoking a
// revoked key changes nothing. It needs NeedKeysManage.
func (s *Service) RevokeAPIKey(ctx context.Context, pr Principal, id int64) (*APIKey, error) {
	return s.RevokePartnerAPIKey(ctx, pr, PartnerKey{}, id)
}

// RevokePartnerAPIKey is RevokeAPIKey for a face whose path names the
// key's partner: with a non-zero at, at must be visible and be the key's
// own partner, else NotFound (the same answer as for a missing key).
func (s *Service) RevokePartnerAPIKey(ctx context.Context, pr Principal, at PartnerKey, id int64) (*APIKey, error) {
	var out *APIKey
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		var atID int64
		if at != (PartnerKey{}) {
			p, err := s.visiblePartner(ctx, tx, pr, at, "partner")
			if err != nil {
				return err
			}
			atID = p.ID
		}
		if id <= 0 {
			return notFound("API key") // names nothing: no query
		}
		k, err := tx.APIKey(ctx, id)
		if IsKind(err, NotFound) || (err == nil && (!pr.SeesPath(k.PartnerPath) || (atID != 0 && k.PartnerID != atID))) {
			return notFound("API key")
		}
		if err != nil {
			return err
		}
		if err := pr.require(NeedKeysManage); err != nil {
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
// malformed, unknown, revoked or expired key, a key whose partner is (or
// lies below) a suspended or inactive partner, and a key whose creator
// user is inactive, gone, homed at an inactive partner or no longer above
// the key's partner, are all the same Unauthenticated error. The key acts at its partner with its scopes,
// bounded by its creator's role: the lower of the role at creation and the
// creator user's current role. The key, its partner and its creator are
// read in one query. Use is recorded in last_used_at at most once a minute.
func (s *Service) AuthenticateKey(ctx context.Context, plaintext string) (Principal, error) {
	// fail builds the one answer for every refusal, only when refusing.
	fail := func() error { return &Error{Kind: Unauthenticated, Message: "invalid API key"} }
	prefix, secret, ok := parseAPIKey(plaintext)
	if !ok {
		return Principal{}, fail()
	}
	cred, err := s.store.APIKeyByPrefix(ctx, prefix)
	if IsKind(err, NotFound) {
		return Principal{}, fail()
	}
	if err != nil {
		return Principal{}, err
	}
	now := s.now()
	k := &cred.Key
	if !secretMatches(secret, cred.SecretHash) || !k.usable(now) {
		return Principal{}, fail()
	}
	if StatusBlocks(cred.PartnerStatus) || cred.PartnerBlocked {
		return Principal{}, fail()
	}
	role := k.Role
	if k.CreatorUserID != 0 {
		c := cred.Creator
		if c == nil || !c.Found || !c.Active || c.HomePath == "" || StatusBlocks(c.HomeStatus) ||
			!PathContains(c.HomePath, k.PartnerPath) {
			return Principal{}, fail()
		}
		if c.Role.Rank() > role.Rank() {
			role = c.Role // demoted since: the key shrinks with its creator
		}
	}
	if k.LastUsedAt == nil || now.Sub(*k.LastUsedAt) >= keyTouchInterval {
		err := s.store.Write(ctx, func(tx Tx) error { return tx.TouchAPIKey(ctx, k.ID, now, now.Add(-keyTouchInterval)) })
		if err != nil {
			return Principal{}, err
		}
	}
	return Principal{PartnerID: k.PartnerID, PartnerPath: k.PartnerPath, Actor: "key:" + idString(k.ID), Role: role,
		Scopes: effectiveScopes(role, k.Scopes)}, nil
}

// keyActorID returns the key id of a key principal's Actor ("key:7").
func keyActorID(actor string) (int64, bool) {
	rest, ok := strings.CutPrefix(actor, "key:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil && id > 0
}
