package hub

import "reflect"

// partnerChangeRules applies the rules every face shares when a partner
// changes from cur to next:
//   - a changed e-mail address is unverified again (faces show it as null
//     until it is verified), and a verified flag cannot be set by an edit;
//   - parent_assigned_acls are set by an ancestor only, never by the
//     partner itself (the field is its parent's say over it);
//   - a caller cannot make its own home partner's status block
//     authentication (suspend or deactivate it): that would lock the
//     caller out; an ancestor does it.
//   - webhook_url is set only through SetPartnerWebhook or UpdatePartnerWebhook.
func partnerChangeRules(pr Principal, cur, next *Partner) error {
	if pr.PartnerID == cur.ID && StatusBlocks(next.Status) && !StatusBlocks(cur.Status) {
		return InvalidField("status", "a partner cannot deactivate or suspend its own home partner; an ancestor partner does")
	}
	for _, e := range []struct {
		old, new                 string
		oldVerified, newVerified *bool
	}{
		{cur.OwnerEmail, next.OwnerEmail, &cur.OwnerEmailVerified, &next.OwnerEmailVerified},
		{cur.BillingEmail, next.BillingEmail, &cur.BillingEmailVerified, &next.BillingEmailVerified},
		{cur.TechEmail, next.TechEmail, &cur.TechEmailVerified, &next.TechEmailVerified},
	} {
		*e.newVerified = *e.oldVerified && e.old == e.new
	}
	if pr.PartnerID == cur.ID && !reflect.DeepEqual(cur.ParentAssignedACLs, next.ParentAssignedACLs) {
		return InvalidField("parent_assigned_acls", "can only be set by an ancestor partner, not by the partner itself")
	}
	if next.WebhookURL != cur.WebhookURL {
		return errWebhookURLElsewhere()
	}
	return nil
}
