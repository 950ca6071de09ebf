package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"sync"
)

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

// GetBuffer returns an empty pooled buffer; hand it back with PutBuffer
// once the body has been written (WriteBody does not keep it).
func GetBuffer() *[]byte {
	bp := bufferPool.Get().(*[]byte)
	*bp = (*bp)[:0]
	return bp
}

// PutBuffer returns bp to the pool unless it is too large to keep. Store
// the grown slice in *bp before calling it, so the growth is kept.
func PutBuffer(bp *[]byte) {
	if cap(*bp) > maxPooledBuffer {
		return
	}
	*bp = (*bp)[:0]
	bufferPool.Put(bp)
}

// AppendJSON appends the encoding/json encoding of v without HTML
// escaping and without a trailing newline. On failure dst is returned
// unchanged with the error.
func AppendJSON(dst []byte, v any) ([]byte, error) {
	aw := appendWriter{b: dst}
	enc := json.NewEncoder(&aw)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return dst, err
	}
	return aw.b[:len(aw.b)-1], nil
}

// appendWriter is an io.Writer appending to a byte slice.
type appendWriter struct{ b []byte }

func (w *appendWriter) Write(p []byte) (int, error) {
	w.b = append(w.b, p...)
	return len(p), nil
}

// WriteBody sends an encoded JSON body (which should end in "\n") with
// the given status, Content-Type application/json, its Content-Length and
// nosniff. The body is not kept: the caller may reuse it once this
// returns. A failed write means the client went away and is ignored.
func WriteBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// WriteJSON encodes v (AppendJSON plus "\n") in a pooled buffer and sends
// it with status. If v does not encode (a bug: faces encode their own
// DTOs) nothing is written and the error is returned, so the face can
// answer it in its own error shape.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	bp := GetBuffer()
	defer PutBuffer(bp)
	b, err := AppendJSON(*bp, v)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	*bp = b
	WriteBody(w, status, b)
	return nil
}
