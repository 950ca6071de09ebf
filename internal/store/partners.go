package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// partnerColumns lists every partner column in scan order. A column
// whose value is mostly its empty default (the empty string for text, {}
// or [] for JSON) is read as NULL when empty (nullif) and scanned back to
// that empty value: a NULL costs the SQLite driver one call into the
// engine rather than three, and no conversion in either driver. A 100-row
// page holds some 2,000 such values.
const partnerColumns = `id, sid, ref, coalesce(parent_id, 0), path, depth, name, contact_name, status,
	version, nullif(login, ''), nullif(reference, ''), nullif(billing_id, ''), nullif(verification_phrase, ''), contact_user_id,
	nullif(address1, ''), nullif(address2, ''), nullif(city, ''), nullif(state, ''), nullif(zip, ''), country_code, nullif(phonenumber, ''),
	nullif(owner_email, ''), owner_email_verified, nullif(billing_email, ''), billing_email_verified, nullif(tech_email, ''), tech_email_verified,
	payment_type, balance, charge_at, prepay_amount, daily_spending_limit, daily_spent_amount, spending_limit,
	nullif(logo_url, ''), nullif(webhook_url, ''), nullif(redirect_url, ''), allow_client_add_phone,
	nullif(attributes, '{}'), nullif(callbacks, '{}'), nullif(settings, '{}'),
	nullif(acls, '[]'), nullif(parent_assigned_acls, '[]'), nullif(transformations, '[]'), coalesce(created_at, NULL), coalesce(modified_at, NULL),
	coalesce(nullif(parent_sid, ''), (SELECT q.sid FROM partners q WHERE q.id = partners.parent_id), ''), suspensions`

// partnerBesideSQL builds, per kind of partner key (partnerWhere), the
// statement that reads a partner (partnerColumns, keyed by $1) beside the
// row of from that cond ($2) selects (columns), in one row: none when
// either is missing. A credential check reads ahead with it (see
// hub.WithPartnerReadAhead).
func partnerBesideSQL(columns, from, cond string) map[string]string {
	m := map[string]string{}
	for _, where := range []string{"id = $1", "sid = $1", "ref = $1"} {
		m[where] = `SELECT x.*, ` + columns + ` FROM (SELECT ` + partnerColumns + ` FROM partners WHERE ` + where +
			`) AS x CROSS JOIN ` + from + ` WHERE ` + cond
	}
	return m
}

// partnerBeside reads, in one read, the partner key names beside the row
// of stmts (built by partnerBesideSQL) that arg selects, scanning that
// row's columns into other: NotFound when either is missing (what names
// the other row in the message).
func (r reader) partnerBeside(ctx context.Context, stmts map[string]string, key hub.PartnerKey, arg any, other []any, what string) (*hub.Partner, error) {
	where, keyArg, ok := partnerWhere(key)
	if !ok {
		return nil, hub.Errorf(hub.NotFound, "partner not found")
	}
	p := new(hub.Partner)
	var d partnerDest
	err := r.scanRow(ctx, stmts[where], []any{keyArg, arg}, append(d.dests(p), other...))
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "partner or %s not found", what)
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	d.finish(p)
	return p, nil
}

type rowScanner interface{ Scan(dest ...any) error }

// partnerDest is the scratch space of one partner scan, allocated once.
type partnerDest struct {
	chargeAt, prepay sql.NullInt64
	dest             [49]any
}

// scanPartner scans one row of partnerColumns into p.
func scanPartner(row rowScanner, p *hub.Partner) error {
	var d partnerDest
	if err := row.Scan(d.dests(p)...); err != nil {
		return err
	}
	d.finish(p)
	return nil
}

