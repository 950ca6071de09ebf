package readcache

import (
	"maps"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// clonePartner copies p deeply enough that no change to the copy reaches
// p: the maps, the lists and the JSON values inside them.
func clonePartner(p *hub.Partner) *hub.Partner {
	c := *p
	p = &c
	p.ChargeAt = clonePtr(p.ChargeAt)
	p.PrepayAmount = clonePtr(p.PrepayAmount)
	p.Attributes = maps.Clone(p.Attributes)
	p.Callbacks = maps.Clone(p.Callbacks)
	p.Settings = cloneObject(p.Settings)
	p.ACLs = cloneObjects(p.ACLs)
	p.ParentAssignedACLs = cloneObjects(p.ParentAssignedACLs)
	p.Transformations = cloneObjects(p.Transformations)
	return p
}

func cloneUser(u *hub.User) *hub.User {
	c := *u
	c.LastLoginAt = clonePtr(u.LastLoginAt)
	return &c
}

func cloneTokenCredentials(t *hub.TokenCredentials) *hub.TokenCredentials {
	c := *t
	c.Token.Scopes = slices.Clone(t.Token.Scopes)
	c.Token.RevokedAt = clonePtr(t.Token.RevokedAt)
	c.Token.LastAccessAt = clonePtr(t.Token.LastAccessAt)
	c.User.LastLoginAt = clonePtr(t.User.LastLoginAt)
	return &c
}

func cloneAPIKeyCredentials(k *hub.APIKeyCredentials) *hub.APIKeyCredentials {
	c := *k
	c.Key.Scopes = slices.Clone(k.Key.Scopes)
	c.Key.LastUsedAt = clonePtr(k.Key.LastUsedAt)
	c.Key.ExpiresAt = clonePtr(k.Key.ExpiresAt)
	c.Key.RevokedAt = clonePtr(k.Key.RevokedAt)
	c.Creator = clonePtr(k.Creator)
	return &c
}

// clonePtr copies the value behind p (nil stays nil).
func clonePtr[T hub.Money | time.Time | hub.KeyCreator](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

func cloneObjects(l []map[string]any) []map[string]any {
	if l == nil {
		return nil
	}
	c := make([]map[string]any, len(l))
	for i, m := range l {
		c[i] = cloneObject(m)
	}
	return c
}

func cloneObject(m map[string]any) map[string]any {
	if m == nil {
		return nil
	}
	c := make(map[string]any, len(m))
	for k, v := range m {
		c[k] = cloneValue(v)
	}
	return c
}

// cloneValue copies a decoded JSON value: objects and arrays are copied,
// scalars are immutable.
func cloneValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return cloneObject(x)
	case []any:
		c := make([]any, len(x))
		for i, e := range x {
			c[i] = cloneValue(e)
		}
		return c
	case []map[string]any:
		return cloneObjects(x)
	case []string:
		return slices.Clone(x)
	default:
		return v
	}
}
