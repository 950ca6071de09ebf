package httpapi

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// Vocabulary maps the field names a face's callers use in the lists of one
// resource (its public names, such as CarrierX's company_name) to the
// domain's (hub.ListFields, such as name). A face parses its own list
// syntax, then translates fields through its Vocabulary before the hub
// sees them; the hub and the store speak only the domain's names, and a
// field the face does not map does not exist for its callers.
type Vocabulary struct {
	toDomain map[string]string
	toPublic map[string]string
	names    []string // public names, sorted, for messages
}

// NewVocabulary returns the vocabulary mapping public names to the
// domain's fields of one resource. Every target must be a field of domain
// (a wiring bug panics): a public name of a JSON field also maps its
// dotted paths (attributes.tier).
func NewVocabulary(domain hub.ListFields, publicToDomain map[string]string) *Vocabulary {
	v := &Vocabulary{toDomain: map[string]string{}, toPublic: map[string]string{}}
	for pub, dom := range publicToDomain {
		if _, ok := domain[dom]; !ok {
			panic(fmt.Sprintf("httpapi: public field %q maps to %q, which is not a list field of the domain", pub, dom))
		}
		v.toDomain[pub] = dom
		v.toPublic[dom] = pub
		v.names = append(v.names, pub)
	}
	slices.Sort(v.names)
	return v
}

// Names returns the public names, sorted.
func (v *Vocabulary) Names() []string { return slices.Clone(v.names) }

// Domain returns the domain's name of a public field name (a dotted path
// keeps its tail: attributes.tier), and whether the head is known.
func (v *Vocabulary) Domain(public string) (string, bool) {
	head, tail, dotted := strings.Cut(public, ".")
	dom, ok := v.toDomain[head]
	if !ok {
		return "", false
	}
	if dotted {
		return dom + "." + tail, true
	}
	return dom, true
}

// Public returns the public name of a domain field, and whether the face
// shows it.
func (v *Vocabulary) Public(domain string) (string, bool) {
	pub, ok := v.toPublic[domain]
	return pub, ok
}

// Filter rewrites the field names of a parsed filter from public names to
// the domain's, in place, keeping each written name in Cond.As so that
// errors about the condition still name it as the caller wrote it. A name
// the vocabulary does not know is an Invalid error naming param (the
// face's filter parameter), the field as written, its position when known
// and the face's names.
func (v *Vocabulary) Filter(param string, e filter.Expr) error {
	switch x := e.(type) {
	case nil:
		return nil
	case *filter.And:
		if err := v.Filter(param, x.Left); err != nil {
			return err
		}
		return v.Filter(param, x.Right)
	case *filter.Or:
		if err := v.Filter(param, x.Left); err != nil {
			return err
		}
		return v.Filter(param, x.Right)
	case *filter.Not:
		return v.Filter(param, x.X)
	case *filter.Cond:
		written := x.Name()
		dom, ok := v.Domain(written)
		if !ok {
			at := ""
			if x.Pos >= 0 {
				at = "at position " + strconv.Itoa(x.Pos) + ": "
			}
			return hub.InvalidField(param, "%sunknown field %q; fields: %s", at, shorten(written), v.list())
		}
		x.Field, x.As = dom, written
		return nil
	}
	return hub.InvalidField(param, "invalid filter")
}

// Order rewrites order terms from public names to the domain's, in place,
// keeping the written name in As. An unknown name is an Invalid error
// naming param; whether the field may be ordered by is the hub's rule.
func (v *Vocabulary) Order(param string, terms []hub.OrderTerm) error {
	for i, t := range terms {
		written := t.Field
		if t.As != "" {
			written = t.As
		}
		dom, ok := v.toDomain[written]
		if !ok {
			return hub.InvalidField(param, "unknown field %q; fields: %s", shorten(written), v.list())
		}
		terms[i].Field, terms[i].As = dom, written
	}
	return nil
}

func (v *Vocabulary) list() string { return strings.Join(v.names, ", ") }

// RenameFields returns err with the field names of its *hub.Error renamed
// by rename (which returns a name unchanged when it has no other), and,
// when any changed, the message rebuilt from the first field as
// "field: message (and N more)". Faces use it to speak their callers'
// words: a hub error about "contact_name" becomes one about CarrierX's
// "name", one about "limit" Bluefin's "take". Other errors pass unchanged.
func RenameFields(err error, rename func(string) string) error {
	var he *hub.Error
	if !errors.As(err, &he) || len(he.Fields) == 0 {
		return err
	}
	out := *he
	out.Fields = make([]hub.FieldError, len(he.Fields))
	changed := false
	for i, f := range he.Fields {
		if n := rename(f.Field); n != f.Field {
			f.Field, changed = n, true
		}
		out.Fields[i] = f
	}
	if !changed {
		return err
	}
	out.Message = out.Fields[0].Field + ": " + out.Fields[0].Message
	if n := len(out.Fields) - 1; n > 0 {
		out.Message += " (and " + strconv.Itoa(n) + " more)"
	}
	return &out
}