// dests lists the scan destinations of partnerColumns for p; finish
// completes p once they are scanned.
func (d *partnerDest) dests(p *hub.Partner) []any {
	d.dest = [...]any{&p.ID, &p.SID, &p.Ref, &p.ParentID, &p.Path, &p.Depth, &p.Name, &p.ContactName, &p.Status,
		&p.Version, textScan{&p.Login}, textScan{&p.Reference}, textScan{&p.BillingID}, textScan{&p.VerifyPhrase}, &p.ContactUserID,
		textScan{&p.Address1}, textScan{&p.Address2}, textScan{&p.City}, textScan{&p.State}, textScan{&p.Zip}, &p.CountryCode, textScan{&p.Phonenumber},
		textScan{&p.OwnerEmail}, &p.OwnerEmailVerified, textScan{&p.BillingEmail}, &p.BillingEmailVerified, textScan{&p.TechEmail}, &p.TechEmailVerified,
		&p.PaymentType, &p.Balance, &d.chargeAt, &d.prepay, &p.DailySpendingLimit, &p.DailySpentAmount, &p.SpendingLimit,
		textScan{&p.LogoURL}, textScan{&p.WebhookURL}, textScan{&p.RedirectURL}, &p.AllowClientAddPhone,
		jsonScan[map[string]string]{&p.Attributes, "{}"}, jsonScan[map[string]string]{&p.Callbacks, "{}"}, jsonScan[map[string]any]{&p.Settings, "{}"},
		jsonScan[[]map[string]any]{&p.ACLs, "[]"}, jsonScan[[]map[string]any]{&p.ParentAssignedACLs, "[]"}, jsonScan[[]map[string]any]{&p.Transformations, "[]"},
		timeScan{&p.CreatedAt}, timeScan{&p.ModifiedAt}, &p.ParentSID, &p.Suspensions}
	return d.dest[:]
}

func (d *partnerDest) finish(p *hub.Partner) {
	p.ChargeAt, p.PrepayAmount = moneyPtr(d.chargeAt), moneyPtr(d.prepay)
}

func moneyPtr(v sql.NullInt64) *hub.Money {
	if !v.Valid {
		return nil
	}
	m := hub.Money(v.Int64)
	return &m
}

func nullMoney(m *hub.Money) sql.NullInt64 {
	if m == nil {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: int64(*m), Valid: true}
}

// partnerMutable returns the values of the columns an update writes, in
// the order of partnerMutableColumns.
const partnerMutableColumns = `name, contact_name, status, login, reference, billing_id, verification_phrase, contact_user_id,
	address1, address2, city, state, zip, country_code, phonenumber,
	owner_email, owner_email_verified, billing_email, billing_email_verified, tech_email, tech_email_verified,
	payment_type, balance, charge_at, prepay_amount, daily_spending_limit, daily_spent_amount, spending_limit,
	logo_url, webhook_url, redirect_url, allow_client_add_phone,
	attributes, callbacks, settings, acls, parent_assigned_acls, transformations, modified_at`

func partnerMutable(p *hub.Partner) ([]any, error) {
	var js [6]string
	var err error
	enc := func(i int, v any, empty string) {
		if err == nil {
			js[i], err = jsonText(v, empty)
		}
	}
	enc(0, p.Attributes, "{}")
	enc(1, p.Callbacks, "{}")
	enc(2, p.Settings, "{}")
	enc(3, p.ACLs, "[]")
	enc(4, p.ParentAssignedACLs, "[]")
	enc(5, p.Transformations, "[]")
	if err != nil {
		return nil, hub.Errorf(hub.Invalid, "a JSON field cannot be encoded: %v", err)
	}
	return []any{p.Name, p.ContactName, p.Status, p.Login, p.Reference, p.BillingID, p.VerifyPhrase, p.ContactUserID,
		p.Address1, p.Address2, p.City, p.State, p.Zip, p.CountryCode, p.Phonenumber,
		p.OwnerEmail, p.OwnerEmailVerified, p.BillingEmail, p.BillingEmailVerified, p.TechEmail, p.TechEmailVerified,
		p.PaymentType, int64(p.Balance), nullMoney(p.ChargeAt), nullMoney(p.PrepayAmount), int64(p.DailySpendingLimit), int64(p.DailySpentAmount), int64(p.SpendingLimit),
		p.LogoURL, p.WebhookURL, p.RedirectURL, p.AllowClientAddPhone,
		js[0], js[1], js[2], js[3], js[4], js[5], p.ModifiedAt.UTC()}, nil
}

