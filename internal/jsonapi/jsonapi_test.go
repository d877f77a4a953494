package jsonapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDecode(t *testing.T) {
	type req struct {
		Status string `json:"status"`
	}
	for _, tc := range []struct {
		name, ct, body string
		ok             bool
		code           int
		msg            string
	}{
		{name: "good", ct: "application/json; charset=utf-8", body: `{"status": "open"}`, ok: true},
		{name: "no content type", body: `{"status": "open"}`, ok: true},
		{name: "form", ct: "application/x-www-form-urlencoded", body: "status=open", code: 415, msg: `{"error":"things: want Content-Type application/json"}`},
		{name: "unknown field", ct: "application/json", body: `{"state": "open"}`, code: 400, msg: `{"error":"things: bad JSON: json: unknown field \"state\""}`},
		{name: "over the limit", ct: "application/json", body: `{"status": "` + strings.Repeat("x", 100) + `"}`, code: 400},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			if tc.ct != "" {
				r.Header.Set("Content-Type", tc.ct)
			}
			w := httptest.NewRecorder()
			var v req
			require.Equal(t, tc.ok, Decode(w, r, 64, "things", &v))
			if tc.ok {
				require.Equal(t, "open", v.Status)
				return
			}
			require.Equal(t, tc.code, w.Code)
			require.Equal(t, "application/json", w.Header().Get("Content-Type"))
			if tc.msg != "" {
				require.JSONEq(t, tc.msg, w.Body.String())
			}
		})
	}
}
