package filter

import (
	"database/sql"
	"reflect"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// openSQLite opens a one-connection in-memory database (each connection of
// ":memory:" is its own database) holding the sample partners.
func openSQLite(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		t.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TABLE partners (
		id INTEGER PRIMARY KEY,
		company_name TEXT NOT NULL,
		country_code TEXT,
		active INTEGER NOT NULL,
		flags INTEGER NOT NULL,
		created_at TEXT NOT NULL,
		deleted_at TEXT,
		balance INTEGER NOT NULL,
		attributes TEXT NOT NULL,
		settings TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	day := func(m int) time.Time { return time.Date(2024, time.Month(m), 1, 0, 0, 0, 0, time.UTC) }
	rows := []struct {
		id       int
		name     string
		country  any
		active   bool
		flags    int
		created  time.Time
		deleted  any
		balance  int64
		attrs    string
		settings string
	}{
		{1, "Acme Corp", "USA", true, 5, day(1), nil, 3515200, `{"tier":"gold","a":{"b":"x"}}`, `{"max":5,"on":true,"ratio":1.5,"nothing":null}`},
		{2, "acme ltd", "CAN", false, 2, day(2), day(3), -1, `{"tier":"Silver"}`, `{"max":10,"on":false}`},
		{3, "O'Brien & Sons", nil, true, 0, day(3), nil, 0, `{}`, `{}`},
		{4, "50% Off_Shop", "USA", true, 8, day(4), nil, 0, `{"tier":"gold-plus","some-key":"v"}`, `{"max":"5"}`},
		{5, "ACME HOLDINGS", "MEX", false, 0, day(5), nil, 0, `{"a":{"b":"y"}}`, `{}`},
	}
	for _, r := range rows {
		// Times go in through the driver, so they have the same text
		// form as the bound filter values they are compared with.
		if _, err := db.Exec(`INSERT INTO partners VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			r.id, r.name, r.country, r.active, r.flags, r.created, r.deleted, r.balance, r.attrs, r.settings); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// match runs filter on db and returns the matching ids in order.
func match(t *testing.T, db *sql.DB, filter string) []int {
	t.Helper()
	e, err := Parse(filter)
	if err != nil {
		t.Fatalf("Parse(%q): %v", filter, err)
	}
	// A leading argument of our own checks that numbering continues from it.
	where, args, err := Compile(e, testSchema, SQLite, []any{0})
	if err != nil {
		t.Fatalf("Compile(%q): %v", filter, err)
	}
	rows, err := db.Query(`SELECT p.id FROM partners p WHERE p.id > $1 AND `+where+` ORDER BY p.id`, args...)
	if err != nil {
		t.Fatalf("%q: query %s: %v", filter, where, err)
	}
	defer rows.Close()
	ids := []int{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}

func TestSQLite(t *testing.T) {
	db := openSQLite(t, "file::memory:?_pragma=case_sensitive_like(1)")
	tests := []struct {
		filter string
		want   []int
	}{
		// like is case-sensitive, ilike is not.
		{`name like 'Acme%'`, []int{1}},
		{`name like acme%`, []int{2}},
		{`name ilike 'acme%'`, []int{1, 2, 5}},
		{`name ilike ACME%`, []int{1, 2, 5}},
		{`name ilike '%corp'`, []int{1}},
		// Wildcards and the backslash escape.
		{`name like 50%`, []int{4}},
		{`name like '%\_%'`, []int{4}},
		{`name like '%_%'`, []int{1, 2, 3, 4, 5}},
		{`name like "%0\\%%"`, []int{4}},
		{`name like 5\%%`, nil},
		{`name like "_cme%"`, []int{1, 2}},
		// Quoting.
		{`name eq "O'Brien & Sons"`, []int{3}},
		{`name eq 'O''Brien & Sons'`, []int{3}},
		{`name eq 'O\'Brien & Sons'`, []int{3}},
		{`name eq "acme corp"`, nil},
		{`name gt a`, []int{2}}, // binary collation: upper case sorts first
		// JSON paths, compared as text.
		{`attributes.tier eq gold`, []int{1}},
		{`attributes.tier eq GOLD`, nil},
		{`attributes.tier ilike GOLD%`, []int{1, 4}},
		{`attributes.tier like g%`, []int{1, 4}},
		{`attributes.tier in (gold, Silver)`, []int{1, 2}},
		{`attributes.a.b eq x`, []int{1}},
		{`attributes.a.b ne x`, []int{5}},
		{`attributes.a eq null`, []int{2, 3, 4}},
		{`attributes.some-key eq v`, []int{4}},
		{`attributes.tier eq null`, []int{3, 5}},
		{`attributes.tier ne null`, []int{1, 2, 4}},
		{`settings.max eq 5`, []int{1, 4}},
		{`settings.max eq "5"`, []int{1, 4}},
		{`settings.max gt 2`, []int{1, 4}}, // text order: "10" < "2"
		{`settings.on eq true`, []int{1}},
		{`settings.on eq false`, []int{2}},
		{`settings.ratio eq 1.5`, []int{1}},
		{`settings.nothing eq null`, []int{1, 2, 3, 4, 5}},
		// Nulls, lists, bits, types.
		{`country_code eq null`, []int{3}},
		{`country_code ne null`, []int{1, 2, 4, 5}},
		{`country_code in ("USA", CAN)`, []int{1, 2, 4}},
		{`country_code notin (USA)`, []int{2, 5}},
		{`flags bit 1`, []int{1}},
		{`flags bit 10`, []int{2, 4}},
		{`active eq true`, []int{1, 3, 4}},
		{`active ne 1`, []int{2, 5}},
		{`balance gt 0`, []int{1}},
		{`balance eq 351.52`, []int{1}},
		{`balance lt 0`, []int{2}},
		{`id in (1, 3)`, []int{1, 3}},
		{`created_at ge 2024-03-01`, []int{3, 4, 5}},
		{`created_at lt "2024-02-01 00:00:01"`, []int{1, 2}},
		{`deleted_at eq null and created_at le 2024-03-01T00:00:00Z`, []int{1, 3}},
		// Connectives.
		{`not name ilike acme% and active eq 1`, []int{3, 4}},
		{`name ilike acme% or country_code eq null`, []int{1, 2, 3, 5}},
		{`not (name ilike acme% or country_code eq null)`, []int{4}},
		{`active eq 1 and (flags bit 1 or flags bit 8)`, []int{1, 4}},
	}
	for _, tt := range tests {
		got := match(t, db, tt.filter)
		want := tt.want
		if want == nil {
			want = []int{}
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: got %v, want %v", tt.filter, got, want)
		}
	}
}

// TestSQLiteNeedsCaseSensitivePragma documents why the store must open
// SQLite with case_sensitive_like: without it, like ignores case.
func TestSQLiteNeedsCaseSensitivePragma(t *testing.T) {
	db := openSQLite(t, "file::memory:")
	if got := match(t, db, `name like acme%`); !reflect.DeepEqual(got, []int{1, 2, 5}) {
		t.Errorf("without the pragma: got %v; if SQLite's LIKE became case-sensitive by default, update the SQLite doc", got)
	}
}
