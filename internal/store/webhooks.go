package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

const deliveryFrom = `webhook_deliveries wd JOIN change_requests cr ON cr.id = wd.change_request_id`

const deliveryColumns = `wd.id, wd.partner_id, wd.change_request_id, cr.ref, wd.event, wd.body, wd.status, wd.attempts,
	wd.attempt_count, coalesce(wd.created_at, NULL), coalesce(wd.finished_at, NULL)`

func scanDelivery(row rowScanner) (hub.WebhookDelivery, error) {
	var d hub.WebhookDelivery
	var body string
	err := row.Scan(&d.ID, &d.PartnerID, &d.ChangeRequestID, &d.ChangeRequestRef, &d.Event, &body, &d.Status,
		jsonScan[[]hub.WebhookAttempt]{Dest: &d.Attempts}, &d.AttemptCount, timeScan{&d.CreatedAt}, nullTimeScan{&d.FinishedAt})
	d.Body = json.RawMessage(body)
	if d.Attempts == nil {
		d.Attempts = []hub.WebhookAttempt{}
	}
	return d, err
}

var deliverySchema = whitelist(hub.WebhookDeliveryListFields, map[string]string{
	"id": "wd.id", "change_request_id": "wd.change_request_id", "change_request_ref": "cr.ref",
	"event": "wd.event", "status": "wd.status", "attempt_count": "wd.attempt_count", "created_at": "wd.created_at",
})

var deliveryList = listSpec{from: deliveryFrom, columns: deliveryColumns, id: "wd.id", schema: deliverySchema}

func (r reader) WebhookSecret(ctx context.Context, partnerID int64) (string, error) {
	var secret string
	err := r.q.QueryRowContext(ctx, `SELECT secret FROM webhook_secrets WHERE partner_id = $1`, partnerID).Scan(&secret)
	if err == sql.ErrNoRows {
		return "", nil
	}
	return secret, classify(r.d, err)
}

func (r reader) WebhookDelivery(ctx context.Context, id int64) (*hub.WebhookDelivery, error) {
	d, err := scanDelivery(r.q.QueryRowContext(ctx, `SELECT `+deliveryColumns+` FROM `+deliveryFrom+` WHERE wd.id = $1`, id))
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "webhook delivery not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return &d, nil
}

func (r reader) ListWebhookDeliveries(ctx context.Context, partnerID int64, q hub.ListQuery) (hub.Page[hub.WebhookDelivery], error) {
	return runList(ctx, r, deliveryList, `wd.partner_id = $1`, []any{partnerID}, q, into(scanDelivery))
}

func (t *tx) SetWebhookSecret(ctx context.Context, partnerID int64, secret string, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO webhook_secrets (partner_id, secret, created_at) VALUES ($1, $2, $3)
		ON CONFLICT (partner_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at`,
		partnerID, secret, at.UTC())
	return classify(t.d, err)
}

func (t *tx) InsertWebhookDelivery(ctx context.Context, d *hub.WebhookDelivery) error {
	attempts, err := jsonText(d.Attempts, "[]")
	if err != nil {
		return classify(t.d, err)
	}
	err = t.q.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (partner_id, change_request_id, event, body, status,
		attempts, attempt_count, created_at, finished_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		d.PartnerID, d.ChangeRequestID, d.Event, string(d.Body), d.Status, attempts, d.AttemptCount,
		d.CreatedAt.UTC(), nullTime(d.FinishedAt)).Scan(&d.ID)
	return classify(t.d, err)
}

func (t *tx) UpdateWebhookDelivery(ctx context.Context, d *hub.WebhookDelivery) error {
	attempts, err := jsonText(d.Attempts, "[]")
	if err != nil {
		return classify(t.d, err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = $2, attempt_count = $3, finished_at = $4
		WHERE id = $5`, d.Status, attempts, d.AttemptCount, nullTime(d.FinishedAt), d.ID)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return hub.Errorf(hub.NotFound, "webhook delivery not found")
	}
	return nil
}
