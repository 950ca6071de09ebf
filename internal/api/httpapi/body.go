package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
)

// Media types of request bodies.
const (
	JSONType = "application/json"
	FormType = "application/x-www-form-urlencoded"
)

// badRequest is a 400 about the body.
func badRequest(msg string, cause error) error {
	return &RequestError{Status: http.StatusBadRequest, Message: msg, Err: cause}
}

// readErr is the error of a failed body read: 413 past the server's body
// limit (the *http.MaxBytesError is the cause), else 400.
func readErr(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return &RequestError{Status: http.StatusRequestEntityTooLarge,
			Message: "the request body is larger than " + strconv.FormatInt(mbe.Limit, 10) + " bytes", Err: err}
	}
	return badRequest("the request body could not be read", err)
}

// ReadObject reads the whole body of r as one JSON object and returns its
// members undecoded (numbers keep their text). The rules of every face:
// a Content-Type other than application/json (parameters such as charset
// allowed) is 415; an empty body, JSON that does not decode, anything but
// one object (an array, null, a second value) is 400 ({} is the valid
// empty object); a body over the server's limit is 413. Errors are
// *RequestError.
func ReadObject(r *http.Request) (map[string]json.RawMessage, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != JSONType {
		return nil, &RequestError{Status: http.StatusUnsupportedMediaType, Message: "the request body must be sent with Content-Type: " + JSONType}
	}
	var body []byte
	if r.Body != nil {
		if body, err = io.ReadAll(r.Body); err != nil {
			return nil, readErr(err)
		}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return nil, badRequest("a JSON object body is required ({} is a valid empty body)", nil)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil || obj == nil {
		return nil, badRequest("the request body is not a JSON object: "+jsonProblem(err), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, badRequest("the request body has data after the JSON object", nil)
	}
	return obj, nil
}

// jsonProblem describes a decoding error without repeating the body.
func jsonProblem(err error) string {
	if err == nil {
		return "null"
	}
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return se.Error() + " at byte " + strconv.FormatInt(se.Offset, 10)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return "found " + te.Value
	}
	return err.Error()
}

// ReadForm returns the form-encoded body of r (never the query string, so
// credentials in a URL are not read). Another Content-Type is 415, unless
// allowEmpty is set and there is no body at all (then the form is empty).
// A body that does not decode is 400; one over the server's limit is 413.
// Errors are *RequestError.
func ReadForm(r *http.Request, allowEmpty bool) (url.Values, error) {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil && mt == FormType {
		if err := r.ParseForm(); err != nil {
			var mbe *http.MaxBytesError
			if errors.As(err, &mbe) {
				return nil, readErr(err)
			}
			return nil, badRequest("the request body is not a valid form: "+shorten(err.Error()), err)
		}
		return r.PostForm, nil
	}
	if allowEmpty {
		if r.Body == nil {
			return url.Values{}, nil
		}
		if n, _ := io.ReadFull(r.Body, make([]byte, 1)); n == 0 {
			return url.Values{}, nil
		}
	}
	return nil, &RequestError{Status: http.StatusUnsupportedMediaType, Message: "the request body must be sent with Content-Type: " + FormType}
}

// shorten bounds user text repeated in messages to 40 runes.
func shorten(s string) string {
	if len(s) <= 40 {
		return s
	}
	r := []rune(s)
	if len(r) > 40 {
		r = r[:40]
	}
	return string(r) + "..."
}
