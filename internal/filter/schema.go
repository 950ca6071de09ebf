package filter

import "strconv"

// Type is the type of a filterable field. It decides which operators the
// field accepts and how literals are converted to bound values. The zero
// Type is invalid, so a Field whose Type was forgotten is an error rather
// than silently a string.
type Type int

// The field types.
const (
	// String is a text column; values are bound as written.
	String Type = iota + 1
	// Int is an integer column; values are bound as int64.
	Int
	// Bool is a boolean column; true/false/1/0 (any case) are bound as bool.
	Bool
	// Time is a timestamp column; values are bound as UTC time.Time.
	Time
	// Decimal is an exact number column; the Field must have a Convert
	// (e.g. money "351.52" to integer units), there is no default.
	Decimal
	// JSON is a JSON object column, reachable only through dotted fields
	// ("attributes.tier"); the value at the path is compared as text.
	JSON
)

var typeNames = [...]string{
	String: "string", Int: "integer", Bool: "boolean", Time: "time",
	Decimal: "decimal", JSON: "JSON",
}

// String returns the type's name for messages ("integer", ...), or
// "Type(n)" for an invalid type.
func (t Type) String() string {
	if t >= String && t <= JSON {
		return typeNames[t]
	}
	return "Type(" + strconv.Itoa(int(t)) + ")"
}

// Field describes one filterable field of a resource.
type Field struct {
	// Column is a trusted SQL expression for the field, e.g.
	// "p.company_name". It is pasted into SQL as is: never build it from
	// user input. For JSON it must be a JSON (SQLite) or jsonb
	// (PostgreSQL) column.
	Column string
	// Type is the field's type.
	Type Type
	// Convert, if set, converts a literal into the bound value instead of
	// the default conversion for Type; its error is reported to the client
	// next to the value. like/ilike patterns are never converted.
	Convert func(string) (any, error)
	// Nullable allows `eq null` / `ne null` on the field.
	Nullable bool
}

// Schema is the whitelist of one resource: public field name -> Field.
// Only names listed here (plus dotted paths under JSON fields) can appear
// in a compiled filter.
type Schema map[string]Field
