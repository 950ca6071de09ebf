package hub

import (
	"context"
	"encoding/json"
	"strconv"
	"time"
)

// Webhook delivery statuses: pending until a receiver answers 2xx
// (delivered) or the last attempt fails (failed).
const (
	DeliveryPending   = "pending"
	DeliveryDelivered = "delivered"
	DeliveryFailed    = "failed"
)

// maxRecordedAttempts bounds the attempts a delivery keeps: the latest
// ones, so a delivery retried for a day stays a small row.
const maxRecordedAttempts = 30

// WebhookDelivery is one event to POST to one partner's webhook_url.
type WebhookDelivery struct {
	ID        int64
	PartnerID int64 // the receiving partner
	// ChangeRequestID and ChangeRequestRef name the request the event is
	// about.
	ChangeRequestID  int64
	ChangeRequestRef string
	Event            string // "partner_change_request.<status>"
	// Body is the exact JSON document POSTed (a WebhookEvent), fixed when
	// the event happened.
	Body     json.RawMessage
	Status   string
	Attempts []WebhookAttempt // the latest attempts, oldest first
	// AttemptCount counts every attempt, also those Attempts no longer
	// holds.
	AttemptCount int
	CreatedAt    time.Time
	FinishedAt   *time.Time // when it was delivered or failed for good
}

// WebhookAttempt is one POST of a delivery.
type WebhookAttempt struct {
	At         time.Time `json:"at"`
	StatusCode int       `json:"status_code"`     // 0 when no answer came
	Error      string    `json:"error,omitempty"` // why it failed; "" for a 2xx
	DurationMS int64     `json:"duration_ms"`
}

// OK reports whether the receiver accepted the attempt (2xx).
func (a WebhookAttempt) OK() bool { return a.StatusCode >= 200 && a.StatusCode < 300 }

// WebhookDeliveryListFields is the list vocabulary of WebhookDelivery.
var WebhookDeliveryListFields = ListFields{
	"id":                 intField,
	"change_request_id":  intField,
	"change_request_ref": textField,
	"event":              textField,
	"status":             textField,
	"attempt_count":      intField,
	"created_at":         timeField,
}

// WebhookTarget is where and how one delivery is POSTed now: the
// partner's current webhook_url and signing secret.
type WebhookTarget struct {
	URL    string
	Secret string
}

// WebhookGuard decides whether a webhook URL may receive deliveries. The
// service asks it when a URL is set; the sender asks it (or an equivalent
// check on the address it connects to) again at every delivery, since a
// name may resolve elsewhere by then.
type WebhookGuard interface {
	// CheckWebhookURL returns nil for an acceptable URL, else an error
	// whose text says why (shown to the caller).
	CheckWebhookURL(ctx context.Context, rawURL string) error
}

// SetWebhookGuard installs the check of webhook URLs. Call it once, before
// the service is shared; without one, setting a webhook URL is an
// Unavailable error.
func (s *Service) SetWebhookGuard(g WebhookGuard) { s.webhooks = g }

// PublicWebhookDelivery is a delivery as its partner sees it (ours: the
// list of GET /api/v2/partners/{partner_id}/webhook_deliveries): the
// event, the exact body sent, and the latest attempts.
type PublicWebhookDelivery struct {
	ID                     string           `json:"id"`
	Event                  string           `json:"event"`
	PartnerChangeRequestID string           `json:"partner_change_request_id"`
	Status                 string           `json:"status"`
	AttemptCount           int              `json:"attempt_count"`
	Attempts               []WebhookAttempt `json:"attempts"`
	Payload                json.RawMessage  `json:"payload"`
	CreatedAt              time.Time        `json:"created_at"`
	FinishedAt             *time.Time       `json:"finished_at"`
}

// Public returns the delivery as its partner sees it. The id is the
// decimal delivery id, the value of the X-Partnerhub-Delivery header.
func (d *WebhookDelivery) Public() PublicWebhookDelivery {
	attempts := d.Attempts
	if attempts == nil {
		attempts = []WebhookAttempt{}
	}
	return PublicWebhookDelivery{ID: strconv.FormatInt(d.ID, 10), Event: d.Event, PartnerChangeRequestID: d.ChangeRequestRef,
		Status: d.Status, AttemptCount: d.AttemptCount, Attempts: attempts, Payload: d.Body, CreatedAt: d.CreatedAt.UTC(), FinishedAt: d.FinishedAt}
}
