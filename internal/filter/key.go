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
		b.WriteString("and(")
		appendKey(b, x.Left)
		b.WriteByte(',')
		appendKey(b, x.Right)
		b.WriteByte(')')
	case *Or:
		b.WriteString("or(")
		appendKey(b, x.Left)
		b.WriteByte(',')
		appendKey(b, x.Right)
		b.WriteByte(')')
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
