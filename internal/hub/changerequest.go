package hub

import "time"

// ChangeRequestRefSuffix ends the public identifier of a change request
// (360dialog's "...PCR").
const ChangeRequestRefSuffix = "PCR"

// Change request statuses. A request is created by the client's side,
// approved (pending) or rejected by the target side; the migration job
// ends a pending request completed or failed. Created and pending requests
// are open: a client has at most one open request.
const (
	ChangeRequestCreated   = "created"
	ChangeRequestPending   = "pending"
	ChangeRequestCompleted = "completed"
	ChangeRequestFailed    = "failed"
	ChangeRequestRejected  = "rejected"
)

// ChangeRequest moves a client from its partner to another one: the whole
// client with all its channels (a full migration), or a new copy of the
// client under the target partner holding only the listed channels (a
// partial migration).
type ChangeRequest struct {
	ID              int64
	Ref             string // base62 + "PCR"
	Status          string
	IsFullMigration bool

	SourceClientID  int64 // the client asked to move
	SourcePartnerID int64 // its partner when the request was created
	TargetPartnerID int64 // the partner it moves to
	// TargetClientID is the client under the target after the migration:
	// the source client itself for a full migration (set at creation),
	// the new copy for a partial one (0 until completed).
	TargetClientID int64

	// The refs of the clients and partners above, filled by the store on
	// reads ("" for a TargetClientID of 0).
	SourceClientRef, TargetClientRef   string
	SourcePartnerRef, TargetPartnerRef string
	// The current paths of the source and target partners, filled by the
	// store on reads, so visibility needs no second query. Derived, so
	// they stay out of audit records.
	SourcePartnerPath string `json:"-"`
	TargetPartnerPath string `json:"-"`

	// RequestedChannels lists the refs of the channels a partial migration
	// moves (empty for a full one); MigratedChannels the refs of the
	// channels the completed migration moved (every channel of the client
	// for a full one).
	RequestedChannels []string
	MigratedChannels  []string

	// FailureReason says why a failed request failed; LastError the error
	// of the latest attempt that will be retried.
	FailureReason string
	LastError     string
	// Attempts counts the migration's attempts so far.
	Attempts int
	Version  int64

	CreatedBy  string
	ModifiedBy string
	CreatedAt  time.Time
	ModifiedAt time.Time
	ApprovedAt *time.Time // when it became pending
	FinishedAt *time.Time // when it became completed, failed or rejected
}

// Open reports whether the request still waits for an approval or a
// migration (created or pending).
func (cr *ChangeRequest) Open() bool {
	return cr.Status == ChangeRequestCreated || cr.Status == ChangeRequestPending
}

// normalize replaces nil lists with empty ones, so a request returned by
// a write equals the request read back later.
func (cr *ChangeRequest) normalize() {
	if cr.RequestedChannels == nil {
		cr.RequestedChannels = []string{}
	}
	if cr.MigratedChannels == nil {
		cr.MigratedChannels = []string{}
	}
}

// NewChangeRequest is what a caller asks for when it creates a change
// request.
type NewChangeRequest struct {
	// ClientID (or, when 0, ClientRef) names the client to move.
	ClientID  int64
	ClientRef string
	// Target names the partner to move it to. A partner outside the
	// caller's subtree may be named by its Ref or SID (the ids partners
	// exchange); a numeric ID, which can be guessed, names only a partner
	// the caller sees.
	Target PartnerKey
	// Channels lists the refs of the channels of a partial migration; nil
	// means a full migration. An empty, non-nil list is Invalid.
	Channels []string
}

// ChangeRequestDirection selects which of a partner's requests a list
// shows.
type ChangeRequestDirection int

// The directions of a change request list.
const (
	// Incoming requests are addressed to the partner (it is the target).
	Incoming ChangeRequestDirection = iota + 1
	// Outgoing requests move a client away from the partner (it is the source).
	Outgoing
	// Both: the partner is the source or the target.
	Both
)

// ChangeRequestScope selects the requests a list shows: those of one
// partner (PartnerID, in Direction) or those of one client (ClientID, as
// the source client or the target client).
//
// ViewerPath and ViewerClientID say who lists (the caller's subtree, or
// the client of a client-level caller): the q field matches the source
// client's name only on the rows where that client is the viewer's own
// or is owned inside the viewer's subtree, the rows on which the caller
// may see the client.
type ChangeRequestScope struct {
	PartnerID int64
	Direction ChangeRequestDirection
	ClientID  int64

	ViewerPath     string
	ViewerClientID int64
}

// ChangeRequestSettings are a partner's settings for incoming change
// requests.
type ChangeRequestSettings struct {
	// AutoApprove approves every incoming request as soon as it is
	// created, in the same transaction.
	AutoApprove bool
}

// ChangeRequestListFields is the list vocabulary of ChangeRequest. The id
// fields are the numeric ids; the ref fields the public ones (a face
// showing refs as ids maps its id names onto them). q is free text: the
// request's ref, its client refs and, where the viewer may see the source
// client (see ChangeRequestScope), that client's name, one string to
// match with ilike; a name the caller cannot see never matches.
var ChangeRequestListFields = ListFields{
	"id":                 intField,
	"ref":                textField,
	"status":             textField,
	"is_full_migration":  boolField,
	"source_client_id":   intField,
	"target_client_id":   intField,
	"source_partner_id":  intField,
	"target_partner_id":  intField,
	"source_client_ref":  textField,
	"target_client_ref":  textField,
	"source_partner_ref": textField,
	"target_partner_ref": textField,
	"attempts":           intField,
	"created_at":         timeField,
	"modified_at":        timeField,
	"q":                  textField,
}

// DefaultChangeRequestOrder is the order of a change request list that
// names none: newest first, the id breaking ties (also newest first).
var DefaultChangeRequestOrder = []OrderTerm{{Field: "created_at", Desc: true}, {Field: "id", Desc: true}}
