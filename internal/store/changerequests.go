package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// changeRequestFrom joins each request to its source client (for its
// name) and partners (for their current paths). The refs are the row's
// own copies: a closed request outlives a deleted client or partner,
// whose id it then holds as NULL (read as 0) and whose path as "".
const changeRequestFrom = `change_requests cr
	LEFT JOIN clients sc ON sc.id = cr.source_client_id
	LEFT JOIN partners sp ON sp.id = cr.source_partner_id
	LEFT JOIN partners tp ON tp.id = cr.target_partner_id`

const changeRequestColumns = `cr.id, cr.ref, cr.status, cr.is_full_migration,
	coalesce(cr.source_client_id, 0), coalesce(cr.target_client_id, 0), coalesce(cr.source_partner_id, 0), coalesce(cr.target_partner_id, 0),
	cr.source_client_ref, cr.target_client_ref, cr.source_partner_ref, cr.target_partner_ref, coalesce(sp.path, ''), coalesce(tp.path, ''),
	cr.requested_channels, cr.migrated_channels, cr.failure_reason, cr.last_error, cr.attempts, cr.version,
	cr.created_by, cr.modified_by, coalesce(cr.created_at, NULL), coalesce(cr.modified_at, NULL),
	coalesce(cr.approved_at, NULL), coalesce(cr.finished_at, NULL)`

func scanChangeRequest(row rowScanner) (hub.ChangeRequest, error) {
	var cr hub.ChangeRequest
	err := row.Scan(&cr.ID, &cr.Ref, &cr.Status, &cr.IsFullMigration,
		&cr.SourceClientID, &cr.TargetClientID, &cr.SourcePartnerID, &cr.TargetPartnerID,
		&cr.SourceClientRef, &cr.TargetClientRef, &cr.SourcePartnerRef, &cr.TargetPartnerRef, &cr.SourcePartnerPath, &cr.TargetPartnerPath,
		jsonScan[[]string]{Dest: &cr.RequestedChannels}, jsonScan[[]string]{Dest: &cr.MigratedChannels}, &cr.FailureReason, &cr.LastError, &cr.Attempts, &cr.Version,
		&cr.CreatedBy, &cr.ModifiedBy, timeScan{&cr.CreatedAt}, timeScan{&cr.ModifiedAt},
		nullTimeScan{&cr.ApprovedAt}, nullTimeScan{&cr.FinishedAt})
	if cr.RequestedChannels == nil {
		cr.RequestedChannels = []string{}
	}
	if cr.MigratedChannels == nil {
		cr.MigratedChannels = []string{}
	}
	return cr, err
}

var changeRequestSchema = whitelist(hub.ChangeRequestListFields, map[string]string{
	"id": "cr.id", "ref": "cr.ref", "status": "cr.status", "is_full_migration": "cr.is_full_migration",
	"source_client_id": "coalesce(cr.source_client_id, 0)", "target_client_id": "coalesce(cr.target_client_id, 0)",
	"source_partner_id": "coalesce(cr.source_partner_id, 0)", "target_partner_id": "coalesce(cr.target_partner_id, 0)",
	"source_client_ref": "cr.source_client_ref", "target_client_ref": "cr.target_client_ref",
	"source_partner_ref": "cr.source_partner_ref", "target_partner_ref": "cr.target_partner_ref",
	"attempts": "cr.attempts", "created_at": "cr.created_at", "modified_at": "cr.modified_at",
	// Free text: one string of the request's ref, its client refs and,
	// where the viewer may see the source client (scv joined), its name.
	"q": `(cr.ref || ' ' || cr.source_client_ref || ' ' || cr.target_client_ref || CASE WHEN scv.id IS NULL THEN '' ELSE ' ' || sc.name END)`,
})

// changeRequestListFrom is changeRequestFrom with scv, the source
// client's partner when the viewer may see that client: it lies in the
// viewer's subtree [$2, $3), or the client is the viewer's own ($4). Every
// list statement reads FROM it, so $2..$4 are always bound (see
// ListChangeRequests).
const changeRequestListFrom = changeRequestFrom + `
	LEFT JOIN partners scv ON scv.id = sc.partner_id AND ((scv.path >= $2 AND scv.path < $3) OR sc.id = $4)`

