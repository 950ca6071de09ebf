package store

import (
	"database/sql"
	"encoding/json"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// TestParseSQLiteTime checks that parsing a time column's text gives what
// modernc.org/sqlite gives for the column itself (declared TIMESTAMP),
// for the times the store writes and for other texts the driver accepts
// or refuses.
func TestParseSQLiteTime(t *testing.T) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "t.db")+"?_time_format=sqlite")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	if _, err := db.Exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, at TIMESTAMP)`); err != nil {
		t.Fatal(err)
	}
	east := time.FixedZone("east", 5*3600+30*60)
	west := time.FixedZone("west", -(7*3600 + 15*60))
	base := time.Date(2026, 11, 23, 12, 4, 11, 137954000, time.UTC)
	var values []any
	for _, tm := range []time.Time{
		base, base.Truncate(time.Second), base.Add(123456789), base.Add(1), base.Truncate(time.Millisecond),
		base.In(east), base.In(west), time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.UTC),
		time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 12, 31, 23, 59, 59, 0, east),
		time.Now(), time.Now().UTC(),
	} {
		values = append(values, tm, tm.UTC())
	}
	for _, s := range []string{
		"2026-11-23 12:04:11.137954+00:00", "2026-11-23 12:04:11+00:00", "2026-11-23 12:04:11.1-03:30",
		"2026-11-23 12:04:11.1234567891+00:00", "2026-11-23 12:04:11.+00:00", "2026-11-23 12:04:11.137954Z",
		"2026-11-23T12:04:11.137954+00:00", "2026-11-23 12:04:11.137954", "2026-11-23 12:04", "2026-11-23",
		"2026-11-23 12:04:11.137954 +0000 UTC", "2026-11-23 12:04:11.137954 +0000 UTC m=+0.000000001",
		"2026-11-23 12:04:11+24:00", "2026-11-23 12:04:11+23:59", "2026-02-29 12:04:11+00:00",
		"2024-02-29 12:04:11+00:00", "2026-13-01 12:04:11+00:00", "2026-11-31 12:04:11+00:00",
		"2026-11-23 24:00:00+00:00", "2026-11-23 12:60:00+00:00", "2026-11-23 12:04:60+00:00",
		"2026-11-23 1:04:11+00:00", "2026-11-23 12:04:11+0000", "2026-11-23 12:04:11+00:00 ",
		"2026-11-23 12:04:11-00:00", "+2026-11-23 12:04:11+00:00", "garbage", "",
	} {
		values = append(values, s)
	}
	for _, v := range values {
		if _, err := db.Exec(`INSERT INTO t (at) VALUES ($1)`, v); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := db.Query(`SELECT at, coalesce(at, NULL) FROM t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
		var driver, text any
		if err := rows.Scan(&driver, &text); err != nil {
			t.Fatal(err)
		}
		s, ok := text.(string)
		if !ok {
			t.Fatalf("row %d: coalesce gave %T, want the text", n, text)
		}
		got, ok := parseSQLiteTime(s)
		switch want := driver.(type) {
		case time.Time:
			if !ok || got != want.UTC() {
				t.Errorf("%q: got %v (%v), want %v", s, got, ok, want.UTC())
			}
		default:
			if ok {
				t.Errorf("%q: parsed as %v, the driver refuses it", s, got)
			}
		}
		var ts time.Time
		err := timeScan{&ts}.Scan(s)
		if (err == nil) != ok || ts != got {
			t.Errorf("%q: timeScan gave %v, %v", s, ts, err)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n != len(values) {
		t.Fatalf("%d rows, want %d", n, len(values))
	}
}

