package alerting

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The shipped rule files must pass `check rules`, and their unit tests `test rules`.
func TestShippedRules(t *testing.T) {
	files, err := filepath.Glob("../deploy/rules/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	_, err = LoadFiles(files...)
	require.NoError(t, err)

	tests, err := filepath.Glob("../deploy/rules/tests/*.yaml")
	require.NoError(t, err)
	require.NotEmpty(t, tests)
	var out bytes.Buffer
	passed, failed, err := RunTests(context.Background(), tests, TestOptions{Out: &out})
	t.Log(out.String())
	require.NoError(t, err)
	require.Zero(t, failed, out.String())
	require.NotZero(t, passed)
}
