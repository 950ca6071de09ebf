package readcache

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// trackingTx passes a transaction through and records what it wrote. It
// implements every hub.Writer method itself (reads go straight to the
// transaction through the embedded Reader), so a method added to
// hub.Writer does not compile here until someone decides whether it
// changes cached answers.
type trackingTx struct {
	hub.Reader
	w hub.Writer

	// changed: something a cached read returns may have changed.
	changed bool
	// The ids whose access metadata (last use, last login) was written.
	touchedTokens, touchedKeys, touchedUsers []int64
}

var _ hub.Tx = (*trackingTx)(nil)

// change marks the transaction as changing cached answers.
func (t *trackingTx) change() { t.changed = true }

// Tree and partners.

func (t *trackingTx) LockTree(ctx context.Context, exclusive bool) error {
	return t.w.LockTree(ctx, exclusive)
}

func (t *trackingTx) NextPartnerID(ctx context.Context) (int64, error) {
	return t.w.NextPartnerID(ctx)
}

func (t *trackingTx) InsertPartner(ctx context.Context, p *hub.Partner) error {
	t.change()
	return t.w.InsertPartner(ctx, p)
}

func (t *trackingTx) UpdatePartner(ctx context.Context, p *hub.Partner) error {
	t.change()
	return t.w.UpdatePartner(ctx, p)
}

func (t *trackingTx) MoveSubtree(ctx context.Context, node, newParent *hub.Partner) (int64, error) {
	t.change()
	return t.w.MoveSubtree(ctx, node, newParent)
}

func (t *trackingTx) DeletePartner(ctx context.Context, id int64) error {
	t.change()
	return t.w.DeletePartner(ctx, id)
}

func (t *trackingTx) SetPartnerContact(ctx context.Context, id, userID int64) error {
	t.change()
	return t.w.SetPartnerContact(ctx, id, userID)
}

// Clients and channels: nothing cached reads them, but a future cached
// read would, so they count as changes.

func (t *trackingTx) InsertClient(ctx context.Context, c *hub.Client) error {
	t.change()
	return t.w.InsertClient(ctx, c)
}

func (t *trackingTx) UpdateClient(ctx context.Context, c *hub.Client) error {
	t.change()
	return t.w.UpdateClient(ctx, c)
}

func (t *trackingTx) SetClientContact(ctx context.Context, id, userID int64) error {
	t.change()
	return t.w.SetClientContact(ctx, id, userID)
}

func (t *trackingTx) DeleteClient(ctx context.Context, id int64) error {
	t.change()
	return t.w.DeleteClient(ctx, id)
}

func (t *trackingTx) InsertChannel(ctx context.Context, ch *hub.Channel) error {
	t.change()
	return t.w.InsertChannel(ctx, ch)
}

func (t *trackingTx) UpdateChannel(ctx context.Context, ch *hub.Channel) error {
	t.change()
	return t.w.UpdateChannel(ctx, ch)
}

// Users.

func (t *trackingTx) InsertUser(ctx context.Context, u *hub.User, passwordHash string) error {
	t.change()
	return t.w.InsertUser(ctx, u, passwordHash)
}

func (t *trackingTx) UpdateUser(ctx context.Context, u *hub.User) error {
	t.change()
	return t.w.UpdateUser(ctx, u)
}

func (t *trackingTx) SetUserPassword(ctx context.Context, id int64, passwordHash string, at time.Time) error {
	t.change()
	return t.w.SetUserPassword(ctx, id, passwordHash, at)
}

func (t *trackingTx) DeleteUser(ctx context.Context, id int64) error {
	t.change()
	return t.w.DeleteUser(ctx, id)
}

func (t *trackingTx) TouchUserLogin(ctx context.Context, id int64, at time.Time) error {
	t.touchedUsers = append(t.touchedUsers, id)
	return t.w.TouchUserLogin(ctx, id, at)
}

// API keys and tokens. A new key or token was never cached (missing
// answers are not), so inserting one changes nothing cached.

func (t *trackingTx) InsertAPIKey(ctx context.Context, k *hub.APIKey, secretHash string) error {
	return t.w.InsertAPIKey(ctx, k, secretHash)
}

func (t *trackingTx) RevokeAPIKey(ctx context.Context, id int64, at time.Time) error {
	t.change()
	return t.w.RevokeAPIKey(ctx, id, at)
}

