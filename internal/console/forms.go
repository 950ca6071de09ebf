package console

import (
	"errors"
	"net/http"
	"strings"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// formField is one input of a form, as the "field" template renders it:
// a label tied to the input, the value, a hint, and the error (tied to
// the input with aria-describedby, so screen readers read it).
type formField struct {
	Name     string // the domain's field name, also the input's name
	Label    string
	Type     string // "text", "email", "password", "select", "number", "datetime-local"
	Value    string
	Options  []string // for "select"
	Required bool
	Hint     string
	Error    string
	Current  string // on a version conflict: the value stored meanwhile, when it differs
	Auto     string // the autocomplete attribute
}

// formData is a form page's data.
type formData struct {
	Title   string
	Action  string // where the form posts
	Submit  string // the submit button's text
	Cancel  string // where "Cancel" leads
	Fields  []formField
	Hidden  map[string]string
	Error   string // a message for the whole form
	Partner *hub.Partner
	Extra   any // page-specific data
}

// fieldErrors applies a hub error's field messages to fields and returns
// the message for the whole form: the hub's message, which names the
// fields too.
func fieldErrors(fields []formField, err error) string {
	var he *hub.Error
	if !errors.As(err, &he) {
		return ""
	}
	for _, fe := range he.Fields {
		for i := range fields {
			if fields[i].Name == fe.Field {
				fields[i].Error = fe.Message
			}
		}
	}
	return sentence(he.Message)
}

// sentence capitalizes a hub message and ends it with a full stop.
func sentence(s string) string {
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// formStatus is the status of a form shown again because err refused it:
// 422 for input the rules refuse, 409 for a conflict.
func formStatus(err error) int {
	switch hub.ErrorKind(err) {
	case hub.Invalid:
		return http.StatusUnprocessableEntity
	case hub.Conflict:
		return http.StatusConflict
	}
	return http.StatusBadRequest
}

// formShowable reports whether err is answered by showing the form again
// (bad input, a conflict) rather than an error page (not found,
// forbidden, a failure).
func formShowable(err error) bool {
	k := hub.ErrorKind(err)
	return k == hub.Invalid || k == hub.Conflict
}

// values reads the posted values of fields into them, trimmed.
func values(r *http.Request, fields []formField) {
	for i := range fields {
		if fields[i].Type != "password" {
			fields[i].Value = strings.TrimSpace(r.PostForm.Get(fields[i].Name))
		} else {
			fields[i].Value = r.PostForm.Get(fields[i].Name)
		}
	}
}

// value returns the value of the field name.
func value(fields []formField, name string) string {
	for _, f := range fields {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}
