package filter

import (
	"sort"
	"strconv"
	"strings"
)

// Compile turns e into an SQL WHERE fragment (no leading WHERE) for dialect
// d, checking every field against s, and returns the fragment and args with
// the bound values appended. Placeholders are numbered from len(args)+1, so
// the caller can put its own arguments first. A nil e yields "1=1" and args
// unchanged.
//
// The fragment contains only the Column expressions of s, fixed keywords,
// operators and d's functions, and `$n` placeholders: every user value is a
// bound argument. Each condition is parenthesised and and/or/not are
// emitted with explicit parentheses (runs of the same connective
// flattened), so the fragment can be joined to other conditions with AND
// safely. Conditions follow SQL semantics: ne, notin and not do not match
// rows whose field is NULL; use `eq null` for those.
//
// Errors are *Error: an unknown field (the message lists the allowed ones,
// sorted), an operator the field's type does not allow, null where it is
// not allowed, or a value that does not convert, each pointing at the
// condition or value. On error args is returned unchanged. Compile also
// accepts hand-built trees, and rejects nil nodes, invalid operators, wrong
// value counts, and trees beyond the limits Parse enforces.
func Compile(e Expr, s Schema, d Dialect, args []any) (string, []any, error) {
	if e == nil {
		return "1=1", args, nil
	}
	if d == nil {
		return "", args, &Error{Pos: -1, Msg: "no SQL dialect"}
	}
	c := &compiler{schema: s, d: d, args: args}
	var b strings.Builder
	if err := c.expr(&b, e, 0); err != nil {
		return "", args, err
	}
	return b.String(), c.args, nil
}

// maxTreeDepth bounds the recursion over a tree. A parsed tree is at most
// MaxConditions-1 and/or nodes plus MaxDepth nots above its deepest
// condition; hand-built trees (possibly cyclic) are cut off here.
const maxTreeDepth = MaxConditions + MaxDepth

type compiler struct {
	schema Schema
	d      Dialect
	args   []any
	conds  int
}

// bind appends v to the arguments and returns its placeholder.
func (c *compiler) bind(v any) string {
	c.args = append(c.args, v)
	return "$" + strconv.Itoa(len(c.args))
}

func (c *compiler) expr(b *strings.Builder, e Expr, depth int) error {
	if depth >= maxTreeDepth {
		return &Error{Pos: -1, Msg: "expression nested too deeply"}
	}
	switch x := e.(type) {
	case *And:
		if x != nil {
			return c.junction(b, "AND", x, depth)
		}
	case *Or:
		if x != nil {
			return c.junction(b, "OR", x, depth)
		}
	case *Not:
		if x != nil {
			b.WriteString("(NOT ")
			if err := c.expr(b, x.X, depth+1); err != nil {
				return err
			}
			b.WriteString(")")
			return nil
		}
	case *Cond:
		if x != nil {
			return c.cond(b, x)
		}
	}
	return &Error{Pos: -1, Msg: "invalid expression node"}
}

// junction writes `(a AND b AND c)` for a tree of e's connective kw,
// flattening nested nodes of the same connective: they are associative, and
// a flat list reads better in logs than a left-deep nest.
func (c *compiler) junction(b *strings.Builder, kw string, e Expr, depth int) error {
	b.WriteString("(")
	first := true
	var walk func(e Expr, depth int) error
	walk = func(e Expr, depth int) error {
		if depth >= maxTreeDepth {
			return &Error{Pos: -1, Msg: "expression nested too deeply"}
		}
		var l, r Expr
		same := false
		switch x := e.(type) {
		case *And:
			if kw == "AND" && x != nil {
				l, r, same = x.Left, x.Right, true
			}
		case *Or:
			if kw == "OR" && x != nil {
				l, r, same = x.Left, x.Right, true
			}
		}
		if same {
			if err := walk(l, depth+1); err != nil {
				return err
			}
			return walk(r, depth+1)
		}
		if !first {
			b.WriteString(" " + kw + " ")
		}
		first = false
		return c.expr(b, e, depth)
	}
	if err := walk(e, depth); err != nil {
		return err
	}
	b.WriteString(")")
	return nil
}

var cmpOps = map[Op]string{Eq: "=", Ne: "<>", Lt: "<", Le: "<=", Gt: ">", Ge: ">="}

