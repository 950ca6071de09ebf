package store

import (
	"database/sql"
	"errors"
	"regexp"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// classify turns driver errors into domain errors: constraint violations
// become Conflict, lock contention Unavailable. A *hub.Error passes through.
func classify(d *dialect, err error) error {
	if err == nil {
		return nil
	}
	var he *hub.Error
	switch {
	case errors.As(err, &he):
		return err
	case d.isUnique(err):
		return &hub.Error{Kind: hub.Conflict, Message: "an object with the same unique value already exists", Err: err}
	case d.isForeignKey(err):
		return &hub.Error{Kind: hub.Conflict, Message: "the object is still referenced, or refers to something that no longer exists", Err: err}
	case d.isRetryable(err):
		return &hub.Error{Kind: hub.Unavailable, Message: "the database is busy; retry", Err: err}
	case errors.Is(err, sql.ErrNoRows):
		return &hub.Error{Kind: hub.NotFound, Message: "not found", Err: err}
	}
	return &hub.Error{Kind: hub.Internal, Message: "database error", Err: err}
}

var passwordInURL = regexp.MustCompile(`(://[^:/@\s]*:)[^@\s]*@`)

// redactedError hides credentials that a driver may echo from a URL.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact removes a password embedded in a connection URL from err's text.
func redact(err error) error {
	if err == nil {
		return nil
	}
	msg := passwordInURL.ReplaceAllString(err.Error(), "${1}xxxxx@")
	msg = regexp.MustCompile(`password=\S+`).ReplaceAllString(msg, "password=xxxxx")
	return &redactedError{msg: msg, err: err}
}
