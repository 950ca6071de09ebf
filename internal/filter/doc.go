// Package filter parses the CarrierX Core API filter language and compiles
// it to a parameterized SQL WHERE fragment.
//
// A filter is a sequence of conditions `<field> <op> <value>` joined by
// `and`; this package also accepts the extensions `or`, prefix `not` and
// parentheses (precedence not > and > or). Operators are eq, ne, lt, le,
// gt, ge, like, ilike, in, notin and bit. Examples:
//
//	name eq "Acme Corp" and country_code in ("USA", "CAN")
//	attributes.tier eq gold or not (status eq suspended)
//	deleted_at eq null
//
// Parse produces an AST ([Expr]); [Compile] checks it against a per-resource
// whitelist ([Schema]) and renders SQL. The security property of Compile is
// that user text reaches SQL only as bound arguments: the SQL text consists
// solely of the schema's trusted column expressions, fixed keywords,
// operators and functions of the [Dialect], and `$n` placeholders. The same
// text runs on SQLite (modernc.org/sqlite binds `$n` by number) and
// PostgreSQL; the differences go through [Dialect].
//
// Every input is bounded ([MaxLength], [MaxDepth], [MaxListItems],
// [MaxConditions]) so a filter cannot make parsing, compiling or the
// database query arbitrarily expensive, and no input makes the package
// panic.
package filter