func (c *compiler) cond(b *strings.Builder, x *Cond) error {
	c.conds++
	if c.conds > MaxConditions {
		return errAt(x.Pos, "more than %d conditions", MaxConditions)
	}
	if !x.Op.valid() {
		return fieldErr(x.Pos, x.Name(), "invalid operator %v", x.Op)
	}
	if n := len(x.Values); x.Op.isList() && (n == 0 || n > MaxListItems) {
		return fieldErr(x.Pos, x.Name(), "%s needs 1 to %d values", x.Op, MaxListItems)
	} else if !x.Op.isList() && n != 1 {
		return fieldErr(x.Pos, x.Name(), "%s needs exactly one value", x.Op)
	}
	f, keys, err := c.lookup(x)
	if err != nil {
		return err
	}
	typ := f.Type
	if keys != nil {
		typ = JSON
	}
	if !opAllowed(x.Op, typ) {
		return fieldErr(x.Pos, x.Name(), "operator %s is not allowed on %v fields", quote(x.Op.String()), typ)
	}
	for _, v := range x.Values {
		if v.IsNull() && x.Op != Eq && x.Op != Ne {
			return fieldErr(v.Pos, x.Name(), "null is only allowed with eq or ne (quote it to mean the text)")
		}
	}
	col := f.Column
	if keys != nil {
		col = c.d.JSONText(f.Column, keys, c.bind)
	}

	if v := x.Values[0]; v.IsNull() {
		if !f.Nullable && keys == nil {
			return fieldErr(v.Pos, x.Name(), "field is never null")
		}
		if x.Op == Eq {
			b.WriteString("(" + col + " IS NULL)")
		} else {
			b.WriteString("(" + col + " IS NOT NULL)")
		}
		return nil
	}

	switch x.Op {
	case Like, ILike:
		v := x.Values[0]
		if trailingEscape(v.Text) {
			return fieldErr(v.Pos, x.Name(), "pattern %s ends with the escape character \\", quote(v.Text))
		}
		p := c.bind(v.Text)
		if x.Op == Like {
			b.WriteString("(" + c.d.Like(col, p) + ")")
		} else {
			b.WriteString("(" + c.d.ILike(col, p) + ")")
		}
		return nil
	case In, NotIn:
		phs := make([]string, len(x.Values))
		for i, v := range x.Values {
			p, err := c.bindValue(f, x.Name(), v)
			if err != nil {
				return err
			}
			phs[i] = p
		}
		kw := " IN ("
		if x.Op == NotIn {
			kw = " NOT IN ("
		}
		b.WriteString("(" + col + kw + strings.Join(phs, ", ") + "))")
		return nil
	case Bit:
		p, err := c.bindValue(f, x.Name(), x.Values[0])
		if err != nil {
			return err
		}
		b.WriteString("((" + col + " & " + p + ") <> 0)")
		return nil
	default:
		p, err := c.bindValue(f, x.Name(), x.Values[0])
		if err != nil {
			return err
		}
		b.WriteString("(" + col + " " + cmpOps[x.Op] + " " + p + ")")
		return nil
	}
}

// bindValue converts v for f and binds it.
func (c *compiler) bindValue(f Field, name string, v Value) (string, error) {
	val, err := convert(f, v.Text)
	if err != nil {
		return "", fieldErr(v.Pos, name, "invalid value %s: %v", quote(v.Text), err)
	}
	return c.bind(val), nil
}

// lookup resolves the condition's field: an exact schema name, or a dotted
// path whose first segment is a JSON field (then keys is the rest).
func (c *compiler) lookup(x *Cond) (f Field, keys []string, err *Error) {
	f, ok := c.schema[x.Field]
	if ok {
		if f.Type == JSON {
			return f, nil, fieldErr(x.Pos, x.Name(), "a JSON field needs a key, e.g. %s.key", x.Name())
		}
		return f, nil, checkField(x, f)
	}
	head, rest, dotted := strings.Cut(x.Field, ".")
	if f, ok := c.schema[head]; ok && dotted {
		if f.Type != JSON {
			shown, _, _ := strings.Cut(x.Name(), ".")
			return f, nil, fieldErr(x.Pos, x.Name(), "%s has no sub-fields", quote(shown))
		}
		keys = strings.Split(rest, ".")
		for _, k := range keys {
			if !validKey(k) {
				return f, nil, fieldErr(x.Pos, x.Name(), "invalid key %s", quote(k))
			}
		}
		return f, keys, checkField(x, f)
	}
	return f, nil, fieldErr(x.Pos, x.Name(), "unknown field (allowed: %s)", c.allowed())
}

// checkField catches schema mistakes that would otherwise produce broken
// SQL or unconvertible values.
func checkField(x *Cond, f Field) *Error {
	switch {
	case f.Column == "":
		return fieldErr(x.Pos, x.Name(), "not filterable (schema has no column)")
	case f.Type < String || f.Type > JSON:
		return fieldErr(x.Pos, x.Name(), "not filterable (schema type %v)", f.Type)
	case f.Type == Decimal && f.Convert == nil:
		return fieldErr(x.Pos, x.Name(), "not filterable (decimal field without Convert)")
	}
	return nil
}

// allowed lists the schema's public names, sorted; JSON fields show as
// "name.<key>" since only their paths are filterable.
func (c *compiler) allowed() string {
	if len(c.schema) == 0 {
		return "none"
	}
	names := make([]string, 0, len(c.schema))
	for name, f := range c.schema {
		if f.Type == JSON {
			name += ".<key>"
		}
		names = append(names, name)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}

// opAllowed reports whether op applies to fields of type t.
func opAllowed(op Op, t Type) bool {
	switch op {
	case Eq, Ne, In, NotIn:
		return true
	case Lt, Le, Gt, Ge:
		return t != Bool
	case Like, ILike:
		return t == String || t == JSON
	case Bit:
		return t == Int
	}
	return false
}

// trailingEscape reports whether pattern ends in an unpaired backslash,
// which PostgreSQL rejects at run time ("LIKE pattern must not end with
// escape character"); catching it here makes it a client error instead.
func trailingEscape(pattern string) bool {
	n := 0
	for i := len(pattern) - 1; i >= 0 && pattern[i] == '\\'; i-- {
		n++
	}
	return n%2 == 1
}