// TestJSONScanMatchesUnmarshal checks the hand-decoded JSON shapes against
// encoding/json, for every destination type the store scans into.
func TestJSONScanMatchesUnmarshal(t *testing.T) {
	inputs := []string{
		`{}`, `[]`, `null`, ``, ` `, `{"tier":"gold"}`, `{"tier": "gold", "x": ""}`, ` { "a" : "b" } `,
		`{"a":"b","a":"c"}`, `{"a":"b",}`, `{"a":"b"`, `{"a":1}`, `{"a":null}`, `{"a":"\u00e9"}`, `{"a":"é"}`,
		`{"a\"b":"c"}`, "{\"a\":\"b\tc\"}", `{"":""}`, `{"a":"b"}x`, `{"a":"b"} {}`, `{"a" "b"}`, `{"a":"b" "c":"d"}`,
		`["a","b"]`, `[ "a" , "b" ]`, `["a",]`, `[,]`, `["a"`, `["a" "b"]`, `[1]`, `["a",null]`, `[""]`, `[[]]`,
		"[\n\"partners:read\",\r\n\t\"partners:write\"\n]", `[] []`, `{} x`, `[}`, `{]`, `{"a":{}}`, `[{}]`,
		`[{"a":1}]`, `{"k":[1,2]}`, `"str"`, `5`, `true`,
	}
	for _, in := range inputs {
		check := func(name string, got, want any, gotErr, wantErr error) {
			t.Helper()
			if (gotErr == nil) != (wantErr == nil) {
				t.Errorf("%s %q: error %v, encoding/json %v", name, in, gotErr, wantErr)
				return
			}
			if gotErr == nil && !reflect.DeepEqual(got, want) {
				t.Errorf("%s %q: %#v, encoding/json %#v", name, in, got, want)
			}
		}
		{
			var got, want map[string]string
			gotErr, wantErr := jsonScan[map[string]string]{Dest: &got}.Scan(in), json.Unmarshal([]byte(in), &want)
			check("map[string]string", got, want, gotErr, wantErr)
		}
		{
			var got, want []string
			gotErr, wantErr := jsonScan[[]string]{Dest: &got}.Scan([]byte(in)), json.Unmarshal([]byte(in), &want)
			check("[]string", got, want, gotErr, wantErr)
		}
		{
			var got, want map[string]any
			gotErr, wantErr := jsonScan[map[string]any]{Dest: &got}.Scan(in), json.Unmarshal([]byte(in), &want)
			check("map[string]any", got, want, gotErr, wantErr)
		}
		{
			var got, want []map[string]any
			gotErr, wantErr := jsonScan[[]map[string]any]{Dest: &got}.Scan(in), json.Unmarshal([]byte(in), &want)
			check("[]map[string]any", got, want, gotErr, wantErr)
		}
	}
}

// TestNullScansAsEmpty: a column read as nullif(column, empty) scans a NULL
// back to the column's empty value (a non-nil empty map or slice, ""),
// and any other value as it is.
func TestNullScansAsEmpty(t *testing.T) {
	m := map[string]any{"stale": true}
	if err := (jsonScan[map[string]any]{Dest: &m, Null: "{}"}).Scan(nil); err != nil || m == nil || len(m) != 0 {
		t.Errorf("NULL as {}: %#v %v", m, err)
	}
	var l []map[string]any
	if err := (jsonScan[[]map[string]any]{Dest: &l, Null: "[]"}).Scan(nil); err != nil || l == nil || len(l) != 0 {
		t.Errorf("NULL as []: %#v %v", l, err)
	}
	attrs := map[string]string{}
	if err := (jsonScan[map[string]string]{Dest: &attrs, Null: "{}"}).Scan(`{"tier":"gold"}`); err != nil || attrs["tier"] != "gold" {
		t.Errorf("a value: %#v %v", attrs, err)
	}
	kept := []string{"kept"}
	if err := (jsonScan[[]string]{Dest: &kept}).Scan(nil); err != nil || len(kept) != 1 {
		t.Errorf("NULL without Null: %#v %v", kept, err)
	}
	s := "stale"
	for src, want := range map[any]string{nil: "", "x": "x", "": ""} {
		if err := (textScan{&s}).Scan(src); err != nil || s != want {
			t.Errorf("text %#v: %q %v, want %q", src, s, err, want)
		}
	}
	if err := (textScan{&s}).Scan([]byte("b")); err != nil || s != "b" {
		t.Errorf("text bytes: %q %v", s, err)
	}
	if err := (textScan{&s}).Scan(5); err == nil {
		t.Error("text from an integer was taken")
	}
}
