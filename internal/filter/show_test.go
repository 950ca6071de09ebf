package filter

import (
	"strconv"
	"strings"
)

// show renders an AST compactly for table tests: conditions as
// `field op value` (quoted values Go-quoted, lists in brackets) and
// connectives fully parenthesised, so precedence is visible.
func show(e Expr) string {
	switch x := e.(type) {
	case nil:
		return "<nil>"
	case *And:
		return "(" + show(x.Left) + " and " + show(x.Right) + ")"
	case *Or:
		return "(" + show(x.Left) + " or " + show(x.Right) + ")"
	case *Not:
		return "(not " + show(x.X) + ")"
	case *Cond:
		vals := make([]string, len(x.Values))
		for i, v := range x.Values {
			if v.Quoted {
				vals[i] = strconv.Quote(v.Text)
			} else {
				vals[i] = v.Text
			}
		}
		s := strings.Join(vals, " ")
		if x.Op.isList() {
			s = "[" + s + "]"
		}
		return x.Field + " " + x.Op.String() + " " + s
	}
	return "?"
}
