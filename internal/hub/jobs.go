package hub

// Job is background work that a transaction schedules with
// Writer.EnqueueJob: it runs after the transaction commits, and never if it
// rolls back. Kind names the work (and the worker that does it); the
// value itself is the work's arguments, encoded as JSON. The store keeps
// jobs in the database (River's job table), so a scheduled job survives a
// crash and several processes share the work.
type Job interface {
	Kind() string
}

// The kinds of job the domain schedules.
const (
	KindChangeRequestMigration = "change_request_migration"
	KindWebhookDelivery        = "webhook_delivery"
)

// MigrationJob migrates an approved (pending) change request: see
// Service.MigrateChangeRequest.
type MigrationJob struct {
	ChangeRequestID int64 `json:"change_request_id"`
}

// Kind implements Job.
func (MigrationJob) Kind() string { return KindChangeRequestMigration }

// WebhookJob delivers one webhook delivery: see
// Service.PrepareWebhookDelivery and Service.RecordWebhookAttempt.
type WebhookJob struct {
	DeliveryID int64 `json:"delivery_id"`
}

// Kind implements Job.
func (WebhookJob) Kind() string { return KindWebhookDelivery }

// JobRun describes the attempt of a job that a worker is making, for the
// Service methods that do a job's work: a method that fails on the last
// attempt ends the work for good (a failed request, a failed delivery)
// instead of leaving it to a retry that will not come.
type JobRun struct {
	Attempt     int // 1 for the first attempt
	MaxAttempts int
}

// Last reports whether no retry follows this attempt.
func (r JobRun) Last() bool { return r.Attempt >= r.MaxAttempts }
