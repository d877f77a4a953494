package main

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/event"
	"github.com/cxpulse/cxpulse/ingest/httpapi"
	"github.com/cxpulse/cxpulse/ingest/kafka"
	"github.com/cxpulse/cxpulse/ingest/lokipush"
	"github.com/cxpulse/cxpulse/ingest/redact"
	"github.com/cxpulse/cxpulse/ingest/webhook/intercom"
	"github.com/cxpulse/cxpulse/ingest/webhook/zendesk"
	"github.com/cxpulse/cxpulse/internal/secret"
	"github.com/cxpulse/cxpulse/outreach"
	"github.com/cxpulse/cxpulse/pipeline"
	"github.com/cxpulse/cxpulse/pipeline/spool"
	"github.com/cxpulse/cxpulse/sentiment"
	"github.com/cxpulse/cxpulse/store"
)

// Config is the whole configuration file of `cxpulse serve`.
type Config struct {
	Server     ServerConfig     `yaml:"server"`
	ClickHouse ClickHouseConfig `yaml:"clickhouse"`
	Pipeline   pipeline.Config  `yaml:"pipeline"`
	Spool      spool.Config     `yaml:"spool"`
	Events     event.Limits     `yaml:"events"`
	Ingest     IngestConfig     `yaml:"ingest"`
	Sentiment  sentiment.Config `yaml:"sentiment"`
	// Redact says which kinds of personal data are replaced before storage.
	Redact redact.Config `yaml:"redact"`
	// Alerting runs rule files when set.
	Alerting *alerting.Config `yaml:"alerting"`
	// Outreach runs the outreach: sections of the rule files.
	Outreach outreach.Config `yaml:"outreach"`
	// Output publishes the scored events to other systems.
	Output OutputConfig `yaml:"output"`
}

// OutputConfig is the `output:` section.
type OutputConfig struct {
	// Kafka publishes every accepted event, scored and redacted, to a topic when brokers are set.
	Kafka kafka.PublishConfig `yaml:"kafka"`
}

// ServerConfig is the `server:` section.
type ServerConfig struct {
	// Listen is the address of the HTTP API, /metrics and the health endpoints.
	Listen string `yaml:"listen"`
	// IngestToken is the bearer token the ingest endpoints require, written as ${VAR}.
	IngestToken secret.Secret `yaml:"ingest_token"`
	// InsecureNoAuth allows listening beyond loopback without a token.
	InsecureNoAuth bool `yaml:"insecure_no_auth"`
	// ShutdownTimeout bounds the drain at shutdown.
	ShutdownTimeout time.Duration `yaml:"shutdown_timeout"`
	LogLevel        string        `yaml:"log_level"`
	LogFormat       string        `yaml:"log_format"`

	// tokenFromFlag is set when IngestToken came from --ingest-token, not from the file.
	tokenFromFlag bool
}

// ClickHouseConfig is the `clickhouse:` section: the connection and the events writer.
type ClickHouseConfig struct {
	store.Config `yaml:",inline"`
	Writer       store.BatchConfig `yaml:"writer"`
}

// IngestConfig is the `ingest:` section, one key per door. The Loki push endpoint is always on
// (behind the ingest token); Zendesk, Intercom and Kafka are on when their secret or brokers are
// set.
type IngestConfig struct {
	HTTP     httpapi.Config  `yaml:"http"`
	Loki     lokipush.Config `yaml:"loki"`
	Zendesk  zendesk.Config  `yaml:"zendesk"`
	Intercom intercom.Config `yaml:"intercom"`
	Kafka    kafka.Config    `yaml:"kafka"`
}