// placeholders returns "$from, $from+1, ..., $from+n-1".
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

var (
	// insertPartnerSQL derives suspensions from the parent's ($4) and the
	// new partner's own blocking status ($9: 0 or 1).
	insertPartnerSQL = func() string {
		n := strings.Count(partnerMutableColumns, ",") + 1
		return `INSERT INTO partners (id, sid, ref, parent_id, path, depth, version, created_at, suspensions, parent_sid, ` + partnerMutableColumns +
			`) VALUES (` + placeholders(1, 8) + `, coalesce((SELECT q.suspensions FROM partners q WHERE q.id = $4), 0) + $9, ` +
			`coalesce((SELECT q.sid FROM partners q WHERE q.id = $4), ''), ` + placeholders(10, n) + `)`
	}()
	updatePartnerSQL = func() string {
		cols := strings.Split(partnerMutableColumns, ",")
		var b strings.Builder
		b.WriteString(`UPDATE partners SET version = version + 1`)
		for i, c := range cols {
			fmt.Fprintf(&b, ", %s = $%d", strings.TrimSpace(c), i+1)
		}
		fmt.Fprintf(&b, ` WHERE id = $%d AND version = $%d`, len(cols)+1, len(cols)+2)
		return b.String()
	}()
)

func (r reader) Partner(ctx context.Context, key hub.PartnerKey) (*hub.Partner, error) {
	where, arg, ok := partnerWhere(key)
	if !ok {
		return nil, hub.Errorf(hub.NotFound, "partner not found")
	}
	p := new(hub.Partner)
	var d partnerDest
	err := r.scanRow(ctx, `SELECT `+partnerColumns+` FROM partners WHERE `+where, []any{arg}, d.dests(p))
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "partner not found")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	d.finish(p)
	return p, nil
}

// partnerWhere is the condition on partners, with its argument as $1,
// that selects the partner key names (by ID, else SID, else Ref); ok is
// false for the zero key.
func partnerWhere(key hub.PartnerKey) (where string, arg any, ok bool) {
	switch {
	case key.ID != 0:
		return `id = $1`, key.ID, true
	case key.SID != "":
		return `sid = $1`, key.SID, true
	case key.Ref != "":
		return `ref = $1`, key.Ref, true
	}
	return "", nil, false
}

func (r reader) RootPartner(ctx context.Context) (*hub.Partner, error) {
	p := new(hub.Partner)
	err := scanPartner(r.q.QueryRowContext(ctx, `SELECT `+partnerColumns+` FROM partners WHERE parent_id IS NULL`), p)
	if err == sql.ErrNoRows {
		return nil, hub.Errorf(hub.NotFound, "there is no root partner yet")
	}
	if err != nil {
		return nil, classify(r.d, err)
	}
	return p, nil
}

func (r reader) InSubtree(ctx context.Context, id int64, ancestorPath string) (bool, error) {
	var one int
	err := r.q.QueryRowContext(ctx, `SELECT 1 FROM partners WHERE id = $1 AND path >= $2 AND path < $3`,
		id, ancestorPath, hub.PathUpperBound(ancestorPath)).Scan(&one)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, classify(r.d, err)
}

func (r reader) SubtreeHeight(ctx context.Context, path string) (int, error) {
	var h sql.NullInt64
	err := r.q.QueryRowContext(ctx, `SELECT max(depth) FROM partners WHERE path >= $1 AND path < $2`,
		path, hub.PathUpperBound(path)).Scan(&h)
	return int(h.Int64), classify(r.d, err)
}

func (r reader) CountChildren(ctx context.Context, id int64) (int64, int64, error) {
	var partners, clients int64
	err := r.q.QueryRowContext(ctx, `SELECT (SELECT count(*) FROM partners WHERE parent_id = $1), (SELECT count(*) FROM clients WHERE partner_id = $1)`, id).Scan(&partners, &clients)
	return partners, clients, classify(r.d, err)
}

func (t *tx) LockTree(ctx context.Context, exclusive bool) error {
	if t.d.lockTree == nil {
		return nil
	}
	return classify(t.d, t.d.lockTree(ctx, t.q, exclusive))
}

