package console

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages holds one template set per page: the shared layout and partials
// with the page's own "content" (and fragments) parsed on top.
type pages struct{ sets map[string]*template.Template }

// parsePages parses every templates/*.html but the shared ones
// (layout.html, parts.html) as a page named after its file.
func parsePages() (*pages, error) {
	base, err := template.New("").Funcs(templateFuncs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("console templates: %w", err)
	}
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		if name == "layout" || name == "parts" {
			continue
		}
		set, err := template.Must(base.Clone()).ParseFS(templateFS, f)
		if err != nil {
			return nil, fmt.Errorf("console template %s: %w", name, err)
		}
		p.sets[name] = set
	}
	return p, nil
}

// view is what every page template receives.
type view struct {
	Title string // the page's heading and title
	Nav   string // the main navigation entry to mark current
	Me    *me    // the signed-in user; nil on the sign-in page
	CSRF  string // the session's CSRF token, for forms
	Flash string // a one-time message from the previous request
	Data  any    // the page's own data
}

// me is the signed-in user as templates see it.
type me struct {
	pr       hub.Principal
	Username string
}

// Can reports whether the user holds scope (directly or by its manage
// scope): pages hide what the user may not use. The hub decides anyway.
func (m *me) Can(scope string) bool { return m.pr.HasScope(scope) }

// Role is the user's role.
func (m *me) Role() hub.Role { return m.pr.Role }

// HomeID is the user's home partner (0 for a client-level user).
func (m *me) HomeID() int64 {
	if m.pr.ClientID != 0 {
		return 0
	}
	return m.pr.PartnerID
}

// ClientID is the client of a client-level user, else 0.
func (m *me) ClientID() int64 { return m.pr.ClientID }

// newView builds the view of a full page for pr.
func (c *console) newView(ctx context.Context, pr hub.Principal, title, nav string, data any) *view {
	v := &view{Title: title, Nav: nav, Data: data}
	if pr.UserID != 0 {
		v.Me = &me{pr: pr, Username: c.sessions.GetString(ctx, keyUsername)}
		v.CSRF = c.sessions.GetString(ctx, keyCSRF)
	}
	return v
}

// fragment returns the name of the fragment an htmx request asks for
// (its HX-Target, when the page defines "frag-<target>"), or "" for the
// whole page. A history restore always gets the whole page.
func fragment(r *http.Request, set *template.Template) string {
	if r.Header.Get("HX-Request") != "true" || r.Header.Get("HX-History-Restore-Request") == "true" {
		return ""
	}
	target := r.Header.Get("HX-Target")
	if target == "" || set.Lookup("frag-"+target) == nil {
		return ""
	}
	return "frag-" + target
}

// render writes page name with status: the fragment an htmx request
// targets, else the whole page (which consumes the session's one-time
// message). It renders into a buffer first, so a template error is a
// clean 500.
func (c *console) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	set, ok := c.pages.sets[name]
	if !ok {
		c.errs.Write(w, r, fmt.Errorf("console: no page %q", name))
		return
	}
	tmpl := fragment(r, set)
	if tmpl == "" {
		tmpl = "layout"
		if v.Me != nil {
			v.Flash = c.sessions.PopString(r.Context(), keyFlash)
		}
	}
	var buf bytes.Buffer
	if err := set.ExecuteTemplate(&buf, tmpl, v); err != nil {
		c.errs.Write(w, r, fmt.Errorf("console: render %s: %w", name, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// page renders a whole page (or its requested fragment) with status 200.
func (c *console) page(w http.ResponseWriter, r *http.Request, pr hub.Principal, name, title, nav string, data any) {
	c.render(w, r, http.StatusOK, name, c.newView(r.Context(), pr, title, nav, data))
}

// redirect sends the browser to target after a successful form post
// (303, so a reload does not post again), with a one-time message.
func (c *console) redirect(w http.ResponseWriter, r *http.Request, target, message string) {
	if message != "" {
		c.flash(r.Context(), message)
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// templateFuncs are the helpers templates may call.
var templateFuncs = template.FuncMap{
	"asset": assetURL,
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"whenp": func(t *time.Time) string {
		if t == nil {
			return "—"
		}
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	// whensec is when with seconds, for events seconds apart.
	"whensec": func(t any) string {
		switch t := t.(type) {
		case time.Time:
			return t.UTC().Format("2006-01-02 15:04:05 UTC")
		case *time.Time:
			if t != nil {
				return t.UTC().Format("2006-01-02 15:04:05 UTC")
			}
		}
		return "—"
	},
	// lastAttempt is the latest of a delivery's attempts, or nil.
	"lastAttempt": func(a []hub.WebhookAttempt) *hub.WebhookAttempt {
		if len(a) == 0 {
			return nil
		}
		return &a[len(a)-1]
	},
	"money":   func(m hub.Money) string { return m.String() },
	"join":    strings.Join,
	"fieldID": func(name string) string { return "f-" + strings.ReplaceAll(name, "_", "-") },
}