// defaultConfig is the configuration before a file or flags change it.
func defaultConfig() Config {
	return Config{
		Server: ServerConfig{
			Listen: "127.0.0.1:8080", ShutdownTimeout: 30 * time.Second, LogLevel: "info", LogFormat: "text",
		},
		ClickHouse: ClickHouseConfig{Config: store.DefaultConfig(), Writer: store.DefaultBatchConfig()},
		Pipeline:   pipeline.DefaultConfig(),
		Spool:      spool.DefaultConfig(),
		Events:     event.DefaultLimits(),
		Ingest: IngestConfig{
			HTTP: httpapi.DefaultConfig(), Loki: lokipush.DefaultConfig(), Zendesk: zendesk.DefaultConfig(),
			Intercom: intercom.DefaultConfig(), Kafka: kafka.DefaultConfig(),
		},
		Sentiment: sentiment.DefaultConfig(),
		Redact:    redact.DefaultConfig(),
		Outreach:  outreach.DefaultConfig(),
		Output:    OutputConfig{Kafka: kafka.DefaultPublishConfig()},
	}
}

// Validate reports every problem, each prefixed with the path of its key.
func (c *Config) Validate() error {
	var errs []error
	add := func(path string, err error) {
		if err == nil {
			return
		}
		for _, line := range strings.Split(err.Error(), "\n") {
			errs = append(errs, fmt.Errorf("%s: %s", path, line))
		}
	}
	add("server.listen", validateListen(c.Server.Listen))
	if c.Server.IngestToken != "" && !secret.IsReference(c.Server.IngestToken.Value()) && !c.Server.tokenFromFlag {
		add("server.ingest_token", errors.New("write secrets as ${ENV_VAR}, never in the file"))
	}
	if c.Server.ShutdownTimeout <= 0 {
		add("server.shutdown_timeout", fmt.Errorf("must be positive, got %s", c.Server.ShutdownTimeout))
	}
	switch c.Server.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("server.log_level", fmt.Errorf("%q is not one of debug, info, warn, error", c.Server.LogLevel))
	}
	switch c.Server.LogFormat {
	case "text", "json":
	default:
		add("server.log_format", fmt.Errorf("%q is not one of text, json", c.Server.LogFormat))
	}
	add("clickhouse", c.ClickHouse.Validate())
	add("clickhouse.writer", c.ClickHouse.Writer.Validate())
	add("pipeline", c.Pipeline.Validate())
	add("spool", c.Spool.Validate())
	add("events", c.Events.Validate())
	add("ingest.http", c.Ingest.HTTP.Validate())
	add("ingest.loki", c.Ingest.Loki.Validate())
	if c.Ingest.Zendesk.SigningSecret != "" {
		add("ingest.zendesk", c.Ingest.Zendesk.Validate())
		add("ingest.zendesk.signing_secret", secretInFile(c.Ingest.Zendesk.SigningSecret))
	}
	if c.Ingest.Intercom.ClientSecret != "" {
		add("ingest.intercom", c.Ingest.Intercom.Validate())
		add("ingest.intercom.client_secret", secretInFile(c.Ingest.Intercom.ClientSecret))
	}
	if len(c.Ingest.Kafka.Brokers) > 0 {
		add("ingest.kafka", c.Ingest.Kafka.Validate())
	}
	add("redact", c.Redact.Validate())
	add("sentiment", c.Sentiment.Validate())
	if c.Alerting != nil {
		c.Alerting.Defaults()
		add("alerting", c.Alerting.Validate())
	}
	add("outreach", c.Outreach.Validate())
	if c.Output.Kafka.Enabled() {
		add("output.kafka", c.Output.Kafka.Validate())
	}
	return errors.Join(errs...)
}

// secretInFile insists that a secret in a file is an environment reference.
func secretInFile(s secret.Secret) error {
	if !secret.IsReference(s.Value()) {
		return errors.New("write secrets as ${ENV_VAR}, never in the file")
	}
	return nil
}

func validateListen(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%q is not host:port: %w", addr, err)
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return fmt.Errorf("%q has no valid port", addr)
	}
	_ = host
	return nil
}

