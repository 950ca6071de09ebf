package carrierx

import (
	"net/http"
	"net/url"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
)

// readForm returns the form-encoded body of r (httpapi.ReadForm: 415,
// 400, 413) and answers any problem itself; ok is false then.
func (a *api) readForm(w http.ResponseWriter, r *http.Request, allowEmpty bool) (url.Values, bool) {
	form, err := httpapi.ReadForm(r, allowEmpty)
	if err != nil {
		a.writeError(w, r, err, fromQuery)
		return nil, false
	}
	return form, true
}

// formParam returns one form parameter. A parameter sent more than once
// is a 400 (RFC 6749 section 3.2); a missing or empty required one is a
// 400 naming it.
func formParam(form url.Values, name string, required bool) (string, error) {
	vals := form[name]
	switch {
	case len(vals) > 1:
		return "", queryError(name, "must be sent only once")
	case required && (len(vals) == 0 || vals[0] == ""):
		return "", queryError(name, "is required")
	case len(vals) == 0:
		return "", nil
	}
	return vals[0], nil
}
