package filter

import (
	"strconv"
	"strings"
)

// Key returns a canonical text of e: two expressions have the same key
// exactly when they have the same structure, fields, operators and values
// (quoting included, byte offsets excluded). It identifies a filter's
// meaning, e.g. as part of a cache key; it is not filter syntax. A nil e
// has the key "".
func Key(e Expr) string {
	var b strings.Builder
	appendKey(&b, e)
	return b.String()
}

func appendKey(b *strings.Builder, e Expr) {
	switch x := e.(type) {
	case nil:
	case *And:
		appendPair(b, "and(", x.Left, x.Right)
	case *Or:
		appendPair(b, "or(", x.Left, x.Right)
	case *Not:
		b.WriteString("not(")
		appendKey(b, x.X)
		b.WriteByte(')')
	case *Cond:
		b.WriteString("cond(")
		b.WriteString(strconv.Quote(x.Field))
		b.WriteByte(',')
		b.WriteString(x.Op.String())
		for _, v := range x.Values {
			b.WriteByte(',')
			if v.Quoted {
				b.WriteByte('q')
			}
			b.WriteString(strconv.Quote(v.Text))
		}
		b.WriteByte(')')
	}
}

// appendPair writes name, the keys of l and r separated by a comma, and ")".
func appendPair(b *strings.Builder, name string, l, r Expr) {
	b.WriteString(name)
	appendKey(b, l)
	b.WriteByte(',')
	appendKey(b, r)
	b.WriteByte(')')
}
