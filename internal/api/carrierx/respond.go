package carrierx

import (
	"net/http"
	"strconv"
	"sync"
)

// internalErrorBody is the plain 500 writeJSON answers when a value does
// not encode.
const internalErrorBody = `{"message":"internal error","errors":[{"field":null,"message":"internal error","reference_sid":null}]}` + "\n"

// Response bodies are built in pooled buffers. A buffer that grew beyond
// maxPooledBuffer (a very large page) is left to the garbage collector
// rather than kept.
const (
	initialBuffer   = 8 << 10
	maxPooledBuffer = 1 << 20
)

var bufferPool = sync.Pool{New: func() any {
	b := make([]byte, 0, initialBuffer)
	return &b
}}

// getBuffer returns an empty pooled buffer; hand it back with putBuffer
// once the body has been written.
func getBuffer() *[]byte {
	bp := bufferPool.Get().(*[]byte)
	*bp = (*bp)[:0]
	return bp
}

// putBuffer returns bp to the pool unless it is too large to keep.
func putBuffer(bp *[]byte) {
	if cap(*bp) > maxPooledBuffer {
		return
	}
	*bp = (*bp)[:0]
	bufferPool.Put(bp)
}

// writeJSON sends v with the given status. Values are the face's own DTOs,
// which always encode; a failure is still answered as a plain 500.
func writeJSON(w http.ResponseWriter, status int, v any) {
	bp := getBuffer()
	defer putBuffer(bp)
	b, err := appendMarshal(*bp, v)
	if err != nil {
		status = http.StatusInternalServerError
		b = append(b[:0], internalErrorBody...)
	} else {
		b = append(b, '\n')
	}
	*bp = b
	writeBody(w, status, b)
}

// writeBody sends an encoded JSON body (ending in "\n") with the given
// status. The body is not kept: the caller may reuse it once this returns.
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body) // a failed write means the client went away
}
