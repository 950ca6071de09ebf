package hub

import (
	"encoding/json"
	"time"
)

// PublicChangeRequest is a change request as partners see it: the
// 360dialog "partner change request" object, with public ids (refs). It
// is the one definition of that JSON: the /api/v2 face encodes it and
// every webhook carries it, so the two never differ.
type PublicChangeRequest struct {
	ID              string `json:"id"`
	Status          string `json:"status"`
	IsFullMigration bool   `json:"is_full_migration"`
	SourceClientID  string `json:"source_client_id"`
	// TargetClientID is null until a partial migration has created the
	// copy; a full migration names the source client from the start.
	TargetClientID  *string `json:"target_client_id"`
	SourcePartnerID string  `json:"source_partner_id"`
	TargetPartnerID string  `json:"target_partner_id"`
	// MigratedChannels lists the channels moved ([] until completed).
	MigratedChannels []string `json:"migrated_channels"`
	// RequestedChannels lists the channels a partial migration asks for
	// ([] for a full one). Ours: the vendor's object does not show them.
	RequestedChannels []string `json:"requested_channels"`
	// FailureReason says why a failed request failed (null otherwise).
	// Ours.
	FailureReason *string   `json:"failure_reason"`
	CreatedAt     time.Time `json:"created_at"`
	ModifiedAt    time.Time `json:"modified_at"`
}

// Public returns the request as partners see it.
func (cr *ChangeRequest) Public() PublicChangeRequest {
	out := PublicChangeRequest{
		ID: cr.Ref, Status: cr.Status, IsFullMigration: cr.IsFullMigration,
		SourceClientID: cr.SourceClientRef, SourcePartnerID: cr.SourcePartnerRef, TargetPartnerID: cr.TargetPartnerRef,
		MigratedChannels: nonNil(cr.MigratedChannels), RequestedChannels: nonNil(cr.RequestedChannels),
		CreatedAt: cr.CreatedAt.UTC(), ModifiedAt: cr.ModifiedAt.UTC(),
	}
	if cr.TargetClientRef != "" {
		ref := cr.TargetClientRef
		out.TargetClientID = &ref
	}
	if cr.Status == ChangeRequestFailed {
		reason := cr.FailureReason
		out.FailureReason = &reason
	}
	return out
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// WebhookEvent is the body of every webhook POST.
type WebhookEvent struct {
	// Event is "partner_change_request." and the request's new status.
	Event         string              `json:"event"`
	ChangeRequest PublicChangeRequest `json:"partner_change_request"`
}

// ChangeRequestEvent names the event of a request reaching status.
func ChangeRequestEvent(status string) string { return "partner_change_request." + status }

// webhookBody encodes the event of cr's current status.
func webhookBody(cr *ChangeRequest) (string, json.RawMessage, error) {
	ev := WebhookEvent{Event: ChangeRequestEvent(cr.Status), ChangeRequest: cr.Public()}
	body, err := json.Marshal(ev)
	if err != nil {
		return "", nil, &Error{Kind: Internal, Message: "cannot encode the webhook event", Err: err}
	}
	return ev.Event, body, nil
}