func (t *tx) NextPartnerID(ctx context.Context) (int64, error) {
	var id int64
	err := t.q.QueryRowContext(ctx, t.d.nextPartnerID).Scan(&id)
	return id, classify(t.d, err)
}

func (t *tx) InsertPartner(ctx context.Context, p *hub.Partner) error {
	vals, err := partnerMutable(p)
	if err != nil {
		return err
	}
	var parent sql.NullInt64
	if p.ParentID != 0 {
		parent = sql.NullInt64{Int64: p.ParentID, Valid: true}
	}
	args := append([]any{p.ID, p.SID, p.Ref, parent, p.Path, p.Depth, p.Version, p.CreatedAt.UTC(), blocks(p.Status)}, vals...)
	_, err = t.q.ExecContext(ctx, insertPartnerSQL, args...)
	return classify(t.d, err)
}

func (t *tx) UpdatePartner(ctx context.Context, p *hub.Partner) error {
	vals, err := partnerMutable(p)
	if err != nil {
		return err
	}
	// The stored status and path at the expected version: a status that
	// starts or stops blocking shifts the whole subtree's suspensions.
	var oldStatus, path string
	err = t.q.QueryRowContext(ctx, `SELECT status, path FROM partners WHERE id = $1 AND version = $2`, p.ID, p.Version).Scan(&oldStatus, &path)
	if err == sql.ErrNoRows {
		return t.staleOrMissing(ctx, "partners", p.ID)
	}
	if err != nil {
		return classify(t.d, err)
	}
	res, err := t.q.ExecContext(ctx, updatePartnerSQL, append(vals, p.ID, p.Version)...)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t.staleOrMissing(ctx, "partners", p.ID)
	}
	if delta := blocks(p.Status) - blocks(oldStatus); delta != 0 {
		_, err := t.q.ExecContext(ctx, `UPDATE partners SET suspensions = suspensions + $1 WHERE path >= $2 AND path < $3`,
			delta, path, hub.PathUpperBound(path))
		if err != nil {
			return classify(t.d, err)
		}
	}
	p.Version++
	return nil
}

// blocks is 1 for a status that blocks authentication below it
// (hub.StatusBlocks), else 0: a partner's own share of suspensions.
func blocks(status string) int {
	if hub.StatusBlocks(status) {
		return 1
	}
	return 0
}

// staleOrMissing explains why an UPDATE ... WHERE version = $n matched no
// row. table is one of our own constant table names.
func (t *tx) staleOrMissing(ctx context.Context, table string, id int64) error {
	var one int
	err := t.q.QueryRowContext(ctx, `SELECT 1 FROM `+table+` WHERE id = $1`, id).Scan(&one)
	if err == sql.ErrNoRows {
		return hub.Errorf(hub.NotFound, "not found")
	}
	if err != nil {
		return classify(t.d, err)
	}
	return &hub.Error{Kind: hub.Conflict, Message: "the object was changed concurrently; reload and retry", Err: hub.ErrStale}
}

func (t *tx) MoveSubtree(ctx context.Context, node, newParent *hub.Partner) (int64, error) {
	newPath := hub.ChildPath(newParent.Path, node.ID)
	delta := newParent.Depth + 1 - node.Depth
	// Two statements: the subtree's paths, depths and suspension counts in
	// one range UPDATE, then the moved partner's parent_id alone. Naming
	// parent_id in the range UPDATE (even as "CASE WHEN id = node THEN new
	// ELSE parent_id END") made SQLite rewrite the parent_id index entry,
	// check the foreign key and test the partial root index for every
	// row of the subtree: about three quarters of a 100,000-partner move
	// (BenchmarkMoveSQLite). The range UPDATE touches only the path index.
	//
	// The subtree trades the old parent's suspensions for the new one's.
	// Both parents lie outside the moved range (no cycles), so the two
	// subqueries read rows this statement does not change.
	res, err := t.q.ExecContext(ctx, `UPDATE partners SET
		path = CAST($1 AS TEXT) || substr(path, $2),
		depth = depth + $3,
		suspensions = suspensions + (SELECT n.suspensions FROM partners n WHERE n.id = $4)
			- (SELECT o.suspensions FROM partners o WHERE o.id = $7)
		WHERE path >= $5 AND path < $6`,
		newPath, len(node.Path)+1, delta, newParent.ID, node.Path, hub.PathUpperBound(node.Path), node.ParentID)
	if err != nil {
		return 0, classify(t.d, err)
	}
	moved, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	// Migration 00020's trigger rewrites the row's parent_sid.
	if _, err := t.q.ExecContext(ctx, `UPDATE partners SET parent_id = $1 WHERE id = $2`, newParent.ID, node.ID); err != nil {
		return 0, classify(t.d, err)
	}
	return moved, nil
}

