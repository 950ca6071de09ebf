package hub

import (
	"fmt"
	"strconv"
	"strings"
)

// MoneyScale is the number of Money units in one currency unit: amounts are
// exact to four decimal places.
const MoneyScale = 10000

// Money is an exact amount in units of 1/10000 of the currency. It is never
// a float, so sums and comparisons are exact on every engine.
type Money int64

// ParseMoney parses a decimal string such as "351.52", "-3", "0.0001" into
// Money. More than four decimal places, exponents, spaces or amounts beyond
// ±1e14 are refused rather than rounded.
func ParseMoney(s string) (Money, error) {
	if s == "" {
		return 0, fmt.Errorf("empty amount")
	}
	neg := false
	body := s
	if body[0] == '-' || body[0] == '+' {
		neg = body[0] == '-'
		body = body[1:]
	}
	whole, frac, hasDot := strings.Cut(body, ".")
	if whole == "" && (!hasDot || frac == "") {
		return 0, fmt.Errorf("%q is not a decimal amount", s)
	}
	if hasDot && frac == "" {
		return 0, fmt.Errorf("%q is not a decimal amount", s)
	}
	if len(frac) > 4 {
		return 0, fmt.Errorf("%q has more than 4 decimal places", s)
	}
	if len(whole) > 14 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return 0, fmt.Errorf("%q is not a decimal amount", s)
			}
		}
	}
	var w, f int64
	if whole != "" {
		w, _ = strconv.ParseInt(whole, 10, 64)
	}
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 4-len(frac)), 10, 64)
	}
	v := w*MoneyScale + f
	if neg {
		v = -v
	}
	return Money(v), nil
}

// String formats m with as few decimals as needed: "500", "351.52", "0.0001".
func (m Money) String() string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	whole, frac := v/MoneyScale, v%MoneyScale
	if frac == 0 {
		return sign + strconv.FormatInt(whole, 10)
	}
	fs := strings.TrimRight(fmt.Sprintf("%04d", frac), "0")
	return sign + strconv.FormatInt(whole, 10) + "." + fs
}
