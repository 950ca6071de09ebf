package filter

import (
	"strconv"
	"strings"
)

// Expr is a node of a parsed filter: *And, *Or, *Not or *Cond. The set is
// sealed (the marker method is unexported) so Compile can be exhaustive.
// Parse always returns pointer nodes; only pointers implement Expr.
type Expr interface{ isExpr() }

// And matches rows matched by both Left and Right.
type And struct{ Left, Right Expr }

// Or matches rows matched by Left, Right or both.
type Or struct{ Left, Right Expr }

// Not matches rows not matched by X. SQL three-valued logic applies: a row
// for which X is unknown (a NULL compared) is matched by neither X nor Not.
type Not struct{ X Expr }

// Cond is one condition `Field Op Values`.
type Cond struct {
	// Field is the field name, e.g. "attributes.tier": as written when
	// Parse returns it; a face that translates its public names into the
	// domain's rewrites it (and keeps the written name in As).
	Field string
	// As is the field as the caller wrote it, when that differs from
	// Field; error messages name it, so that they speak the caller's
	// words. Empty means Field. Key ignores it.
	As string
	// Op is the operator.
	Op Op
	// Values holds one value for scalar operators and 1..MaxListItems
	// values for In and NotIn.
	Values []Value
	// Pos is the byte offset of the field in the input (0-based).
	Pos int
}

// Value is one literal of a condition.
type Value struct {
	// Text is the value with quotes removed and escapes resolved.
	Text string
	// Quoted reports whether the value was quoted in the input; it tells
	// the word null apart from the string "null".
	Quoted bool
	// Pos is the byte offset of the value (of its opening quote when
	// quoted) in the input.
	Pos int
}

// IsNull reports whether v is the unquoted word null (any case), which with
// eq/ne means IS NULL / IS NOT NULL. A quoted "null" is the string.
func (v Value) IsNull() bool {
	return !v.Quoted && strings.EqualFold(v.Text, "null")
}

// Name is the field as the caller wrote it: As, or Field when As is empty.
func (c *Cond) Name() string {
	if c.As != "" {
		return c.As
	}
	return c.Field
}

func (*And) isExpr()  {}
func (*Or) isExpr()   {}
func (*Not) isExpr()  {}
func (*Cond) isExpr() {}

// Op is a condition operator. The zero Op is invalid, so a Cond built by
// hand without an operator is rejected rather than read as Eq.
type Op int

// The operators of the filter language.
const (
	Eq    Op = iota + 1 // eq: equal
	Ne                  // ne: not equal
	Lt                  // lt: less than
	Le                  // le: less than or equal
	Gt                  // gt: greater than
	Ge                  // ge: greater than or equal
	Like                // like: case-sensitive pattern, % and _ wildcards
	ILike               // ilike: case-insensitive pattern
	In                  // in: equal to one of a list
	NotIn               // notin: equal to none of a list
	Bit                 // bit: integer field shares a set bit with the value
)

var opNames = [...]string{
	Eq: "eq", Ne: "ne", Lt: "lt", Le: "le", Gt: "gt", Ge: "ge",
	Like: "like", ILike: "ilike", In: "in", NotIn: "notin", Bit: "bit",
}

// String returns the operator's keyword as written in filters ("eq",
// "notin", ...), or "Op(n)" for an invalid operator.
func (o Op) String() string {
	if o.valid() {
		return opNames[o]
	}
	return "Op(" + strconv.Itoa(int(o)) + ")"
}

func (o Op) valid() bool { return o >= Eq && o <= Bit }

// isList reports whether o takes a parenthesised list of values.
func (o Op) isList() bool { return o == In || o == NotIn }

// lookupOp returns the operator spelled word, case-insensitively.
func lookupOp(word string) (Op, bool) {
	for o := Eq; o <= Bit; o++ {
		if strings.EqualFold(word, opNames[o]) {
			return o, true
		}
	}
	return 0, false
}
