package store

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"
)

// Capabilities are what the connected server supports, probed at start. The schema and the
// queries are generated from them, so one code path serves ClickHouse 18.16 and current releases.
type Capabilities struct {
	// Version is the server's version string, e.g. "18.16.1" or "24.8.4.13".
	Version string
	Major   int
	Minor   int
	// LowCardinality: the LowCardinality(String) type without an experimental setting.
	LowCardinality bool
	// DateTime64: the DateTime64(3) type.
	DateTime64 bool
	// TTL: table TTL expressions (retention without a cleanup job).
	TTL bool
	// Codecs: column compression codecs (CODEC(ZSTD), Delta, DoubleDelta…).
	Codecs bool
	// InsertDedupToken: the insert_deduplication_token setting.
	InsertDedupToken bool
	// ToStartOfInterval: the toStartOfInterval function.
	ToStartOfInterval bool
}

// Portable is the capability set of ClickHouse 18.16: none of the optional features.
func Portable() Capabilities { return Capabilities{Version: "18.16.1", Major: 18, Minor: 16} }

// Modern is the capability set of a current release: every optional feature.
func Modern() Capabilities {
	return Capabilities{
		Version: "24.8.1", Major: 24, Minor: 8, LowCardinality: true, DateTime64: true, TTL: true,
		Codecs: true, InsertDedupToken: true, ToStartOfInterval: true,
	}
}

// String summarises the capabilities for the log.
func (c Capabilities) String() string {
	var on []string
	for _, f := range []struct {
		name string
		ok   bool
	}{
		{"LowCardinality", c.LowCardinality},
		{"DateTime64", c.DateTime64},
		{"TTL", c.TTL},
		{"codecs", c.Codecs},
		{"insert_deduplication_token", c.InsertDedupToken},
		{"toStartOfInterval", c.ToStartOfInterval},
	} {
		if f.ok {
			on = append(on, f.name)
		}
	}
	if len(on) == 0 {
		return c.Version + " (portable schema)"
	}
	return c.Version + " (" + strings.Join(on, ", ") + ")"
}

// Probe asks the server what it supports: the type families, functions and settings it lists,
// and its version for the features no system table names (TTL arrived in 19.6, codecs in 19.10;
// LowCardinality stopped being experimental in 19.x, which system.settings shows).
func Probe(ctx context.Context, conn driver.Conn) (Capabilities, error) {
	var c Capabilities
	if err := conn.QueryRow(ctx, "SELECT version()").Scan(&c.Version); err != nil {
		return c, fmt.Errorf("probe version: %w", err)
	}
	c.Major, c.Minor = parseVersion(c.Version)
	types, err := column(ctx, conn, "SELECT name FROM system.data_type_families WHERE name IN ('LowCardinality', 'DateTime64')")
	if err != nil {
		return c, fmt.Errorf("probe types: %w", err)
	}
	funcs, err := column(ctx, conn, "SELECT name FROM system.functions WHERE name IN ('toStartOfInterval')")
	if err != nil {
		return c, fmt.Errorf("probe functions: %w", err)
	}
	settings, err := column(ctx, conn, "SELECT name FROM system.settings WHERE name IN ('insert_deduplication_token', 'allow_experimental_low_cardinality_type', 'allow_suspicious_low_cardinality_types')")
	if err != nil {
		return c, fmt.Errorf("probe settings: %w", err)
	}
	// On 18.16 the type exists but needs allow_experimental_low_cardinality_type; later releases
	// replaced that setting with allow_suspicious_low_cardinality_types.
	c.LowCardinality = types["LowCardinality"] && !settings["allow_experimental_low_cardinality_type"]
	c.DateTime64 = types["DateTime64"]
	c.ToStartOfInterval = funcs["toStartOfInterval"]
	c.InsertDedupToken = settings["insert_deduplication_token"]
	c.TTL = atLeast(c.Major, c.Minor, 19, 6)
	c.Codecs = atLeast(c.Major, c.Minor, 19, 10)
	return c, nil
}

func column(ctx context.Context, conn driver.Conn, q string) (map[string]bool, error) {
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	defer func() { _ = rows.Close() }()
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out[s] = true
	}
	return out, rows.Err()
}

func parseVersion(v string) (major, minor int) {
	parts := strings.SplitN(v, ".", 3)
	if len(parts) >= 2 {
		major, _ = strconv.Atoi(parts[0])
		minor, _ = strconv.Atoi(parts[1])
	}
	return major, minor
}

func atLeast(major, minor, wantMajor, wantMinor int) bool {
	return major > wantMajor || (major == wantMajor && minor >= wantMinor)
}
