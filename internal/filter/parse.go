package filter

import (
	"strings"
	"unicode/utf8"
)

// Parse parses CarrierX filter text into an AST of pointer nodes. Empty or
// blank input returns (nil, nil), meaning "no filter". Every error is an
// *Error whose Pos points at the offending byte or token. Parse checks
// syntax and the limits (MaxLength, MaxDepth, MaxListItems,
// MaxConditions); whether fields, operators and values make sense for a
// resource is Compile's business. The words and, or, not are reserved and
// cannot be field names; operators and keywords are case-insensitive.
// Invalid UTF-8 and NUL bytes are refused, since PostgreSQL would refuse
// them as text arguments anyway.
func Parse(s string) (Expr, error) {
	if len(s) > MaxLength {
		return nil, errAt(MaxLength, "filter is longer than %d bytes", MaxLength)
	}
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return nil, errAt(i, "invalid UTF-8")
		}
		if r == 0 {
			return nil, errAt(i, "NUL byte")
		}
		i += n
	}
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	p := &parser{lex: lexer{src: s}}
	if err := p.advance(); err != nil {
		return nil, err
	}
	e, err := p.parseOr(0)
	if err != nil {
		return nil, err
	}
	if p.tok.kind != tokEOF {
		return nil, p.unexpected(`"and", "or" or end of filter`)
	}
	return e, nil
}

// parser is a recursive-descent parser over lexer tokens with one token of
// lookahead (tok). Recursion happens only through parentheses and not, so
// MaxDepth bounds the Go stack too; and/or chains are parsed iteratively.
type parser struct {
	lex   lexer
	tok   token
	conds int
}

func (p *parser) advance() *Error {
	t, err := p.lex.next()
	if err != nil {
		return err
	}
	p.tok = t
	return nil
}

// unexpected reports the current token where want was expected.
func (p *parser) unexpected(want string) *Error {
	return errAt(p.tok.pos, "expected %s, found %s", want, p.tok.describe())
}

// parseOr parses or-separated terms: or binds loosest.
func (p *parser) parseOr(depth int) (Expr, *Error) {
	left, err := p.parseAnd(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.is("or") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.parseAnd(depth)
		if err != nil {
			return nil, err
		}
		left = &Or{Left: left, Right: right}
	}
	return left, nil
}

// parseAnd parses and-separated unary terms.
func (p *parser) parseAnd(depth int) (Expr, *Error) {
	left, err := p.parseUnary(depth)
	if err != nil {
		return nil, err
	}
	for p.tok.is("and") {
		if err := p.advance(); err != nil {
			return nil, err
		}
		right, err := p.parseUnary(depth)
		if err != nil {
			return nil, err
		}
		left = &And{Left: left, Right: right}
	}
	return left, nil
}

// parseUnary parses `not X`, `( expr )` or a condition. depth counts the
// enclosing parentheses and nots.
func (p *parser) parseUnary(depth int) (Expr, *Error) {
	switch {
	case p.tok.is("not"):
		if depth >= MaxDepth {
			return nil, errAt(p.tok.pos, "nested deeper than %d levels", MaxDepth)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		x, err := p.parseUnary(depth + 1)
		if err != nil {
			return nil, err
		}
		return &Not{X: x}, nil
	case p.tok.kind == tokLParen:
		open := p.tok.pos
		if depth >= MaxDepth {
			return nil, errAt(open, "nested deeper than %d levels", MaxDepth)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		e, err := p.parseOr(depth + 1)
		if err != nil {
			return nil, err
		}
		switch p.tok.kind {
		case tokRParen:
		case tokEOF:
			return nil, errAt(open, `unclosed "("`)
		default:
			return nil, p.unexpected(`"and", "or" or ")"`)
		}
		if err := p.advance(); err != nil {
			return nil, err
		}
		return e, nil
	case p.tok.kind == tokWord:
		return p.parseCond()
	default:
		return nil, p.unexpected("a condition")
	}
}

// parseCond parses `field op value` or `field in|notin (v, ...)`.
func (p *parser) parseCond() (Expr, *Error) {
	ft := p.tok
	if ft.is("and") || ft.is("or") {
		return nil, errAt(ft.pos, "expected a condition, found keyword %s", quote(ft.text))
	}
	if !validField(ft.text) {
		return nil, errAt(ft.pos, "invalid field name %s", quote(ft.text))
	}
	p.conds++
	if p.conds > MaxConditions {
		return nil, errAt(ft.pos, "more than %d conditions", MaxConditions)
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind != tokWord {
		return nil, p.unexpected("an operator after " + quote(ft.text))
	}
	op, ok := lookupOp(p.tok.text)
	if !ok {
		return nil, errAt(p.tok.pos, "unknown operator %s", quote(p.tok.text))
	}
	if err := p.advance(); err != nil {
		return nil, err
	}
	c := &Cond{Field: ft.text, Op: op, Pos: ft.pos}
	if !op.isList() {
		v, err := p.value(op)
		if err != nil {
			return nil, err
		}
		c.Values = []Value{v}
		return c, nil
	}
	if p.tok.kind != tokLParen {
		return nil, p.unexpected(`"(" after ` + quote(op.String()))
	}
	open := p.tok.pos
	if err := p.advance(); err != nil {
		return nil, err
	}
	if p.tok.kind == tokRParen {
		return nil, errAt(p.tok.pos, "empty list after %s", quote(op.String()))
	}
	for {
		if p.tok.kind == tokEOF {
			return nil, errAt(open, `unclosed "("`)
		}
		if len(c.Values) == MaxListItems {
			return nil, errAt(p.tok.pos, "more than %d values in list", MaxListItems)
		}
		v, err := p.value(op)
		if err != nil {
			return nil, err
		}
		c.Values = append(c.Values, v)
		switch p.tok.kind {
		case tokComma:
			if err := p.advance(); err != nil {
				return nil, err
			}
			continue
		case tokRParen:
			if err := p.advance(); err != nil {
				return nil, err
			}
			return c, nil
		case tokEOF:
			return nil, errAt(open, `unclosed "("`)
		default:
			return nil, p.unexpected(`"," or ")"`)
		}
	}
}

// value consumes one value: a bare word or a quoted string.
func (p *parser) value(op Op) (Value, *Error) {
	t := p.tok
	if t.kind != tokWord && t.kind != tokQuoted {
		return Value{}, p.unexpected("a value after " + quote(op.String()))
	}
	if err := p.advance(); err != nil {
		return Value{}, err
	}
	return Value{Text: t.text, Quoted: t.kind == tokQuoted, Pos: t.pos}, nil
}

// validField reports whether name is a field name of the grammar:
// [A-Za-z_][A-Za-z0-9_]* followed by any number of .key segments, each key
// [A-Za-z0-9_-]+.
func validField(name string) bool {
	head, rest, dotted := strings.Cut(name, ".")
	if head == "" || (head[0] >= '0' && head[0] <= '9') {
		return false
	}
	for i := 0; i < len(head); i++ {
		if !isKeyByte(head[i]) || head[i] == '-' {
			return false
		}
	}
	if !dotted {
		return true
	}
	for _, key := range strings.Split(rest, ".") {
		if !validKey(key) {
			return false
		}
	}
	return true
}

// validKey reports whether key is a JSON key segment: [A-Za-z0-9_-]+.
func validKey(key string) bool {
	if key == "" {
		return false
	}
	for i := 0; i < len(key); i++ {
		if !isKeyByte(key[i]) {
			return false
		}
	}
	return true
}

func isKeyByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}
