package httpapi

import (
	"net/http"
	"strconv"
	"strings"
)

// SetETag sets the strong ETag of an object at version v: "<v>".
func SetETag(w http.ResponseWriter, v int64) {
	w.Header().Set("ETag", `"`+strconv.FormatInt(v, 10)+`"`)
}

// ParseIfMatch reads If-Match as the version the caller expects: 0 when
// the header is absent or "*". Only one strong tag "<version>" (a
// positive integer in canonical form) is understood; a list, a weak tag
// or anything else is a 400 *RequestError naming If-Match.
func ParseIfMatch(r *http.Request) (int64, error) {
	vals := r.Header.Values("If-Match")
	if len(vals) == 0 {
		return 0, nil
	}
	v := strings.TrimSpace(strings.Join(vals, ","))
	if v == "*" {
		return 0, nil
	}
	inner, ok := strings.CutPrefix(v, `"`)
	if ok {
		inner, ok = strings.CutSuffix(inner, `"`)
	}
	n, err := strconv.ParseInt(inner, 10, 64)
	if !ok || err != nil || n <= 0 || strconv.FormatInt(n, 10) != inner {
		return 0, &RequestError{Status: http.StatusBadRequest, Field: "If-Match",
			Message: `must be one strong ETag such as "3" as sent in the ETag header, or *`}
	}
	return n, nil
}
