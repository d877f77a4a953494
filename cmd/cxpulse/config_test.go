package main

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/spf13/cobra"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestLoadConfigGood(t *testing.T) {
	cfg, err := loadConfig("testdata/config.good.yaml")
	require.NoError(t, err)
	require.Equal(t, []string{"clickhouse-1:9000", "clickhouse-2:9000"}, cfg.ClickHouse.Addr)
	require.Equal(t, "cx", cfg.ClickHouse.Database)
	require.Equal(t, 100000, cfg.ClickHouse.Writer.MaxRows)
	require.Equal(t, time.Second, cfg.ClickHouse.Writer.MaxDelay)
	// Keys the file leaves out keep their defaults.
	require.Equal(t, defaultConfig().ClickHouse.Writer.RetryFor, cfg.ClickHouse.Writer.RetryFor)
	require.Equal(t, 48*time.Hour, cfg.Pipeline.Dedup.Window)
	require.Equal(t, "${CLICKHOUSE_PASSWORD}", cfg.ClickHouse.Password.Value())
}

func TestLoadConfigBadReportsEveryErrorWithPosition(t *testing.T) {
	_, err := loadConfig("testdata/config.bad.yaml")
	require.Error(t, err)
	msg := err.Error()
	// Decoding errors come first, all of them.
	require.Contains(t, msg, "testdata/config.bad.yaml:9:16: cannot unmarshal !!str `soon` into time.Duration")
	require.Contains(t, msg, `testdata/config.bad.yaml:12:3: unknown key "queue_sise"`)

	// Once it decodes, every semantic error is reported with its position.
	_, err = loadConfig("testdata/config.semantic.bad.yaml")
	require.Error(t, err)
	msg = err.Error()
	for _, want := range []string{
		`testdata/config.semantic.bad.yaml:2:3: server.listen: "nowhere" is not host:port`,
		"testdata/config.semantic.bad.yaml:3:3: server.ingest_token: write secrets as ${ENV_VAR}, never in the file",
		`testdata/config.semantic.bad.yaml:4:3: server.log_level: "loud" is not one of debug, info, warn, error`,
		`testdata/config.semantic.bad.yaml:6:3: clickhouse: database: "my-db" is not a valid identifier`,
		"testdata/config.semantic.bad.yaml:8:5: clickhouse.writer: max_rows must be at least 1, got 0",
		"testdata/config.semantic.bad.yaml:10:3: output.kafka: topic must be set",
		"testdata/config.semantic.bad.yaml:12:5: output.kafka: max_buffered must be positive, got -1",
	} {
		require.Contains(t, msg, want)
	}
}

func TestIsLoopback(t *testing.T) {
	require.True(t, isLoopback("127.0.0.1:8080"))
	require.True(t, isLoopback("[::1]:8080"))
	require.True(t, isLoopback("localhost:8080"))
	require.False(t, isLoopback("0.0.0.0:8080"))
	require.False(t, isLoopback(":8080"))
	require.False(t, isLoopback("10.0.0.1:8080"))
}

func TestExampleConfigIsValid(t *testing.T) {
	cfg, err := loadConfig("../../deploy/cxpulse.example.yaml")
	require.NoError(t, err)
	def := defaultConfig()
	// The example documents the defaults: only the keys marked "example" differ.
	cfg.Server.IngestToken, cfg.ClickHouse.Password, cfg.Spool.Dir = "", "", ""
	// Compared as YAML, where an empty list and an absent one are the same.
	want, err := yaml.Marshal(def)
	require.NoError(t, err)
	got, err := yaml.Marshal(cfg)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))
}

func TestServeFlagsRules(t *testing.T) {
	cfgFile := filepath.Join(t.TempDir(), "c.yaml")
	require.NoError(t, os.WriteFile(cfgFile, []byte("alerting:\n  rule_files: [/etc/cxpulse/rules/*.yaml]\n  grafana_url: https://grafana.example.com\n"), 0o644))
	load := func(args ...string) (Config, error) {
		var f serveFlags
		cmd := &cobra.Command{}
		f.bind(cmd.Flags())
		require.NoError(t, cmd.ParseFlags(append([]string{"--config", cfgFile}, args...)))
		return f.load(cmd)
	}
	cfg, err := load()
	require.NoError(t, err)
	require.Equal(t, []string{"/etc/cxpulse/rules/*.yaml"}, cfg.Alerting.RuleFiles)

	cfg, err = load("--no-rules")
	require.NoError(t, err)
	require.Nil(t, cfg.Alerting, "an ingest-only instance runs no rules")

	cfg, err = load("--rules", "/srv/rules/*.yaml")
	require.NoError(t, err)
	require.Equal(t, []string{"/srv/rules/*.yaml"}, cfg.Alerting.RuleFiles)
	require.Equal(t, "https://grafana.example.com", cfg.Alerting.GrafanaURL)

	_, err = load("--no-rules", "--rules", "/srv/rules/*.yaml")
	require.EqualError(t, err, "--rules and --no-rules contradict each other")
}
