package alerting

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestSilenceAPI(t *testing.T) {
	p := t.TempDir() + "/r.yaml"
	require.NoError(t, os.WriteFile(p, []byte(dispatchYAML), 0o600))
	now := time.Date(2026, 11, 25, 14, 0, 0, 0, time.UTC)
	var console bytes.Buffer
	mem := &MemQuery{Start: now, Interval: time.Minute}
	m, err := New(Config{RuleFiles: []string{p}}, Deps{Query: mem.Query, Console: &console, Now: func() time.Time { return now }}, nil, nil)
	require.NoError(t, err)
	h := m.Handler()
	do := func(method, path, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		h.ServeHTTP(rec, req)
		return rec
	}
	for _, c := range []struct {
		body, want string
	}{
		{`{`, "bad JSON"},
		{`{"matchers": [], "duration": "1h", "created_by": "me"}`, "at least one matcher"},
		{`{"matchers": ["a=~\".*\""], "duration": "1h", "created_by": "me"}`, "would mute every alert"},
		{`{"matchers": ["a==b"], "duration": "1h", "created_by": "me"}`, "invalid matcher"},
		{`{"matchers": ["a=\"b\""], "duration": "1h"}`, "created_by is required"},
		{`{"matchers": ["a=\"b\""], "created_by": "me"}`, "ends_at must be after"},
		{`{"matchers": ["a=\"b\""], "duration": "1h", "created_by": "me", "colour": "red"}`, "unknown field"},
	} {
		rec := do(http.MethodPost, "/v1/silences", c.body)
		require.Equal(t, http.StatusBadRequest, rec.Code, c.body)
		require.Contains(t, rec.Body.String(), c.want, c.body)
	}
	rec := do(http.MethodPost, "/v1/silences", `{"matchers": ["product=\"checkout\""], "duration": "2h", "created_by": "me", "comment": "known"}`)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	var s SilenceJSON
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &s))
	require.Equal(t, "active", s.State)
	require.Equal(t, now.Add(2*time.Hour), s.EndsAt)
	require.Equal(t, []string{s.ID}, m.Silences().Mutes(Labels{"product": "checkout"}, now))

	require.Equal(t, http.StatusNotFound, do(http.MethodDelete, "/v1/silences/nope", "").Code)
	require.Equal(t, http.StatusNoContent, do(http.MethodDelete, "/v1/silences/"+s.ID, "").Code)
	require.Empty(t, m.Silences().Mutes(Labels{"product": "checkout"}, now))
	rec = do(http.MethodGet, "/v1/silences", "")
	require.Contains(t, rec.Body.String(), `"state":"expired"`)
	rec = do(http.MethodGet, "/v1/alerts", "")
	require.Equal(t, "[]\n", rec.Body.String())
}
