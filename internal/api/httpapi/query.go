package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Query decodes r's query string. Unlike r.URL.Query, which silently drops
// what it cannot decode (a bad percent escape such as %zz, a raw ';'),
// a parameter that cannot be decoded is a 400 *RequestError naming it (or
// naming the query when even its name is undecodable): a filter that
// would have been dropped must not be read as "no filter". NewMux checks
// every request's query (CheckQuery) before its handler runs, so handlers
// may use r.URL.Query() afterwards.
func Query(r *http.Request) (url.Values, error) {
	q := url.Values{}
	raw := r.URL.RawQuery
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if pair == "" {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, keyErr := url.QueryUnescape(rawKey)
		if keyErr != nil || strings.Contains(rawKey, ";") {
			return nil, queryProblem("", rawKey, keyErr)
		}
		value, err := url.QueryUnescape(rawValue)
		if err != nil || strings.Contains(rawValue, ";") {
			return nil, queryProblem(key, rawValue, err)
		}
		q[key] = append(q[key], value)
	}
	return q, nil
}

// CheckQuery reports the first parameter of r's query string that cannot
// be decoded, as Query would, without decoding anything (no allocation
// for a well-formed query).
func CheckQuery(r *http.Request) error {
	raw := r.URL.RawQuery
	for raw != "" {
		var pair string
		pair, raw, _ = strings.Cut(raw, "&")
		if strings.IndexByte(pair, ';') < 0 && validEscapes(pair) {
			continue
		}
		rawKey, rawValue, _ := strings.Cut(pair, "=")
		key, err := url.QueryUnescape(rawKey)
		if err != nil || strings.Contains(rawKey, ";") {
			return queryProblem("", rawKey, err)
		}
		_, err = url.QueryUnescape(rawValue)
		return queryProblem(key, rawValue, err)
	}
	return nil
}

// validEscapes reports whether every '%' in s starts a two-digit hex
// escape: the one thing url.QueryUnescape refuses.
func validEscapes(s string) bool {
	for i := strings.IndexByte(s, '%'); i >= 0; {
		if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
			return false
		}
		next := strings.IndexByte(s[i+3:], '%')
		if next < 0 {
			return true
		}
		i += 3 + next
	}
	return true
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// queryProblem is the 400 of a query parameter (name, "" when the name
// itself is the problem) whose raw text cannot be decoded.
func queryProblem(name, raw string, cause error) *RequestError {
	msg := "cannot be decoded: "
	switch {
	case strings.Contains(raw, ";"):
		msg += "a ';' must be sent percent-encoded (%3B); parameters are separated by '&'"
	default:
		msg += "a '%' must start a percent-encoded byte such as %25 (" + shorten(strconv.Quote(raw)) + ")"
	}
	if name == "" {
		return &RequestError{Status: http.StatusBadRequest, Message: "the query string " + msg, Err: cause}
	}
	return &RequestError{Status: http.StatusBadRequest, Field: name, Message: msg, Err: cause}
}

// Param returns the last value of a query parameter, trimmed of spaces,
// and whether it was sent at all.
func Param(q url.Values, name string) (string, bool) {
	vs, ok := q[name]
	if !ok || len(vs) == 0 {
		return "", false
	}
	return strings.TrimSpace(vs[len(vs)-1]), true
}

// IntParam reads an integer query parameter: (0, false, nil) when it is
// absent; a value that is not a whole number is a 400 *RequestError naming
// it. Whether the number is in range is the hub's rule (ListQuery).
func IntParam(q url.Values, name string) (int, bool, error) {
	v, ok := Param(q, name)
	if !ok {
		return 0, false, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, true, &RequestError{Status: http.StatusBadRequest, Field: name, Message: "must be a whole number", Err: err}
	}
	return n, true, nil
}
