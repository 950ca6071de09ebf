package hub

import (
	"errors"
	"fmt"
)

// Kind classifies an Error. Each API face maps a Kind to its vendor's
// status code and body in exactly one place.
type Kind int

// The kinds of failure the domain reports.
const (
	Internal           Kind = iota // a bug or an unexpected infrastructure failure
	NotFound                       // the object does not exist or is not visible to the caller
	Invalid                        // the request is malformed or breaks a rule
	Conflict                       // the request clashes with the current state (stale version, duplicate)
	PreconditionFailed             // an If-Match style precondition does not hold
	Forbidden                      // the caller is known but lacks the right
	Unauthenticated                // the caller could not be identified
	RateLimited                    // too many attempts; retry later
	Unavailable                    // a dependency is down; retry later
)

var kindNames = [...]string{
	Internal:           "internal",
	NotFound:           "not_found",
	Invalid:            "invalid",
	Conflict:           "conflict",
	PreconditionFailed: "precondition_failed",
	Forbidden:          "forbidden",
	Unauthenticated:    "unauthenticated",
	RateLimited:        "rate_limited",
	Unavailable:        "unavailable",
}

// String returns a stable lower-case name for the kind.
func (k Kind) String() string {
	if int(k) >= 0 && int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", int(k))
}

// FieldError names one offending input field and what is wrong with it.
type FieldError struct {
	Field   string
	Message string
}

// Error is the one error type of the domain. Message is safe to show to the
// caller; Err, when set, is the underlying cause and is only logged.
type Error struct {
	Kind    Kind
	Message string
	Fields  []FieldError
	Err     error
}

// Error returns the caller-facing message (and the cause, for logs).
func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

// Unwrap exposes the cause to errors.Is/As.
func (e *Error) Unwrap() error { return e.Err }

// Errorf builds an *Error of the given kind with a formatted message.
func Errorf(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// InvalidField builds an Invalid error that names one field.
func InvalidField(field, format string, args ...any) *Error {
	msg := fmt.Sprintf(format, args...)
	return &Error{Kind: Invalid, Message: field + ": " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

// ErrorKind reports the Kind of err: the Kind of the first *Error in its
// chain, or Internal when there is none. A nil err has no kind; callers
// must not ask.
func ErrorKind(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// IsKind reports whether err carries the given kind.
func IsKind(err error, k Kind) bool { return err != nil && ErrorKind(err) == k }

// notFound is the single answer for a missing object and for an object the
// caller may not see; the two must be indistinguishable.
func notFound(what string) *Error {
	return Errorf(NotFound, "%s not found", what)
}
