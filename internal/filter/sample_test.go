package filter

import (
	"errors"
	"strconv"
	"strings"
)

// parseMoney is a test stand-in for the hub's money conversion: a decimal
// with up to four places, bound as int64 units of 1/10000.
func parseMoney(s string) (any, error) {
	neg := strings.HasPrefix(s, "-")
	whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
	if whole == "" || len(frac) > 4 || strings.ContainsAny(whole+frac, "+-") {
		return nil, errors.New("not an amount with at most 4 decimal places")
	}
	w, err1 := strconv.ParseInt(whole, 10, 64)
	f, err2 := strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64)
	if err1 != nil || err2 != nil || w > 1e14 {
		return nil, errors.New("not an amount with at most 4 decimal places")
	}
	v := w*10000 + f
	if neg {
		v = -v
	}
	return v, nil
}

// testSchema is the sample resource used by the compile, SQLite and fuzz
// tests. Its columns are plain so the fuzz checker can recognise them.
var testSchema = Schema{
	"id":           {Column: "p.id", Type: Int},
	"name":         {Column: "p.company_name", Type: String},
	"country_code": {Column: "p.country_code", Type: String, Nullable: true},
	"active":       {Column: "p.active", Type: Bool},
	"flags":        {Column: "p.flags", Type: Int},
	"created_at":   {Column: "p.created_at", Type: Time},
	"deleted_at":   {Column: "p.deleted_at", Type: Time, Nullable: true},
	"balance":      {Column: "p.balance", Type: Decimal, Convert: parseMoney},
	"attributes":   {Column: "p.attributes", Type: JSON},
	"settings":     {Column: "p.settings", Type: JSON},
}