var changeRequestList = listSpec{from: changeRequestListFrom, columns: changeRequestColumns, id: "cr.id", schema: changeRequestSchema}

func (r reader) ChangeRequest(ctx context.Context, id int64, ref string) (*hub.ChangeRequest, error) {
	where, arg := `cr.id = $1`, any(id)
	if id == 0 {
		where, arg = `cr.ref = $1`, ref
	}
	return r.oneChangeRequest(ctx, where, arg)
}

func (r reader) OpenChangeRequest(ctx context.Context, clientID int64) (*hub.ChangeRequest, error) {
	return r.oneChangeRequest(ctx, `cr.source_client_id = $1 AND cr.status IN ('created', 'pending')`, clientID)
}

func (r reader) oneChangeRequest(ctx context.Context, where string, arg any) (*hub.ChangeRequest, error) {
	cr, err := scanChangeRequest(r.row(ctx, `SELECT `+changeRequestColumns+` FROM `+changeRequestFrom+` WHERE `+where, arg))
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "change request not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return &cr, nil
}

func (r reader) ListChangeRequests(ctx context.Context, s hub.ChangeRequestScope, q hub.ListQuery) (hub.Page[hub.ChangeRequest], error) {
	var where string
	var args []any
	switch {
	case s.ClientID != 0:
		where, args = `(cr.source_client_id = $1 OR cr.target_client_id = $1)`, []any{s.ClientID}
	case s.Direction == hub.Incoming:
		where, args = `cr.target_partner_id = $1`, []any{s.PartnerID}
	case s.Direction == hub.Outgoing:
		where, args = `cr.source_partner_id = $1`, []any{s.PartnerID}
	default:
		where, args = `(cr.source_partner_id = $1 OR cr.target_partner_id = $1)`, []any{s.PartnerID}
	}
	// $2..$4 of changeRequestListFrom: the viewer's subtree (empty for a
	// client-level viewer) and client.
	upper := ""
	if s.ViewerPath != "" {
		upper = hub.PathUpperBound(s.ViewerPath)
	}
	args = append(args, s.ViewerPath, upper, s.ViewerClientID)
	return runList(ctx, r, changeRequestList, where, args, q, into(scanChangeRequest))
}

func (r reader) ChangeRequestSettings(ctx context.Context, partnerID int64) (hub.ChangeRequestSettings, error) {
	var s hub.ChangeRequestSettings
	err := r.q.QueryRowContext(ctx, `SELECT auto_approve FROM change_request_settings WHERE partner_id = $1`, partnerID).Scan(&s.AutoApprove)
	if err == sql.ErrNoRows {
		return s, nil
	}
	return s, classify(r.d, err)
}

func (t *tx) InsertChangeRequest(ctx context.Context, cr *hub.ChangeRequest) error {
	requested, err := jsonText(cr.RequestedChannels, "[]")
	if err != nil {
		return hub.InvalidField("channels", "cannot be encoded: %v", err)
	}
	migrated, err := jsonText(cr.MigratedChannels, "[]")
	if err != nil {
		return hub.InvalidField("migrated_channels", "cannot be encoded: %v", err)
	}
	// The refs are copied from the rows the ids name, so that the request
	// still shows them once a client or partner is deleted. A row deleted
	// meanwhile reads as '' here, so that its foreign key, not the ref's
	// NOT NULL, refuses the insert: a Conflict, as for any vanished
	// reference, rather than an internal error.
	err = t.q.QueryRowContext(ctx, `INSERT INTO change_requests (ref, status, is_full_migration, source_client_id, target_client_id,
		source_partner_id, target_partner_id, requested_channels, migrated_channels, failure_reason, last_error, attempts, version,
		created_by, modified_by, created_at, modified_at, approved_at, finished_at,
		source_client_ref, target_client_ref, source_partner_ref, target_partner_ref)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
			coalesce((SELECT ref FROM clients WHERE id = $4), ''), coalesce((SELECT ref FROM clients WHERE id = $5), ''),
			coalesce((SELECT ref FROM partners WHERE id = $6), ''), coalesce((SELECT ref FROM partners WHERE id = $7), '')) RETURNING id`,
		cr.Ref, cr.Status, cr.IsFullMigration, cr.SourceClientID, nullID(cr.TargetClientID), cr.SourcePartnerID, cr.TargetPartnerID,
		requested, migrated, cr.FailureReason, cr.LastError, cr.Attempts, cr.Version, cr.CreatedBy, cr.ModifiedBy,
		cr.CreatedAt.UTC(), cr.ModifiedAt.UTC(), nullTime(cr.ApprovedAt), nullTime(cr.FinishedAt)).Scan(&cr.ID)
	if err != nil && t.d.isUnique(err) {
		// The one unique value a new request can clash on besides its
		// random ref: the client's one open request.
		return &hub.Error{Kind: hub.Conflict, Message: "the client already has an open change request; it must be completed, failed or rejected first", Err: err}
	}
	return classify(t.d, err)
}