// isLoopback reports whether a listen address only accepts local connections.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// loadConfig reads a configuration file over the defaults. Every error is reported at once, each
// as file:line:col where the file has a position for it.
func loadConfig(path string) (Config, error) {
	cfg := defaultConfig()
	if path == "" {
		return cfg, nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return cfg, err
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return cfg, positioned(path, nil, err)
	}
	if len(root.Content) == 0 {
		return cfg, nil // an empty file keeps the defaults
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&cfg); err != nil {
		return cfg, positioned(path, &root, err)
	}
	if err := cfg.Validate(); err != nil {
		return cfg, positioned(path, &root, err)
	}
	return cfg, nil
}

var yamlLineRE = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// positioned rewrites the errors of a YAML decode or of Validate as file:line:col: message.
// Decode errors carry a line; Validate errors carry a key path ("clickhouse.writer: max_rows …").
func positioned(file string, root *yaml.Node, err error) error {
	var msgs []string
	if te, ok := err.(*yaml.TypeError); ok {
		msgs = te.Errors
	} else {
		msgs = strings.Split(err.Error(), "\n")
	}
	var out []string
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: unmarshal errors:")
		m = strings.TrimSpace(m)
		if m == "" {
			continue
		}
		if sm := yamlLineRE.FindStringSubmatch(m); sm != nil {
			line, _ := strconv.Atoi(sm[1])
			col := 1
			// A type error is the value's fault, an unknown key the key's.
			if n := nodeOnLine(root, line, strings.HasPrefix(sm[2], "cannot unmarshal")); n != nil {
				col = n.Column
			}
			out = append(out, fmt.Sprintf("%s:%d:%d: %s", file, line, col, cleanYAMLMessage(sm[2])))
			continue
		}
		if n, rest := nodeForPath(root, m); n != nil {
			out = append(out, fmt.Sprintf("%s:%d:%d: %s", file, n.Line, n.Column, m))
			_ = rest
			continue
		}
		out = append(out, fmt.Sprintf("%s: %s", file, m))
	}
	return errors.New(strings.Join(out, "\n"))
}

func cleanYAMLMessage(m string) string {
	// "field foo not found in type main.ServerConfig" → "unknown key foo"
	if f, ok := strings.CutPrefix(m, "field "); ok {
		if i := strings.Index(f, " not found in type"); i > 0 {
			return fmt.Sprintf("unknown key %q", f[:i])
		}
	}
	return m
}

// nodeOnLine finds the first (or last) scalar node on a line.
func nodeOnLine(n *yaml.Node, line int, last bool) *yaml.Node {
	if n == nil {
		return nil
	}
	var found *yaml.Node
	if n.Line == line && n.Kind == yaml.ScalarNode {
		found = n
	}
	for _, c := range n.Content {
		if f := nodeOnLine(c, line, last); f != nil {
			if !last {
				return f
			}
			found = f
		}
	}
	return found
}

// nodeForPath finds the deepest key node named by the leading "a.b: c: " path of a message.
func nodeForPath(root *yaml.Node, msg string) (*yaml.Node, string) {
	if root == nil || len(root.Content) == 0 {
		return nil, msg
	}
	var path []string
	rest := msg
	for {
		i := strings.Index(rest, ": ")
		if i <= 0 || strings.ContainsAny(rest[:i], " \"") {
			break
		}
		path = append(path, strings.Split(rest[:i], ".")...)
		rest = rest[i+2:]
	}
	cur := root.Content[0]
	var found *yaml.Node
	for _, key := range path {
		if cur.Kind != yaml.MappingNode {
			break
		}
		var next *yaml.Node
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if cur.Content[i].Value == key {
				found, next = cur.Content[i], cur.Content[i+1]
				break
			}
		}
		if next == nil {
			break
		}
		cur = next
	}
	// "max_rows must be at least 1": the message may start with a key of the section.
	if word, _, ok := strings.Cut(rest, " "); ok && cur.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(cur.Content); i += 2 {
			if cur.Content[i].Value == word {
				return cur.Content[i], rest
			}
		}
	}
	return found, rest
}
