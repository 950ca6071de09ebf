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

// passwordInURL matches the user:password@ of a connection URL. The
// password runs to the LAST '@' of the URL token (a run of non-space
// characters), so a password holding a raw '@' (postgres://u:p@ss@h/db)
// is hidden whole. Something after the password that also holds an '@'
// is hidden too: over-redacting is the safe side.
var passwordInURL = regexp.MustCompile(`([A-Za-z][A-Za-z0-9+.\-]*://[^:/@\s]*:)\S*@`)

// passwordKV matches a password=value pair (keyword/value DSN, URL query
// parameter), any case, with optional spaces around '=' as libpq allows.
// The value is a single-quoted string with backslash escapes (libpq's
// syntax; unterminated: to the end of the text), a double-quoted one, or
// else everything up to the next space.
var passwordKV = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)(?:'(?:[^'\\]|\\.)*(?:'|$)|"(?:[^"\\]|\\.)*(?:"|$)|\S*)`)

// redactedError hides credentials that a driver may echo from a URL.
type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }

// redact removes the passwords of connection URLs and password=value
// pairs from err's text.
func redact(err error) error {
	if err == nil {
		return nil
	}
	return &redactedError{msg: redactString(err.Error()), err: err}
}

// redactString is redact on a string.
func redactString(s string) string {
	s = passwordKV.ReplaceAllString(s, "${1}xxxxx")
	return passwordInURL.ReplaceAllString(s, "${1}xxxxx@")
}
