package store

import (
	"context"
	"database/sql"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// clientFrom joins the owning partner (for its path) and the contact user
// (for its name, e-mail and phone; a primary-key lookup that both engines
// drop from plans that read none of its columns, such as counts).
const clientFrom = `clients c JOIN partners p ON p.id = c.partner_id LEFT JOIN users cu ON cu.id = c.contact_user_id`

const clientColumns = `c.id, c.ref, c.partner_id, p.path, c.name, c.status, c.version, c.organisation, c.billing_id, c.mid,
	c.contact_user_id, c.partner_payload, c.max_channels, c.meta_info, c.contact_info,
	coalesce(c.created_at, NULL), coalesce(c.modified_at, NULL), c.created_by, c.modified_by,
	` + contactUserName + `, coalesce(cu.email, ''), coalesce(cu.phone, '')`

// contactUserName is the contact user's "first last" ("" without one).
const contactUserName = `trim(coalesce(cu.first_name, '') || ' ' || coalesce(cu.last_name, ''))`

func scanClient(row rowScanner) (hub.Client, error) {
	var c hub.Client
	err := row.Scan(&c.ID, &c.Ref, &c.PartnerID, &c.PartnerPath, &c.Name, &c.Status, &c.Version, &c.Organisation, &c.BillingID, &c.MID,
		&c.ContactUserID, &c.PartnerPayload, &c.MaxChannels, jsonScan[map[string]any]{Dest: &c.MetaInfo}, jsonScan[map[string]any]{Dest: &c.ContactInfo},
		timeScan{&c.CreatedAt}, timeScan{&c.ModifiedAt}, &c.CreatedBy, &c.ModifiedBy,
		&c.ContactUserName, &c.ContactUserEmail, &c.ContactUserPhone)
	return c, err
}

var clientSchema = whitelist(hub.ClientListFields, map[string]string{
	"id": "c.id", "ref": "c.ref", "partner_id": "c.partner_id", "name": "c.name", "status": "c.status",
	"organisation": "c.organisation", "billing_id": "c.billing_id", "mid": "c.mid",
	"max_channels": "c.max_channels", "partner_payload": "c.partner_payload",
	"created_at": "c.created_at", "modified_at": "c.modified_at",
	"meta_info": "c.meta_info", "contact_info": "c.contact_info",
	"contact_user_name": contactUserName, "contact_user_email": "coalesce(cu.email, '')", "contact_user_phone": "coalesce(cu.phone, '')",
	// Free text: one string of the name, the ref and the organisation.
	"q": `(c.name || ' ' || c.ref || ' ' || c.organisation)`,
})

var clientList = listSpec{from: clientFrom, columns: clientColumns, id: "c.id", schema: clientSchema}

// scopeWhere turns a hub.Scope into a trusted WHERE fragment on the
// partner alias p (and client alias c) with its bound values.
func scopeWhere(s hub.Scope) (string, []any) {
	switch {
	case s.ClientID != 0:
		return `c.id = $1`, []any{s.ClientID}
	case s.PartnerID != 0:
		return `p.id = $1`, []any{s.PartnerID}
	default:
		return `p.path >= $1 AND p.path < $2`, []any{s.Path, hub.PathUpperBound(s.Path)}
	}
}

func (r reader) Client(ctx context.Context, id int64, ref string) (*hub.Client, error) {
	where, arg := `c.id = $1`, any(id)
	if id == 0 {
		where, arg = `c.ref = $1`, ref
	}
	c, err := scanClient(r.row(ctx, `SELECT `+clientColumns+` FROM `+clientFrom+` WHERE `+where, arg))
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "client not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return &c, nil
}

func (r reader) ListClients(ctx context.Context, s hub.Scope, q hub.ListQuery) (hub.Page[hub.Client], error) {
	where, args := scopeWhere(s)
	return runList(ctx, r, clientList, where, args, q, into(scanClient))
}

func clientValues(c *hub.Client) ([]any, error) {
	meta, err := jsonText(c.MetaInfo, "{}")
	if err != nil {
		return nil, hub.InvalidField("meta_info", "cannot be encoded: %v", err)
	}
	contact, err := jsonText(c.ContactInfo, "{}")
	if err != nil {
		return nil, hub.InvalidField("contact_info", "cannot be encoded: %v", err)
	}
	return []any{c.Name, c.Status, c.Organisation, c.BillingID, c.MID, c.ContactUserID, c.PartnerPayload, c.MaxChannels,
		meta, contact, c.ModifiedAt.UTC(), c.ModifiedBy}, nil
}

func (t *tx) InsertClient(ctx context.Context, c *hub.Client) error {
	vals, err := clientValues(c)
	if err != nil {
		return err
	}
	args := append([]any{c.Ref, c.PartnerID, c.Version, c.CreatedAt.UTC(), c.CreatedBy}, vals...)
	err = t.q.QueryRowContext(ctx, `INSERT INTO clients (ref, partner_id, version, created_at, created_by,
		name, status, organisation, billing_id, mid, contact_user_id, partner_payload, max_channels,
		meta_info, contact_info, modified_at, modified_by)
		VALUES (`+placeholders(1, len(args))+`) RETURNING id`, args...).Scan(&c.ID)
	return classify(t.d, err)
}

func (t *tx) UpdateClient(ctx context.Context, c *hub.Client) error {
	vals, err := clientValues(c)
	if err != nil {
		return err
	}
	res, err := t.q.ExecContext(ctx, `UPDATE clients SET version = version + 1,
		name = $1, status = $2, organisation = $3, billing_id = $4, mid = $5, contact_user_id = $6, partner_payload = $7,
		max_channels = $8, meta_info = $9, contact_info = $10, modified_at = $11, modified_by = $12
		WHERE id = $13 AND version = $14`, append(vals, c.ID, c.Version)...)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t.staleOrMissing(ctx, "clients", c.ID)
	}
	c.Version++
	return nil
}

func (t *tx) SetClientContact(ctx context.Context, id, userID int64) error {
	res, err := t.q.ExecContext(ctx, `UPDATE clients SET contact_user_id = $1 WHERE id = $2`, userID, id)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return hub.Errorf(hub.NotFound, "client not found")
	}
	return nil
}

func (t *tx) DeleteClient(ctx context.Context, id int64) error {
	if err := t.detachClosedChangeRequests(ctx, id, "source_client_id", "target_client_id"); err != nil {
		return err
	}
	res, err := t.q.ExecContext(ctx, `DELETE FROM clients WHERE id = $1`, id)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return hub.Errorf(hub.NotFound, "client not found")
	}
	return nil
}
