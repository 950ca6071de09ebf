package testdb

import (
	"context"
	"sync/atomic"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// ReadCounter is a hub.Store that counts the credential and partner reads
// a service asks of it (for tests of the read-ahead): Combined counts the
// reads of a credential beside a partner, Credentials a token's
// credentials or a user read alone, Partners a partner read alone.
type ReadCounter struct {
	hub.Store
	combined, credentials, partners atomic.Int64
}

// PartnerWithTokenCredentials counts one combined read.
func (c *ReadCounter) PartnerWithTokenCredentials(ctx context.Context, key hub.PartnerKey, accessHash string) (*hub.Partner, *hub.TokenCredentials, error) {
	c.combined.Add(1)
	return c.Store.PartnerWithTokenCredentials(ctx, key, accessHash)
}

// PartnerWithUser counts one combined read.
func (c *ReadCounter) PartnerWithUser(ctx context.Context, key hub.PartnerKey, userID int64) (*hub.Partner, *hub.User, error) {
	c.combined.Add(1)
	return c.Store.PartnerWithUser(ctx, key, userID)
}

// TokenCredentials counts one credential read.
func (c *ReadCounter) TokenCredentials(ctx context.Context, accessHash string) (*hub.TokenCredentials, error) {
	c.credentials.Add(1)
	return c.Store.TokenCredentials(ctx, accessHash)
}

// User counts one credential read.
func (c *ReadCounter) User(ctx context.Context, id int64) (*hub.User, error) {
	c.credentials.Add(1)
	return c.Store.User(ctx, id)
}

// Partner counts one partner read.
func (c *ReadCounter) Partner(ctx context.Context, key hub.PartnerKey) (*hub.Partner, error) {
	c.partners.Add(1)
	return c.Store.Partner(ctx, key)
}

// Reads returns and resets the counts: combined, credentials, partners.
func (c *ReadCounter) Reads() [3]int64 {
	return [3]int64{c.combined.Swap(0), c.credentials.Swap(0), c.partners.Swap(0)}
}
