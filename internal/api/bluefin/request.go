package bluefin

import (
	"net/http"
	"strconv"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// The handlers' reading of a request: the path id and the JSON body. Each
// helper answers the request itself when it fails and then reports false:
// the handler returns at once.

// pathID reads a {..._id} path value; a value that is not a positive id
// names nothing and gets the same 404 as a missing one.
func pathID(r interface{ PathValue(string) string }, name, what string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound(what)
	}
	return id, nil
}

// readID reads the path value param as pathID does; a bad one is answered
// as a missing what (404) and reported false.
func (a *api) readID(w http.ResponseWriter, r *http.Request, param, what string) (int64, bool) {
	id, err := pathID(r, param, what)
	if err != nil {
		a.writeError(w, r, err)
		return 0, false
	}
	return id, true
}

// readBody reads the request's JSON object for reading attribute by
// attribute; a body that is not one JSON object is answered
// (httpapi.ReadObject's error) and reported false.
func (a *api) readBody(w http.ResponseWriter, r *http.Request) (*body, bool) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		a.writeError(w, r, err)
		return nil, false
	}
	return newBody(obj, ""), true
}

// readPatch reads an update: the path id (readID) first, then the body
// (readBody); the first failure is answered and reported false.
func (a *api) readPatch(w http.ResponseWriter, r *http.Request, param, what string) (int64, *body, bool) {
	id, ok := a.readID(w, r, param, what)
	if !ok {
		return 0, nil, false
	}
	b, ok := a.readBody(w, r)
	return id, b, ok
}

// readCreate reads a create whose partner the reference attribute key
// names (required): the body (readBody), then key, resolved among the
// partners pr can see with need. A key not sent, null or malformed is
// answered at once with the body's problems so far ("is required" for one
// not sent or null); a partner that does not resolve, with refError naming
// key (or the hub's 403). Each failure reports false.
func (a *api) readCreate(w http.ResponseWriter, r *http.Request, pr hub.Principal, key string, need hub.Requirement) (*body, *hub.Partner, bool) {
	b, ok := a.readBody(w, r)
	if !ok {
		return nil, nil, false
	}
	pref, sent := b.reference(key)
	if !sent {
		b.require(key)
		a.writeError(w, r, b.err())
		return nil, nil, false
	}
	p, err := a.svc.ResolvePartner(r.Context(), pr, hub.PartnerRef{ID: pref.ID, Name: pref.Name}, need)
	if err != nil {
		a.writeError(w, r, refError(err, key))
		return nil, nil, false
	}
	return b, p, true
}

// checkBody ends the reading of a create's body (body.finish with
// readOnly and required) and answers its problems, if any, reporting
// false.
func (a *api) checkBody(w http.ResponseWriter, r *http.Request, b *body, readOnly []string, required ...string) bool {
	b.finish(readOnly, required...)
	if err := b.err(); err != nil {
		a.writeError(w, r, err)
		return false
	}
	return true
}
