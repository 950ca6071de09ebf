package filter

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

type tokenKind int

const (
	tokEOF    tokenKind = iota
	tokWord             // bare word: field, operator, keyword or value
	tokQuoted           // quoted value, quotes removed and escapes resolved
	tokLParen
	tokRParen
	tokComma
)

type token struct {
	kind tokenKind
	text string // word text or resolved quoted text
	pos  int    // byte offset of the token's first byte
}

// is reports whether t is the bare word kw, case-insensitively. Quoted text
// is never a keyword, which is how `"and"` or `"null"` stay plain values.
func (t token) is(kw string) bool {
	return t.kind == tokWord && strings.EqualFold(t.text, kw)
}

// describe names t for error messages.
func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of filter"
	case tokLParen:
		return `"("`
	case tokRParen:
		return `")"`
	case tokComma:
		return `","`
	case tokQuoted:
		return "quoted value " + quote(t.text)
	default:
		return quote(t.text)
	}
}

// lexer splits filter text into tokens on demand, so errors come out in
// input order (an unknown operator is reported before a later unterminated
// quote). The input must be valid UTF-8; Parse checks that first.
type lexer struct {
	src string
	pos int
}

func (l *lexer) next() (token, *Error) {
	for l.pos < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.pos:])
		if !unicode.IsSpace(r) {
			break
		}
		l.pos += n
	}
	start := l.pos
	if start >= len(l.src) {
		return token{kind: tokEOF, pos: len(l.src)}, nil
	}
	switch c := l.src[start]; c {
	case '(':
		l.pos++
		return token{kind: tokLParen, pos: start}, nil
	case ')':
		l.pos++
		return token{kind: tokRParen, pos: start}, nil
	case ',':
		l.pos++
		return token{kind: tokComma, pos: start}, nil
	case '\'', '"':
		return l.quoted(c)
	}
	for l.pos < len(l.src) {
		r, n := utf8.DecodeRuneInString(l.src[l.pos:])
		if unicode.IsSpace(r) || isDelim(r) {
			break
		}
		l.pos += n
	}
	return token{kind: tokWord, text: l.src[start:l.pos], pos: start}, nil
}

// isDelim reports whether r ends a bare word besides white space.
func isDelim(r rune) bool {
	switch r {
	case '(', ')', ',', '\'', '"':
		return true
	}
	return false
}

// quoted scans a value quoted with q. Inside it, a doubled quote character
// stands for one (SQL style), and a backslash escapes either quote or a
// backslash (C style). A backslash before anything else is kept as
// is, so LIKE escapes such as "50\%" pass through to the pattern intact.
func (l *lexer) quoted(q byte) (token, *Error) {
	start := l.pos
	var b strings.Builder
	i := start + 1
	for i < len(l.src) {
		c := l.src[i]
		switch {
		case c == q && i+1 < len(l.src) && l.src[i+1] == q:
			b.WriteByte(q)
			i += 2
		case c == q:
			l.pos = i + 1
			return token{kind: tokQuoted, text: b.String(), pos: start}, nil
		case c == '\\' && i+1 < len(l.src) && isEscapable(l.src[i+1]):
			b.WriteByte(l.src[i+1])
			i += 2
		default:
			b.WriteByte(c)
			i++
		}
	}
	l.pos = len(l.src)
	return token{}, errAt(start, "unterminated quoted value")
}

func isEscapable(c byte) bool { return c == '\'' || c == '"' || c == '\\' }
