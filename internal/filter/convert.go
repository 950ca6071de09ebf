package filter

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// timeLayouts are the accepted time literals, tried in order. RFC 3339
// parsing in Go accepts fractional seconds even when the layout has none.
// Literals without a zone are UTC.
var timeLayouts = []string{time.RFC3339, "2006-01-02 15:04:05", "2006-01-02"}

// convert returns the bound value for literal text of field f: f.Convert
// when set, else the default conversion for f.Type. The error is the
// client-facing reason, without the value (the caller adds it).
func convert(f Field, text string) (any, error) {
	if f.Convert != nil {
		return f.Convert(text)
	}
	switch f.Type {
	case String, JSON:
		return text, nil
	case Int:
		n, err := strconv.ParseInt(text, 10, 64)
		if err != nil {
			var ne *strconv.NumError
			if errors.As(err, &ne) && errors.Is(ne.Err, strconv.ErrRange) {
				return nil, errors.New("integer out of range")
			}
			return nil, errors.New("not an integer")
		}
		return n, nil
	case Bool:
		switch strings.ToLower(text) {
		case "true", "1":
			return true, nil
		case "false", "0":
			return false, nil
		}
		return nil, errors.New("not a boolean (true, false, 1 or 0)")
	case Time:
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, text); err == nil {
				return t.UTC(), nil
			}
		}
		return nil, errors.New("not a time (RFC 3339, 2006-01-02 or 2006-01-02 15:04:05)")
	case Decimal:
		// A schema bug, not a client one; still an error, never a guess.
		return nil, errors.New("decimal field has no converter")
	}
	return nil, fmt.Errorf("field has invalid type %v", f.Type)
}
