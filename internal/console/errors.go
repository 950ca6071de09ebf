package console

import (
	"context"
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// statusOf maps a hub error to the console's status, in one place. An
// Unauthenticated error is a redirect to the sign-in page.
func statusOf(e *hub.Error) int {
	if e.Kind == hub.Unauthenticated {
		return http.StatusSeeOther
	}
	return httpapi.StatusOf(e.Kind)
}

// errorTitles head the error page of each status.
var errorTitles = map[int]string{
	http.StatusBadRequest:            "That request cannot be read",
	http.StatusForbidden:             "Not allowed",
	http.StatusNotFound:              "Not found",
	http.StatusMethodNotAllowed:      "Not allowed",
	http.StatusConflict:              "Conflict",
	http.StatusRequestEntityTooLarge: "Too large",
	http.StatusTooManyRequests:       "Too many attempts",
	http.StatusInternalServerError:   "Something went wrong",
	http.StatusServiceUnavailable:    "Busy",
}

// newErrors is the console's error pipeline (httpapi.Errors: 499 for
// clients gone, internal errors logged and hidden, Retry-After on 429 and
// 503) with an HTML body.
func (c *console) newErrors() *httpapi.Errors {
	return &httpapi.Errors{Face: "console", Log: c.log, Status: statusOf, Body: c.errorBody}
}

// principalKey carries the principal of a failing request to errorBody,
// so an error page keeps the navigation of the signed-in user.
type principalKey struct{}

// fail answers err for a request made by pr.
func (c *console) fail(w http.ResponseWriter, r *http.Request, pr hub.Principal, err error) {
	c.errs.Write(w, r.WithContext(context.WithValue(r.Context(), principalKey{}, pr)), err)
}

// errorBody renders an error: a redirect to the sign-in page for an
// unauthenticated request, an alert for an htmx fragment, else the error
// page. The message is the hub's, which is safe to show; a missing object
// and one outside the user's branch read the same.
func (c *console) errorBody(w http.ResponseWriter, r *http.Request, status int, e *hub.Error) {
	if status == http.StatusSeeOther {
		code := "required"
		if e.Message == msgEnded {
			code = "ended"
		}
		target := signInURL(r, code)
		if r.Header.Get("HX-Request") == "true" {
			// htmx follows this header with a full page load; a 303
			// would be followed inside the fragment instead.
			w.Header().Set("HX-Redirect", target)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	pr, _ := r.Context().Value(principalKey{}).(hub.Principal)
	title := errorTitles[status]
	if title == "" {
		title = http.StatusText(status)
	}
	data := struct {
		Status  int
		Message string
		Fields  []hub.FieldError
	}{status, e.Message, e.Fields}
	v := c.newView(r.Context(), pr, title, "", data)
	if r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-History-Restore-Request") != "true" {
		// Swapped into the part of the page that asked.
		c.renderTemplate(w, status, "error", "frag-error", v)
		return
	}
	c.renderTemplate(w, status, "error", "layout", v)
}

// renderTemplate writes one template of page name with data v, without
// the session work of render (error answers must not fail twice).
func (c *console) renderTemplate(w http.ResponseWriter, status int, name, tmpl string, v any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	if err := c.pages.sets[name].ExecuteTemplate(w, tmpl, v); err != nil {
		c.log.Error("console: render error page", "err", err)
	}
}
