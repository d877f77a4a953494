// Package jsonapi holds what cxpulse's JSON HTTP APIs (alerts, silences, outreach) share: writing
// a JSON answer or error, and reading a JSON request strictly.
package jsonapi

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
)

// Write answers with v as JSON and the status.
func Write(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Error answers with {"error": msg} and the status.
func Error(w http.ResponseWriter, status int, msg string) {
	Write(w, status, map[string]string{"error": msg})
}

// Decode reads the JSON request body (at most limit bytes) into v, refusing unknown fields. On a
// Content-Type other than JSON (415), an unreadable body or bad JSON (400) it answers, with
// messages that start with what, and returns false.
func Decode(w http.ResponseWriter, r *http.Request, limit int64, what string, v any) bool {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		Error(w, http.StatusUnsupportedMediaType, what+": want Content-Type application/json")
		return false
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit))
	if err != nil {
		Error(w, http.StatusBadRequest, what+": read body: "+err.Error())
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		Error(w, http.StatusBadRequest, what+": bad JSON: "+err.Error())
		return false
	}
	return true
}
