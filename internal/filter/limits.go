package filter

// Limits on one filter. They keep parsing, compilation and the resulting
// query cheap whatever a client sends; Parse reports the first excess as an
// *Error pointing at the offending byte or token.
const (
	// MaxLength is the longest filter text accepted, in bytes.
	MaxLength = 4096
	// MaxDepth is the deepest nesting of parentheses and `not` accepted.
	// The list parentheses of in/notin do not count.
	MaxDepth = 32
	// MaxListItems is the most values one in/notin list may hold.
	MaxListItems = 100
	// MaxConditions is the most conditions one filter may hold.
	MaxConditions = 64
)
