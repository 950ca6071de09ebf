package hub

import (
	"context"
	"encoding/json"
	"reflect"
	"strconv"
	"time"
)

// AuditEntry is one row of the audit log: who changed what, and the changed
// fields before and after. Secrets never appear in Before or After.
type AuditEntry struct {
	ID                 int64
	At                 time.Time
	Actor              string // the principal's Actor
	PrincipalPartnerID int64  // the principal's home partner
	PartnerID          int64  // the partner that owns the changed object
	PartnerPath        string // that partner's path when the change happened
	Action             string // "create", "update", "delete", "revoke", ...
	ObjectType         string // "partner", "client", "channel", "user", "api_key", "token"
	ObjectID           string
	Before             map[string]any // nil for a create
	After              map[string]any // nil for a delete
}

// audit writes one audit row for a mutation in tx. before and after are
// the object before and after the change (nil when absent); for an update
// only the fields that differ are kept.
func (s *Service) audit(ctx context.Context, tx Tx, pr Principal, action, objType, objID string, ownerID int64, ownerPath string, before, after any) error {
	b, a, err := auditDiff(before, after)
	if err != nil {
		return err
	}
	return tx.InsertAudit(ctx, &AuditEntry{At: s.now(), Actor: pr.Actor, PrincipalPartnerID: pr.PartnerID,
		PartnerID: ownerID, PartnerPath: ownerPath, Action: action, ObjectType: objType, ObjectID: objID, Before: b, After: a})
}

// auditDiff returns the field maps of before and after, keeping for an
// update (both present) only the fields whose values differ.
func auditDiff(before, after any) (map[string]any, map[string]any, error) {
	b, err := auditFields(before)
	if err != nil {
		return nil, nil, err
	}
	a, err := auditFields(after)
	if err != nil {
		return nil, nil, err
	}
	if b != nil && a != nil {
		for k, v := range b {
			if reflect.DeepEqual(v, a[k]) {
				delete(b, k)
				delete(a, k)
			}
		}
	}
	return b, a, nil
}

// auditFields turns an object into a field map through its JSON form; nil
// (or a nil pointer) stays nil.
func auditFields(v any) (map[string]any, error) {
	if v == nil || (reflect.ValueOf(v).Kind() == reflect.Pointer && reflect.ValueOf(v).IsNil()) {
		return nil, nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, &Error{Kind: Internal, Message: "cannot encode the audit record", Err: err}
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, &Error{Kind: Internal, Message: "cannot encode the audit record", Err: err}
	}
	return m, nil
}

// ListAudit lists the audit rows of objects owned inside the caller's
// subtree, newest first unless q orders otherwise. It needs NeedAuditRead;
// client-level callers see none.
func (s *Service) ListAudit(ctx context.Context, pr Principal, q ListQuery) (Page[AuditEntry], error) {
	if err := pr.require(NeedAuditRead); err != nil {
		return Page[AuditEntry]{}, err
	}
	if len(q.Order) == 0 {
		q.Order = []OrderTerm{{Field: "id", Desc: true}}
	}
	if err := q.Validate(AuditListFields); err != nil {
		return Page[AuditEntry]{}, err
	}
	if pr.ClientID != 0 || pr.PartnerPath == "" {
		return Page[AuditEntry]{Items: []AuditEntry{}}, nil
	}
	return s.store.ListAudit(ctx, pr.PartnerPath, q)
}

// idString formats an object id for the audit log.
func idString(id int64) string { return strconv.FormatInt(id, 10) }
