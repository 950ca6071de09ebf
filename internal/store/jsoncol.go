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

// jsonScan is a sql.Scanner that decodes a JSON column into Dest.
type jsonScan[T any] struct{ Dest *T }

// Scan implements sql.Scanner.
func (j jsonScan[T]) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		return nil
	case string:
		b = []byte(v)
	case []byte:
		b = v
	default:
		return fmt.Errorf("json column: unexpected %T", src)
	}
	return json.Unmarshal(b, j.Dest)
}
