// Package ingest holds what every door into cxpulse shares: the Submitter seam to the pipeline,
// request-body reading (gzip, size limits), bearer-token auth and the JSON error answers of the
// HTTP API. The sources live in sub-packages.
package ingest

import (
	"compress/gzip"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"

	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/internal/jsonapi"
)

// Submitter hands validated events to the pipeline. Submit blocks until every event of evs is
// durable (or known to be a duplicate) and then returns the Ack; on back-pressure it returns an
// *event.BusyError and none of evs is accepted. Safe for concurrent use. evs is owned by the
// Submitter once passed.
type Submitter interface {
	Submit(ctx context.Context, evs []event.Event) (event.Ack, error)
}

// ErrorBody is the JSON answer to a failed request.
type ErrorBody struct {
	Error string `json:"error"`
	// Index is the position of the offending event in the request, when one is to blame.
	Index *int `json:"index,omitempty"`
}

// WriteJSON writes v as JSON with the given status.
func WriteJSON(w http.ResponseWriter, status int, v any) { jsonapi.Write(w, status, v) }

// WriteError answers with {"error": msg} and the status.
func WriteError(w http.ResponseWriter, status int, msg string) {
	WriteJSON(w, status, ErrorBody{Error: msg})
}

// WriteEventError answers 400 with the message and index of a rejected event.
func WriteEventError(w http.ResponseWriter, e *event.Error) {
	i := e.Index
	WriteJSON(w, http.StatusBadRequest, ErrorBody{Error: e.Error(), Index: &i})
}

// WriteSubmitError answers a Submit failure: 429 (queue full) or 503 (storage or spool
// unavailable, shutting down) with Retry-After for back-pressure, 504 when the request's own
// deadline passed, 500 otherwise. It returns the reason for metrics.
func WriteSubmitError(w http.ResponseWriter, err error) string {
	var busy *event.BusyError
	switch {
	case errors.As(err, &busy):
		secs := int(math.Ceil(busy.RetryAfter.Seconds()))
		if secs < 1 {
			secs = 1
		}
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		status := http.StatusServiceUnavailable
		if busy.Reason == event.BusyQueueFull {
			status = http.StatusTooManyRequests
		}
		WriteError(w, status, busy.Error())
		return busy.Reason
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		w.Header().Set("Retry-After", "1")
		WriteError(w, http.StatusServiceUnavailable, "request timed out before its events were stored; nothing was accepted, retry")
		return ReasonTimeout
	}
	WriteError(w, http.StatusInternalServerError, err.Error())
	return ReasonInternal
}

// ErrTooLarge is returned by ReadBody when the body exceeds its limit.
var ErrTooLarge = errors.New("request body too large")

// ReadBody reads the whole request body, un-gzipping it when Content-Encoding says gzip. Both the
// wire size and the decoded size are bounded by limit; past it ReadBody returns an error wrapping
// ErrTooLarge.
func ReadBody(r *http.Request, limit int64) ([]byte, error) {
	var src io.Reader = http.MaxBytesReader(nil, r.Body, limit)
	// A plain body's length is usually known: read it into one buffer of that size instead of
	// growing one (a 1 MB body would otherwise be copied a dozen times).
	hint := 512
	switch enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
		if r.ContentLength > 0 {
			hint = int(min(r.ContentLength, limit)) + 1
		}
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(src)
		if err != nil {
			if tooLarge(err) {
				return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
			}
			return nil, fmt.Errorf("bad gzip body: %w", err)
		}
		defer func() { _ = zr.Close() }()
		src = zr
	default:
		return nil, fmt.Errorf("unsupported Content-Encoding %q (want gzip or none)", enc)
	}
	body, err := readAll(io.LimitReader(src, limit+1), hint)
	if err != nil {
		if tooLarge(err) {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
		}
		return nil, fmt.Errorf("reading body: %w", err)
	}
	if int64(len(body)) > limit {
		return nil, fmt.Errorf("%w: more than %d bytes once decompressed", ErrTooLarge, limit)
	}
	return body, nil
}

// readAll reads r to its end into a buffer of hint bytes, growing it only if r is longer.
func readAll(r io.Reader, hint int) ([]byte, error) {
	b := make([]byte, 0, max(hint, 512))
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // grow
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// WriteBodyError answers a ReadBody failure: 413 when too large, 415 for an unknown encoding,
// 400 otherwise.
func WriteBodyError(w http.ResponseWriter, err error) {
	switch {
	case errors.Is(err, ErrTooLarge):
		WriteError(w, http.StatusRequestEntityTooLarge, err.Error())
	case strings.HasPrefix(err.Error(), "unsupported Content-Encoding"):
		WriteError(w, http.StatusUnsupportedMediaType, err.Error())
	default:
		WriteError(w, http.StatusBadRequest, err.Error())
	}
}

// Authorized reports whether r carries "Authorization: Bearer <token>". An empty token means no
// auth is configured and every request passes. The comparison takes constant time.
func Authorized(r *http.Request, token string) bool {
	if token == "" {
		return true
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(token)) == 1
}

// RequireToken wraps h so that requests without the bearer token get 401; denied, when not nil,
// is called for each of them (to count it).
func RequireToken(token string, denied func(), h http.Handler) http.Handler {
	if token == "" {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !Authorized(r, token) {
			if denied != nil {
				denied()
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="cxpulse"`)
			WriteError(w, http.StatusUnauthorized, "missing or wrong bearer token")
			return
		}
		h.ServeHTTP(w, r)
	})
}