func (t *tx) UpdateChangeRequest(ctx context.Context, cr *hub.ChangeRequest) error {
	migrated, err := jsonText(cr.MigratedChannels, "[]")
	if err != nil {
		return hub.InvalidField("migrated_channels", "cannot be encoded: %v", err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE change_requests SET version = version + 1,
		status = $1, target_client_id = $2, migrated_channels = $3, failure_reason = $4, last_error = $5, attempts = $6,
		modified_by = $7, modified_at = $8, approved_at = $9, finished_at = $10,
		target_client_ref = coalesce((SELECT ref FROM clients WHERE id = $2), target_client_ref)
		WHERE id = $11 AND version = $12`,
		cr.Status, nullID(cr.TargetClientID), migrated, cr.FailureReason, cr.LastError, cr.Attempts,
		cr.ModifiedBy, cr.ModifiedAt.UTC(), nullTime(cr.ApprovedAt), nullTime(cr.FinishedAt), cr.ID, cr.Version)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t.staleOrMissing(ctx, "change_requests", cr.ID)
	}
	cr.Version++
	return nil
}

func (t *tx) SetChangeRequestSettings(ctx context.Context, partnerID int64, s hub.ChangeRequestSettings, at time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO change_request_settings (partner_id, auto_approve, modified_at) VALUES ($1, $2, $3)
		ON CONFLICT (partner_id) DO UPDATE SET auto_approve = excluded.auto_approve, modified_at = excluded.modified_at`,
		partnerID, s.AutoApprove, at.UTC())
	return classify(t.d, err)
}

func (t *tx) MoveClient(ctx context.Context, c *hub.Client) error {
	res, err := t.q.ExecContext(ctx, `UPDATE clients SET version = version + 1, partner_id = $1, modified_at = $2, modified_by = $3
		WHERE id = $4 AND version = $5`, c.PartnerID, c.ModifiedAt.UTC(), c.ModifiedBy, c.ID, c.Version)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t.staleOrMissing(ctx, "clients", c.ID)
	}
	c.Version++
	return nil
}

func (t *tx) MoveChannel(ctx context.Context, ch *hub.Channel) error {
	res, err := t.q.ExecContext(ctx, `UPDATE channels SET version = version + 1, client_id = $1, modified_at = $2
		WHERE id = $3 AND version = $4`, ch.ClientID, ch.ModifiedAt.UTC(), ch.ID, ch.Version)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t.staleOrMissing(ctx, "channels", ch.ID)
	}
	ch.Version++
	return nil
}

// detachClosedChangeRequests sets the id column col (one of the four
// client and partner references of change_requests, named by trusted
// code) to NULL where it is id in closed requests, so that the client or
// partner can be deleted while those requests stay readable through the
// refs they copied. Open requests keep the reference, and the DELETE
// that follows fails on it.
func (t *tx) detachClosedChangeRequests(ctx context.Context, id int64, cols ...string) error {
	for _, col := range cols {
		_, err := t.q.ExecContext(ctx, `UPDATE change_requests SET `+col+` = NULL
			WHERE `+col+` = $1 AND status NOT IN ('created', 'pending')`, id)
		if err != nil {
			return classify(t.d, err)
		}
	}
	return nil
}
