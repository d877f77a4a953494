package ingest

import (
	"bytes"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func TestReadAllSizes(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789"), 1000)
	for _, hint := range []int{0, 1, 511, 9999, 10000, 10001, 1 << 20} {
		got, err := readAll(iotest.HalfReader(bytes.NewReader(data)), hint)
		require.NoError(t, err)
		require.Equal(t, data, got, "hint %d", hint)
	}
	boom := errors.New("boom")
	_, err := readAll(iotest.ErrReader(boom), 10)
	require.ErrorIs(t, err, boom)
}

func TestReadBodyLimits(t *testing.T) {
	body := strings.Repeat("x", 100)
	r := httptest.NewRequest("POST", "/", strings.NewReader(body))
	got, err := ReadBody(r, 100)
	require.NoError(t, err)
	require.Equal(t, body, string(got))

	r = httptest.NewRequest("POST", "/", strings.NewReader(body))
	_, err = ReadBody(r, 99)
	require.ErrorIs(t, err, ErrTooLarge)

	// A Content-Length smaller than the body does not truncate what the server delivers.
	r = httptest.NewRequest("POST", "/", io.NopCloser(strings.NewReader(body)))
	r.ContentLength = 10
	got, err = ReadBody(r, 1000)
	require.NoError(t, err)
	require.Equal(t, body, string(got))
}
