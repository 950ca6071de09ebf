package store

import (
	"context"
	"database/sql"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// auditFrom joins each row to its owning partner's current path; a row
// whose partner is gone keeps the path it recorded.
const auditFrom = `audit_log a LEFT JOIN partners p ON p.id = a.partner_id`

const auditColumns = `a.id, coalesce(a.at, NULL), a.actor, a.principal_partner_id, a.partner_id, a.partner_path,
	a.action, a.object_type, a.object_id, a.before, a.after`

func scanAudit(row rowScanner) (hub.AuditEntry, error) {
	var e hub.AuditEntry
	err := row.Scan(&e.ID, timeScan{&e.At}, &e.Actor, &e.PrincipalPartnerID, &e.PartnerID, &e.PartnerPath,
		&e.Action, &e.ObjectType, &e.ObjectID, jsonScan[map[string]any]{Dest: &e.Before}, jsonScan[map[string]any]{Dest: &e.After})
	return e, err
}

var auditSchema = whitelist(hub.AuditListFields, map[string]string{
	"id": "a.id", "at": "a.at", "actor": "a.actor", "partner_id": "a.partner_id",
	"action": "a.action", "object_type": "a.object_type", "object_id": "a.object_id",
})

var auditList = listSpec{from: auditFrom, columns: auditColumns, id: "a.id", schema: auditSchema}

func (r reader) ListAudit(ctx context.Context, path string, q hub.ListQuery) (hub.Page[hub.AuditEntry], error) {
	return runList(ctx, r, auditList, `coalesce(p.path, a.partner_path) >= $1 AND coalesce(p.path, a.partner_path) < $2`,
		[]any{path, hub.PathUpperBound(path)}, q, into(scanAudit))
}

// nullJSON encodes an optional field map for a nullable JSON column.
func nullJSON(m map[string]any) (sql.NullString, error) {
	if m == nil {
		return sql.NullString{}, nil
	}
	s, err := jsonText(m, "{}")
	return sql.NullString{String: s, Valid: err == nil}, err
}

func (t *tx) InsertAudit(ctx context.Context, e *hub.AuditEntry) error {
	before, err := nullJSON(e.Before)
	if err != nil {
		return err
	}
	after, err := nullJSON(e.After)
	if err != nil {
		return err
	}
	err = t.q.QueryRowContext(ctx, `INSERT INTO audit_log (at, actor, principal_partner_id, partner_id, partner_path,
		action, object_type, object_id, before, after)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		e.At.UTC(), e.Actor, e.PrincipalPartnerID, e.PartnerID, e.PartnerPath,
		e.Action, e.ObjectType, e.ObjectID, before, after).Scan(&e.ID)
	return classify(t.d, err)
}
