package store

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// Time columns are selected as `coalesce(col, NULL)`: the same value and
// type on both engines, but SQLite reports no declared type for an
// expression, so modernc.org/sqlite hands over the stored text instead of
// parsing it by the column's declared TIMESTAMP type (two time.Parse calls
// per value, one of them failing). timeScan parses that text with
// parseSQLiteTime, which gives exactly what the driver would have given;
// PostgreSQL still delivers a time.Time.

// timeScan is a sql.Scanner for a NOT NULL time column; the time is UTC.
type timeScan struct{ Dest *time.Time }

// Scan implements sql.Scanner.
func (s timeScan) Scan(src any) error {
	t, ok, err := scanTime(src)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("converting NULL to time.Time is unsupported")
	}
	*s.Dest = t
	return nil
}

// nullTimeScan is a sql.Scanner for a nullable time column: nil for NULL,
// else a fresh UTC time.
type nullTimeScan struct{ Dest **time.Time }

// Scan implements sql.Scanner.
func (s nullTimeScan) Scan(src any) error {
	t, ok, err := scanTime(src)
	if err != nil {
		return err
	}
	*s.Dest = nil
	if ok {
		*s.Dest = &t
	}
	return nil
}

// scanTime converts a time column's driver value to a UTC time; ok is
// false for NULL.
func scanTime(src any) (t time.Time, ok bool, err error) {
	switch v := src.(type) {
	case nil:
		return t, false, nil
	case time.Time:
		return v.UTC(), true, nil
	case string:
		if t, ok := parseSQLiteTime(v); ok {
			return t, true, nil
		}
	case []byte:
		if t, ok := parseSQLiteTime(string(v)); ok {
			return t, true, nil
		}
	}
	return t, false, fmt.Errorf("unsupported Scan, storing driver.Value type %T into type *time.Time", src)
}

// sqliteTimeFormats are the layouts modernc.org/sqlite tries, in its order,
// on the text of a column declared DATE, DATETIME or TIMESTAMP.
var sqliteTimeFormats = []string{
	"2006-01-02 15:04:05.999999999-07:00",
	"2006-01-02T15:04:05.999999999-07:00",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02",
}

// parseSQLiteTime parses a time stored as text on SQLite into a UTC time,
// exactly as modernc.org/sqlite (opened without _loc) parses a TIMESTAMP
// column followed by Time.UTC. The store writes times (with _time_format
// "sqlite") as "2006-01-02 15:04:05.999999999-07:00", always in UTC; that
// form is parsed by hand, anything else by the driver's own sequence.
func parseSQLiteTime(s string) (time.Time, bool) {
	if t, ok := parseTimeFast(s); ok {
		return t, true
	}
	// The driver first tries the form of Time.String, with any monotonic
	// clock reading cut off.
	ts := s
	if x := strings.Index(ts, "m="); x > 0 {
		ts = ts[:x]
	}
	if t, err := time.Parse("2006-01-02 15:04:05.999999999 -0700 MST", strings.TrimSpace(ts)); err == nil {
		return t.UTC(), true
	}
	ts, _ = strings.CutSuffix(s, "Z")
	for _, f := range sqliteTimeFormats {
		if t, err := time.Parse(f, ts); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// parseTimeFast parses exactly "YYYY-MM-DD hh:mm:ss[.f{1,9}]±hh:mm" with
// every field in range; it reports false for anything else, which
// time.Parse with the first of sqliteTimeFormats may still accept.
func parseTimeFast(s string) (time.Time, bool) {
	const minLen = len("2006-01-02 15:04:05+00:00")
	if len(s) < minLen || s[4] != '-' || s[7] != '-' || s[10] != ' ' || s[13] != ':' || s[16] != ':' {
		return time.Time{}, false
	}
	num := func(i, n int) int {
		v := 0
		for _, c := range []byte(s[i : i+n]) {
			if c < '0' || c > '9' {
				return -1
			}
			v = v*10 + int(c-'0')
		}
		return v
	}
	year, month, day := num(0, 4), num(5, 2), num(8, 2)
	hour, minute, sec := num(11, 2), num(14, 2), num(17, 2)
	if year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || sec < 0 || sec > 59 {
		return time.Time{}, false
	}
	if day > daysIn(time.Month(month), year) {
		return time.Time{}, false
	}
	i, nsec := 19, 0
	if s[i] == '.' {
		i++
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			nsec = nsec*10 + int(s[i]-'0')
			i++
		}
		n := i - start
		if n == 0 || n > 9 {
			return time.Time{}, false
		}
		for ; n < 9; n++ {
			nsec *= 10
		}
	}
	if len(s)-i != 6 || (s[i] != '+' && s[i] != '-') || s[i+3] != ':' {
		return time.Time{}, false
	}
	oh, om := num(i+1, 2), num(i+4, 2)
	if oh < 0 || oh > 23 || om < 0 || om > 59 {
		return time.Time{}, false
	}
	off := (oh*60 + om) * 60
	if s[i] == '-' {
		off = -off
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, nsec, time.UTC)
	if off != 0 {
		t = t.Add(-time.Duration(off) * time.Second)
	}
	return t, true
}

func daysIn(m time.Month, year int) int {
	switch m {
	case time.February:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}
