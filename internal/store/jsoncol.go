package store

import (
	"encoding/json"
	"fmt"
)

// jsonText encodes v for a JSON column (TEXT on SQLite, JSONB on
// PostgreSQL); nil maps and slices become {} and [] so reads never see null.
func jsonText[T any](v T, empty string) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	if string(b) == "null" {
		return empty, nil
	}
	return string(b), nil
}

// jsonScan is a sql.Scanner that decodes a JSON column into Dest; a NULL
// decodes as the JSON text Null ("{}" or "[]": a column read as
// nullif(column, empty)), or leaves Dest alone when Null is "".
type jsonScan[T any] struct {
	Dest *T
	Null string
}

// Scan implements sql.Scanner.
func (j jsonScan[T]) Scan(src any) error {
	var text string
	switch v := src.(type) {
	case nil:
		if j.Null == "" {
			return nil
		}
		text = j.Null
	case string:
		text = v
	case []byte:
		text = string(v) // the driver may reuse v
	default:
		return fmt.Errorf("json column: unexpected %T", src)
	}
	if setSimple(j.Dest, text) {
		return nil
	}
	return json.Unmarshal([]byte(text), j.Dest)
}

// setSimple decodes the common shapes of JSON columns without
// encoding/json: "{}" and "[]" for any map or slice destination, and a
// flat array of strings or object of string values whose strings are
// printable ASCII without escapes (scopes, attributes, callbacks). It
// stores what json.Unmarshal into the zero dest would and reports true, or
// reports false, leaving dest alone, for anything else.
func setSimple[T any](dest *T, text string) bool {
	switch d := any(dest).(type) {
	case *map[string]string:
		m, ok := simpleStringObject(text)
		if ok {
			*d = m
		}
		return ok
	case *[]string:
		l, ok := simpleStringArray(text)
		if ok {
			*d = l
		}
		return ok
	case *map[string]any:
		if text == "{}" {
			*d = map[string]any{}
			return true
		}
	case *[]map[string]any:
		if text == "[]" {
			*d = []map[string]any{}
			return true
		}
	}
	return false
}

// simpleStringArray parses `["a", "b"]` (any JSON whitespace) whose strings
// are simple (see simpleString).
func simpleStringArray(s string) ([]string, bool) {
	i := skipSpace(s, 0)
	if i == len(s) || s[i] != '[' {
		return nil, false
	}
	out := []string{}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == ']' {
		return out, skipSpace(s, i+1) == len(s)
	}
	for {
		v, next, ok := simpleString(s, i)
		if !ok {
			return nil, false
		}
		out = append(out, v)
		i = skipSpace(s, next)
		if i == len(s) {
			return nil, false
		}
		if s[i] == ']' {
			return out, skipSpace(s, i+1) == len(s)
		}
		if s[i] != ',' {
			return nil, false
		}
		i = skipSpace(s, i+1)
	}
}

// simpleStringObject parses `{"k": "v", ...}` (any JSON whitespace) whose
// keys and values are simple (see simpleString); a repeated key keeps its
// last value, as in encoding/json.
func simpleStringObject(s string) (map[string]string, bool) {
	i := skipSpace(s, 0)
	if i == len(s) || s[i] != '{' {
		return nil, false
	}
	out := map[string]string{}
	i = skipSpace(s, i+1)
	if i < len(s) && s[i] == '}' {
		return out, skipSpace(s, i+1) == len(s)
	}
	for {
		k, next, ok := simpleString(s, i)
		if !ok {
			return nil, false
		}
		i = skipSpace(s, next)
		if i == len(s) || s[i] != ':' {
			return nil, false
		}
		v, next, ok := simpleString(s, skipSpace(s, i+1))
		if !ok {
			return nil, false
		}
		out[k] = v
		i = skipSpace(s, next)
		if i == len(s) {
			return nil, false
		}
		if s[i] == '}' {
			return out, skipSpace(s, i+1) == len(s)
		}
		if s[i] != ',' {
			return nil, false
		}
		i = skipSpace(s, i+1)
	}
}

// simpleString reads the JSON string at s[i:] if it holds only printable
// ASCII and no escape, so its value is its text; next is the index past it.
func simpleString(s string, i int) (v string, next int, ok bool) {
	if i >= len(s) || s[i] != '"' {
		return "", 0, false
	}
	for j := i + 1; j < len(s); j++ {
		switch c := s[j]; {
		case c == '"':
			return s[i+1 : j], j + 1, true
		case c < 0x20 || c > 0x7e || c == '\\':
			return "", 0, false
		}
	}
	return "", 0, false
}

// skipSpace skips JSON whitespace from s[i].
func skipSpace(s string, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

// textScan is a sql.Scanner for a NOT NULL text column read as NULL when
// it holds the empty string (nullif): NULL is the empty string.
type textScan struct{ Dest *string }

// Scan implements sql.Scanner.
func (s textScan) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*s.Dest = ""
	case string:
		*s.Dest = v
	case []byte:
		*s.Dest = string(v)
	default:
		return fmt.Errorf("text column: unexpected %T", src)
	}
	return nil
}
