package store

import (
	"context"
	"database/sql"

	"github.com/partnerhub/partnerhub/internal/hub"
)

const channelFrom = `channels ch JOIN clients c ON c.id = ch.client_id JOIN partners p ON p.id = c.partner_id`

const channelColumns = `ch.id, ch.ref, ch.client_id, c.partner_id, p.path, ch.status, ch.account_mode, ch.phone_number,
	ch.setup_info, ch.version, coalesce(ch.created_at, NULL), coalesce(ch.modified_at, NULL),
	c.ref, c.name, c.partner_payload, c.contact_info`

func scanChannel(row rowScanner) (hub.Channel, error) {
	var ch hub.Channel
	err := row.Scan(&ch.ID, &ch.Ref, &ch.ClientID, &ch.PartnerID, &ch.PartnerPath, &ch.Status, &ch.AccountMode, &ch.PhoneNumber,
		jsonScan[map[string]any]{Dest: &ch.SetupInfo}, &ch.Version, timeScan{&ch.CreatedAt}, timeScan{&ch.ModifiedAt},
		&ch.ClientRef, &ch.ClientName, &ch.ClientPartnerPayload, jsonScan[map[string]any]{Dest: &ch.ClientContactInfo})
	return ch, err
}

var channelSchema = whitelist(hub.ChannelListFields, map[string]string{
	"id": "ch.id", "ref": "ch.ref", "client_id": "ch.client_id", "client_ref": "c.ref", "status": "ch.status",
	"account_mode": "ch.account_mode", "phone_number": "ch.phone_number",
	"created_at": "ch.created_at", "modified_at": "ch.modified_at", "setup_info": "ch.setup_info",
})

var channelList = listSpec{from: channelFrom, columns: channelColumns, id: "ch.id", schema: channelSchema}

func (r reader) Channel(ctx context.Context, id int64, ref string) (*hub.Channel, error) {
	where, arg := `ch.id = $1`, any(id)
	if id == 0 {
		where, arg = `ch.ref = $1`, ref
	}
	ch, err := scanChannel(r.row(ctx, `SELECT `+channelColumns+` FROM `+channelFrom+` WHERE `+where, arg))
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "channel not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return &ch, nil
}

func (r reader) ListChannels(ctx context.Context, s hub.Scope, q hub.ListQuery) (hub.Page[hub.Channel], error) {
	where, args := scopeWhere(s)
	return runList(ctx, r, channelList, where, args, q, into(scanChannel))
}

func (t *tx) InsertChannel(ctx context.Context, ch *hub.Channel) error {
	setup, err := jsonText(ch.SetupInfo, "{}")
	if err != nil {
		return hub.InvalidField("setup_info", "cannot be encoded: %v", err)
	}
	err = t.q.QueryRowContext(ctx, `INSERT INTO channels (ref, client_id, status, account_mode, phone_number, setup_info, version, created_at, modified_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
		ch.Ref, ch.ClientID, ch.Status, ch.AccountMode, ch.PhoneNumber, setup, ch.Version, ch.CreatedAt.UTC(), ch.ModifiedAt.UTC()).Scan(&ch.ID)
	return classify(t.d, err)
}

func (t *tx) UpdateChannel(ctx context.Context, ch *hub.Channel) error {
	setup, err := jsonText(ch.SetupInfo, "{}")
	if err != nil {
		return hub.InvalidField("setup_info", "cannot be encoded: %v", err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE channels SET version = version + 1,
		status = $1, account_mode = $2, phone_number = $3, setup_info = $4, modified_at = $5
		WHERE id = $6 AND version = $7`,
		ch.Status, ch.AccountMode, ch.PhoneNumber, setup, ch.ModifiedAt.UTC(), ch.ID, ch.Version)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t.staleOrMissing(ctx, "channels", ch.ID)
	}
	ch.Version++
	return nil
}