func (t *trackingTx) TouchAPIKey(ctx context.Context, id int64, at, olderThan time.Time) error {
	t.touchedKeys = append(t.touchedKeys, id)
	return t.w.TouchAPIKey(ctx, id, at, olderThan)
}

func (t *trackingTx) InsertToken(ctx context.Context, tok *hub.Token, accessHash, refreshHash string) error {
	return t.w.InsertToken(ctx, tok, accessHash, refreshHash)
}

func (t *trackingTx) RevokeToken(ctx context.Context, id int64, at time.Time) (bool, error) {
	t.change()
	return t.w.RevokeToken(ctx, id, at)
}

func (t *trackingTx) TouchToken(ctx context.Context, id int64, at time.Time, ip string, olderThan time.Time) error {
	t.touchedTokens = append(t.touchedTokens, id)
	return t.w.TouchToken(ctx, id, at, ip, olderThan)
}

// Audit and e-mail verification rows: nothing cached reads them.

func (t *trackingTx) InsertAudit(ctx context.Context, e *hub.AuditEntry) error {
	return t.w.InsertAudit(ctx, e)
}

func (t *trackingTx) InsertEmailVerification(ctx context.Context, v *hub.EmailVerification, tokenHash string) error {
	return t.w.InsertEmailVerification(ctx, v, tokenHash)
}

func (t *trackingTx) DeleteEmailVerifications(ctx context.Context, partnerID int64, field string) error {
	return t.w.DeleteEmailVerifications(ctx, partnerID, field)
}

func (t *trackingTx) UseEmailVerification(ctx context.Context, id int64, at time.Time) (bool, error) {
	return t.w.UseEmailVerification(ctx, id, at)
}

func (t *trackingTx) MarkEmailVerified(ctx context.Context, id int64, field, address string, activate bool, at time.Time) (bool, error) {
	t.change()
	return t.w.MarkEmailVerified(ctx, id, field, address, activate, at)
}

// EmailVerificationByHash is a read that only transactions offer.
func (t *trackingTx) EmailVerificationByHash(ctx context.Context, tokenHash string) (*hub.EmailVerification, error) {
	return t.w.EmailVerificationByHash(ctx, tokenHash)
}

// Change requests and migrations. Nothing cached reads them today; like
// clients and channels they count as changes, so a cached read of them
// added later is coherent from the start. A migration's client and
// channel moves come through here (jobs write through the same Store).

func (t *trackingTx) InsertChangeRequest(ctx context.Context, cr *hub.ChangeRequest) error {
	t.change()
	return t.w.InsertChangeRequest(ctx, cr)
}

func (t *trackingTx) UpdateChangeRequest(ctx context.Context, cr *hub.ChangeRequest) error {
	t.change()
	return t.w.UpdateChangeRequest(ctx, cr)
}

func (t *trackingTx) SetChangeRequestSettings(ctx context.Context, partnerID int64, s hub.ChangeRequestSettings, at time.Time) error {
	t.change()
	return t.w.SetChangeRequestSettings(ctx, partnerID, s, at)
}

func (t *trackingTx) MoveClient(ctx context.Context, c *hub.Client) error {
	t.change()
	return t.w.MoveClient(ctx, c)
}

func (t *trackingTx) MoveChannel(ctx context.Context, ch *hub.Channel) error {
	t.change()
	return t.w.MoveChannel(ctx, ch)
}

// Webhook secrets and deliveries: nothing cached reads them, and delivery
// attempts are frequent writes that should not empty the cache.

func (t *trackingTx) SetWebhookSecret(ctx context.Context, partnerID int64, secret string, at time.Time) error {
	return t.w.SetWebhookSecret(ctx, partnerID, secret, at)
}

func (t *trackingTx) InsertWebhookDelivery(ctx context.Context, d *hub.WebhookDelivery) error {
	return t.w.InsertWebhookDelivery(ctx, d)
}

func (t *trackingTx) UpdateWebhookDelivery(ctx context.Context, d *hub.WebhookDelivery) error {
	return t.w.UpdateWebhookDelivery(ctx, d)
}

// Jobs live in River's tables, which no cached read touches.

func (t *trackingTx) EnqueueJob(ctx context.Context, job hub.Job) error {
	return t.w.EnqueueJob(ctx, job)
}

func (t *trackingTx) CompleteJob(ctx context.Context) error {
	return t.w.CompleteJob(ctx)
}
