package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// Bulk loading for `partnerhub seed`: multi-row INSERTs in one transaction
// per batch, below the domain (the caller builds valid rows).

// bulkRows bounds the rows of one multi-row INSERT on PostgreSQL, where
// each statement is a network round trip.
const bulkRows = 500

// ReservePartnerIDs reserves n consecutive partner ids and returns the
// first. The caller should be the only writer of the tree while it loads.
func (db *DB) ReservePartnerIDs(ctx context.Context, n int64) (int64, error) {
	var first int64
	err := db.WriteSQL(ctx, func(tx *sql.Tx) error {
		if db.d.lockTree != nil {
			if err := db.d.lockTree(ctx, tx, true); err != nil {
				return err
			}
			var last int64
			if err := tx.QueryRowContext(ctx, `SELECT setval('partners_id_seq', nextval('partners_id_seq') + $1 - 1)`, n).Scan(&last); err != nil {
				return err
			}
			first = last - n + 1
			return nil
		}
		return tx.QueryRowContext(ctx, `UPDATE partner_id_counter SET last = last + $1 RETURNING last - $1 + 1`, n).Scan(&first)
	})
	return first, err
}

// bulkInsert writes rows (each len(cols) values). SQLite runs in-process,
// so one prepared single-row statement executed per row is fastest: a
// multi-row statement's parse cost grows with the square of its $n
// parameters there. PostgreSQL gets multi-row statements.
func (db *DB) bulkInsert(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	if db.d.lockTree == nil {
		stmt, err := tx.PrepareContext(ctx, fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", table, strings.Join(cols, ", "), placeholders(1, len(cols))))
		if err != nil {
			return err
		}
		defer stmt.Close()
		for _, r := range rows {
			if _, err := stmt.ExecContext(ctx, r...); err != nil {
				return err
			}
		}
		return nil
	}
	for start := 0; start < len(rows); start += bulkRows {
		chunk := rows[start:min(start+bulkRows, len(rows))]
		var b strings.Builder
		fmt.Fprintf(&b, "INSERT INTO %s (%s) VALUES ", table, strings.Join(cols, ", "))
		args := make([]any, 0, len(chunk)*len(cols))
		for i, r := range chunk {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("(" + placeholders(len(args)+1, len(cols)) + ")")
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// BulkInsertPartners inserts fully formed partners (ids, paths, depths,
// Suspensions and, under a parent, ParentSID set by the caller) in one
// transaction; a partner under a parent without its ParentSID is refused.
func (db *DB) BulkInsertPartners(ctx context.Context, ps []hub.Partner) error {
	cols := []string{"id", "sid", "ref", "parent_id", "path", "depth", "name", "contact_name", "status", "version",
		"country_code", "city", "payment_type", "daily_spending_limit", "attributes", "created_at", "modified_at", "suspensions", "parent_sid"}
	rows := make([][]any, len(ps))
	for i := range ps {
		p := &ps[i]
		attrs, err := jsonText(p.Attributes, "{}")
		if err != nil {
			return err
		}
		var parent sql.NullInt64
		if p.ParentID != 0 {
			parent = sql.NullInt64{Int64: p.ParentID, Valid: true}
			if p.ParentSID == "" {
				return fmt.Errorf("bulk insert: partner %d has no parent SID", p.ID)
			}
		}
		rows[i] = []any{p.ID, p.SID, p.Ref, parent, p.Path, p.Depth, p.Name, p.ContactName, p.Status, p.Version,
			p.CountryCode, p.City, p.PaymentType, int64(p.DailySpendingLimit), attrs, p.CreatedAt.UTC(), p.ModifiedAt.UTC(), p.Suspensions, p.ParentSID}
	}
	return db.WriteSQL(ctx, func(tx *sql.Tx) error { return db.bulkInsert(ctx, tx, "partners", cols, rows) })
}

// BulkInsertClients inserts clients with their channels in one transaction;
// client ids are assigned by the database and written back into cs, and
// each channel's ClientID is taken as an index into cs.
func (db *DB) BulkInsertClients(ctx context.Context, cs []hub.Client, chans []hub.Channel) error {
	return db.WriteSQL(ctx, func(tx *sql.Tx) error {
		insertClient, err := tx.PrepareContext(ctx, `INSERT INTO clients (ref, partner_id, name, status, version, created_at, modified_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`)
		if err != nil {
			return err
		}
		defer insertClient.Close()
		for i := range cs {
			c := &cs[i]
			err := insertClient.QueryRowContext(ctx, c.Ref, c.PartnerID, c.Name, c.Status, c.Version, c.CreatedAt.UTC(), c.ModifiedAt.UTC()).Scan(&c.ID)
			if err != nil {
				return err
			}
		}
		cols := []string{"ref", "client_id", "status", "phone_number", "version", "created_at", "modified_at"}
		rows := make([][]any, len(chans))
		for i := range chans {
			ch := &chans[i]
			rows[i] = []any{ch.Ref, cs[ch.ClientID].ID, ch.Status, ch.PhoneNumber, ch.Version, ch.CreatedAt.UTC(), ch.ModifiedAt.UTC()}
		}
		return db.bulkInsert(ctx, tx, "channels", cols, rows)
	})
}

// CountRows returns the number of partners, clients and channels.
func (db *DB) CountRows(ctx context.Context) (partners, clients, channels int64, err error) {
	err = db.read.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM partners), (SELECT count(*) FROM clients), (SELECT count(*) FROM channels)`).
		Scan(&partners, &clients, &channels)
	return
}
