package hub

import (
	"context"
	"time"
)

// ChangeRequestReader is the read side of the storage of change requests,
// their partners' settings and webhook deliveries (part of Reader).
type ChangeRequestReader interface {
	// ChangeRequest returns a change request by id (when id != 0) or by
	// ref, with its refs and partner paths filled.
	ChangeRequest(ctx context.Context, id int64, ref string) (*ChangeRequest, error)
	// OpenChangeRequest returns the open (created or pending) request of
	// a client; NotFound when it has none.
	OpenChangeRequest(ctx context.Context, clientID int64) (*ChangeRequest, error)
	// ListChangeRequests lists the requests selected by scope.
	ListChangeRequests(ctx context.Context, scope ChangeRequestScope, q ListQuery) (Page[ChangeRequest], error)
	// ChangeRequestSettings returns a partner's settings for incoming
	// requests; the zero settings when it never set any.
	ChangeRequestSettings(ctx context.Context, partnerID int64) (ChangeRequestSettings, error)

	// WebhookSecret returns the secret that signs a partner's webhooks,
	// or "" when it has none. Only signing and SetPartnerWebhook may call
	// it.
	WebhookSecret(ctx context.Context, partnerID int64) (string, error)
	// WebhookDelivery returns one webhook delivery with its attempts.
	WebhookDelivery(ctx context.Context, id int64) (*WebhookDelivery, error)
	// ListWebhookDeliveries lists the deliveries to one partner.
	ListWebhookDeliveries(ctx context.Context, partnerID int64, q ListQuery) (Page[WebhookDelivery], error)
}

// ChangeRequestWriter is the write side of the storage of change
// requests, migrations and webhook deliveries (part of Writer).
type ChangeRequestWriter interface {
	// InsertChangeRequest stores a new request and sets its ID. A second
	// open request of the same client is a Conflict.
	InsertChangeRequest(ctx context.Context, cr *ChangeRequest) error
	// UpdateChangeRequest writes a request's status, target client,
	// migrated channels, failure reason, last error, attempts, times and
	// modifier with the version rule of UpdatePartner.
	UpdateChangeRequest(ctx context.Context, cr *ChangeRequest) error
	// SetChangeRequestSettings stores a partner's settings for incoming
	// requests.
	SetChangeRequestSettings(ctx context.Context, partnerID int64, s ChangeRequestSettings, at time.Time) error

	// MoveClient gives client c.ID the partner c.PartnerID, with the
	// version rule of UpdatePartner (c.Version is the version read; it is
	// bumped) and c.ModifiedAt and c.ModifiedBy. Its channels and users go
	// with it. Only a migration moves a client.
	MoveClient(ctx context.Context, c *Client) error
	// MoveChannel gives channel ch.ID the client ch.ClientID, with the
	// version rule of UpdatePartner and ch.ModifiedAt.
	MoveChannel(ctx context.Context, ch *Channel) error

	// SetWebhookSecret stores (or replaces) a partner's webhook signing
	// secret.
	SetWebhookSecret(ctx context.Context, partnerID int64, secret string, at time.Time) error
	// InsertWebhookDelivery stores a new delivery and sets its ID.
	InsertWebhookDelivery(ctx context.Context, d *WebhookDelivery) error
	// UpdateWebhookDelivery writes a delivery's status, attempts and
	// finish time.
	UpdateWebhookDelivery(ctx context.Context, d *WebhookDelivery) error
}

// JobWriter schedules and completes background jobs inside a transaction
// (part of Writer), so that a job exists exactly when the change that
// asks for it committed, and a job's effect commits together with its
// completion.
type JobWriter interface {
	// EnqueueJob schedules job to run after this transaction commits.
	// Scheduling the same job (same kind and arguments) again while the
	// first one is not finished schedules nothing.
	EnqueueJob(ctx context.Context, job Job) error
	// CompleteJob marks the job that ctx runs (the worker's context)
	// completed in this transaction: if the transaction rolls back, the
	// job stays unfinished and runs again. Outside a job's context it does
	// nothing.
	CompleteJob(ctx context.Context) error
}
