package carrierx

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// formType is the media type of the OAuth endpoints' bodies.
const formType = "application/x-www-form-urlencoded"

// readForm returns the form-encoded body of r (never the query string, so
// credentials in a URL are ignored). Another Content-Type is 415, unless
// allowEmpty is set and there is no body at all. A body that cannot be
// decoded is 400; one over the server's limit is 413.
func (a *api) readForm(w http.ResponseWriter, r *http.Request, allowEmpty bool) (url.Values, bool) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && mt == formType {
		if err := r.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if !errors.As(err, &mbe) {
				err = hub.Errorf(hub.Invalid, "the request body is not a valid form: %s", shorten(err.Error()))
			}
			a.writeError(w, r, err, fromQuery)
			return nil, false
		}
		return r.PostForm, true
	}
	if allowEmpty && r.Body != nil {
		if n, _ := io.ReadFull(r.Body, make([]byte, 1)); n == 0 {
			return url.Values{}, true
		}
	} else if allowEmpty {
		return url.Values{}, true
	}
	a.writeProblem(w, http.StatusUnsupportedMediaType, "the request body must be sent with Content-Type: "+formType, nil)
	return nil, false
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