func (t *tx) SetPartnerContact(ctx context.Context, id, userID int64) error {
	res, err := t.q.ExecContext(ctx, `UPDATE partners SET contact_user_id = $1 WHERE id = $2`, userID, id)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return hub.Errorf(hub.NotFound, "partner not found")
	}
	return nil
}

func (t *tx) DeletePartner(ctx context.Context, id int64) error {
	if err := t.detachClosedChangeRequests(ctx, id, "source_partner_id", "target_partner_id"); err != nil {
		return err
	}
	res, err := t.q.ExecContext(ctx, `DELETE FROM partners WHERE id = $1`, id)
	if err != nil {
		return classify(t.d, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return hub.Errorf(hub.NotFound, "partner not found")
	}
	return nil
}

// partnerSchema is the filter and order whitelist of partners: the
// domain's names (hub.PartnerListFields) and their columns.
var partnerSchema = whitelist(hub.PartnerListFields, map[string]string{
	"id": "id", "sid": "sid", "ref": "ref", "parent_id": "parent_id", "depth": "depth",
	"name": "name", "contact_name": "contact_name", "status": "status", "version": "version",
	"login": "login", "reference": "reference", "billing_id": "billing_id",
	"address1": "address1", "address2": "address2", "city": "city", "state": "state", "zip": "zip",
	"country_code": "country_code", "phonenumber": "phonenumber", "payment_type": "payment_type",
	"balance": "balance", "daily_spending_limit": "daily_spending_limit",
	"daily_spent_amount": "daily_spent_amount", "spending_limit": "spending_limit",
	"charge_at": "charge_at", "prepay_amount": "prepay_amount",
	"created_at": "created_at", "modified_at": "modified_at",
	"attributes": "attributes", "callbacks": "callbacks",
})

var partnerList = listSpec{from: "partners", columns: partnerColumns, id: "id", schema: partnerSchema, lateRows: true, customPlans: true,
	// Migration 00018: partners_country_path counts a subtree's partners
	// of one country; partners_country_contact yields them by contact
	// name (CarrierX's "name"), the id breaking ties.
	eqIndexed: map[string][]string{"country_code": {"contact_name"}},
	// Migration 00019: the whole tree's partners per country, for the
	// root's list filtered by one country.
	eqCounted: map[string]string{"country_code": "partner_country_counts"}}

func (r reader) ListPartners(ctx context.Context, path string, q hub.ListQuery) (hub.Page[hub.Partner], error) {
	scope := `path >= $1 AND path < $2`
	// A depth-0 path is the root's (one root: partners_one_root), and
	// every partner's path starts with it: the root's subtree is the
	// whole table.
	sc := listScope{where: scope, rows: scope, whole: hub.PathDepth(path) == 0}
	if r.d.unindexed != nil {
		sc.walk = r.d.unindexed("path") + ` >= $1 AND ` + r.d.unindexed("path") + ` < $2`
		if hub.PathDepth(path) == 0 {
			// A depth-0 path is the root's, whose subtree is the whole
			// table: reading its rows through the path index costs a
			// table lookup per row and a sort for the order, so let the
			// planner walk the table in id order (or use a filter's
			// index) instead; the result is the same. Counting the scope
			// alone still uses the path index, which covers that count.
			sc.rows = sc.walk
		}
	}
	return runListScoped(ctx, r, partnerList, sc, []any{path, hub.PathUpperBound(path)}, q, scanPartner)
}
