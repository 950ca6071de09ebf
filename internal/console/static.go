package console

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"
)

// staticFS holds the stylesheet, the vendored htmx and its licence.
//
//go:embed static/console.css static/console.js static/htmx.min.js static/htmx.LICENSE
var staticFS embed.FS

// staticPrefix is where the static files are served.
const staticPrefix = Prefix + "/static/"

// asset is one embedded file and the short hash of its content, which
// its URL carries, so a changed file has a new URL and each version may
// be cached for long.
type asset struct {
	body  []byte
	hash  string
	ctype string
}

// assets are the embedded files by name, loaded once.
var assets = func() map[string]asset {
	out := map[string]asset{}
	entries, err := fs.ReadDir(staticFS, "static")
	if err != nil {
		panic(err)
	}
	for _, e := range entries {
		b, err := staticFS.ReadFile("static/" + e.Name())
		if err != nil {
			panic(err)
		}
		sum := sha256.Sum256(b)
		ctype := mime.TypeByExtension(path.Ext(e.Name()))
		if ctype == "" {
			ctype = "text/plain; charset=utf-8"
		}
		out[e.Name()] = asset{body: b, hash: hex.EncodeToString(sum[:6]), ctype: ctype}
	}
	return out
}()

// assetURL is the URL of an embedded file, versioned by its content.
func assetURL(name string) string {
	a, ok := assets[name]
	if !ok {
		panic("console: no static file " + name)
	}
	return staticPrefix + name + "?v=" + a.hash
}

// isStatic reports whether a path names the static files.
func isStatic(p string) bool { return strings.HasPrefix(p, staticPrefix) }

// staticHandler serves the embedded files: GET and HEAD only, without a
// session, cached for a year when the URL names the current version.
func staticHandler() http.Handler {
	modified := time.Now()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, staticPrefix)
		a, ok := assets[name]
		switch {
		case r.Method != http.MethodGet && r.Method != http.MethodHead:
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		case !ok:
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ctype)
		h.Set("X-Content-Type-Options", "nosniff")
		if r.URL.Query().Get("v") == a.hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		h.Set("ETag", `"`+a.hash+`"`)
		http.ServeContent(w, r, name, modified, bytes.NewReader(a.body))
	})
}
