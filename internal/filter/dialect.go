package filter

import "strings"

// Dialect renders the few SQL constructs that differ between SQLite and
// PostgreSQL. Implementations must build SQL only from their arguments
// (which are trusted SQL expressions or placeholders) and fixed text, and
// must pass anything else through bind.
type Dialect interface {
	// JSONText returns an SQL expression yielding the text value at keys
	// inside the JSON column, or NULL when the path is absent or holds a
	// JSON null; each key (or the path built from them) is bound via
	// bind, which appends an argument and returns its placeholder "$n".
	JSONText(column string, keys []string, bind func(any) string) string
	// ILike returns a case-insensitive LIKE of left against pattern right
	// (both SQL expressions), with backslash as the escape character.
	ILike(left, right string) string
	// Like returns a case-sensitive LIKE of left against pattern right,
	// with backslash as the escape character.
	Like(left, right string) string
}

// SQLite is the Dialect for SQLite (modernc.org/sqlite).
//
// Like relies on the connection having PRAGMA case_sensitive_like=ON (the
// store opens SQLite that way, e.g. DSN `_pragma=case_sensitive_like(1)`):
// SQLite's LIKE is otherwise case-insensitive for ASCII. ILike lowers both
// sides; SQLite's lower() folds ASCII only, where PostgreSQL's ILIKE folds
// all of Unicode.
//
// JSONText wraps json_extract(col, $n), with the path `$."k1"."k2"` bound
// once as $n, so that the value comes out as text like PostgreSQL's
// jsonb_extract_path_text: json_extract alone yields an INTEGER for a JSON
// number (never equal to a bound text "5") and 1/0 for JSON booleans (where
// PostgreSQL gives "true"/"false").
var SQLite Dialect = sqliteDialect{}

// Postgres is the Dialect for PostgreSQL. JSONText uses
// jsonb_extract_path_text, one bound argument per key, so the JSON column
// must be jsonb. Like and ILike are the native operators; ILIKE folds case
// by the database's locale.
var Postgres Dialect = postgresDialect{}

type sqliteDialect struct{}

func (sqliteDialect) JSONText(column string, keys []string, bind func(any) string) string {
	var path strings.Builder
	path.WriteString("$")
	for _, k := range keys {
		path.WriteString(`."`)
		for i := 0; i < len(k); i++ {
			if k[i] == '"' || k[i] == '\\' {
				path.WriteByte('\\')
			}
			path.WriteByte(k[i])
		}
		path.WriteString(`"`)
	}
	// The placeholder appears twice but is one argument: SQLite binds $n
	// by number, so every $n names the same parameter.
	p := bind(path.String())
	return "(CASE json_type(" + column + ", " + p + ")" +
		" WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'" +
		" ELSE CAST(json_extract(" + column + ", " + p + ") AS TEXT) END)"
}

func (sqliteDialect) ILike(left, right string) string {
	return "lower(" + left + ") LIKE lower(" + right + `) ESCAPE '\'`
}

func (sqliteDialect) Like(left, right string) string {
	return left + " LIKE " + right + ` ESCAPE '\'`
}

type postgresDialect struct{}

func (postgresDialect) JSONText(column string, keys []string, bind func(any) string) string {
	var b strings.Builder
	b.WriteString("jsonb_extract_path_text(")
	b.WriteString(column)
	for _, k := range keys {
		b.WriteString(", ")
		b.WriteString(bind(k))
	}
	b.WriteString(")")
	return b.String()
}

func (postgresDialect) ILike(left, right string) string {
	return left + " ILIKE " + right + ` ESCAPE '\'`
}

func (postgresDialect) Like(left, right string) string {
	return left + " LIKE " + right + ` ESCAPE '\'`
}
