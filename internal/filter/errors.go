package filter

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Error is the error of Parse and Compile: it tells a client what is wrong
// with its filter and where. Messages quote user text only in shortened,
// escaped form, so they are safe to return to the client.
type Error struct {
	// Pos is the byte offset in the filter text of the problem, or -1
	// when the problem is not tied to a position.
	Pos int
	// Field is the field concerned, or "" when none is.
	Field string
	// Msg describes the problem.
	Msg string
}

// Error formats e as "filter: at position 12: unknown operator \"equals\"",
// "filter: field \"foo\": unknown field ..." or, when both are known,
// "filter: at position 0: field \"foo\": unknown field ...".
func (e *Error) Error() string { return "filter: " + e.Reason() }

// Reason is Error without the "filter: " prefix, for callers that name the
// filter themselves (an error about the parameter "filter" would
// otherwise say "filter: filter: ...").
func (e *Error) Reason() string {
	var b strings.Builder
	if e.Pos >= 0 {
		b.WriteString("at position ")
		b.WriteString(strconv.Itoa(e.Pos))
		b.WriteString(": ")
	}
	if e.Field != "" {
		b.WriteString("field ")
		b.WriteString(quote(e.Field))
		b.WriteString(": ")
	}
	b.WriteString(e.Msg)
	return b.String()
}

func errAt(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: fmt.Sprintf(format, args...)}
}

func fieldErr(pos int, field, format string, args ...any) *Error {
	return &Error{Pos: pos, Field: field, Msg: fmt.Sprintf(format, args...)}
}

// maxQuoted bounds how much user text an error message repeats, so a 4 KiB
// value does not come back in full in every error.
const maxQuoted = 40

// quote returns s double-quoted and escaped, shortened to maxQuoted bytes
// (on a rune boundary) with an ellipsis.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return strconv.Quote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}
