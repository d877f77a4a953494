package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/cxpulse/cxpulse/internal/chtest"
)

// checkClusterSchema checks the cluster form of the schema: every statement ON CLUSTER, every
// MergeTree-family table Replicated under {shard}/{replica} with a Distributed table of the
// public name in front, and views writing the local tables from the local tables.
func checkClusterSchema(t *testing.T, ddl, db, cluster string) {
	t.Helper()
	stmts := strings.Split(ddl, ";\n")
	var locals, distributed []string
	createRE := regexp.MustCompile(`^CREATE (?:TABLE|DATABASE|MATERIALIZED VIEW) IF NOT EXISTS (\S+)`)
	for _, s := range stmts {
		var lines []string
		for _, l := range strings.Split(s, "\n") {
			if !strings.HasPrefix(l, "--") {
				lines = append(lines, l)
			}
		}
		s = strings.TrimSpace(strings.Join(lines, "\n"))
		if s == "" {
			continue
		}
		m := createRE.FindStringSubmatch(s)
		require.NotNil(t, m, "not a CREATE: %s", s)
		require.Contains(t, s, " ON CLUSTER "+cluster, "statement without ON CLUSTER: %s", s)
		name := strings.TrimPrefix(m[1], db+".")
		switch {
		case strings.Contains(s, "ENGINE = Distributed("):
			require.Contains(t, s, "ENGINE = Distributed("+cluster+", "+db+", "+name+"_local, ", s)
			distributed = append(distributed, name)
		case strings.Contains(s, "MergeTree("):
			require.True(t, strings.HasSuffix(name, "_local"), "a MergeTree table of a cluster must be local: %s", s)
			require.Regexp(t, `ENGINE = Replicated\w*MergeTree\('/clickhouse/tables/\{shard\}/`+db+`/`+name+`', '\{replica\}'`, s)
			locals = append(locals, strings.TrimSuffix(name, "_local"))
		case strings.HasPrefix(s, "CREATE MATERIALIZED VIEW"):
			require.Regexp(t, ` TO `+db+`\.\w+_local AS`, s)
			require.Regexp(t, `FROM `+db+`\.\w+_local`, s)
		}
	}
	require.NotEmpty(t, locals)
	require.ElementsMatch(t, locals, distributed, "every local table has a Distributed table in front")
	require.Contains(t, locals, "events")
	require.Contains(t, locals, "sentiment_1m")
	require.Contains(t, locals, "alerts")
}

func TestMigratePrintCluster(t *testing.T) {
	for _, caps := range []string{"portable", "modern"} {
		out, err := runCLI(t, "", "migrate", "--print", "--capabilities", caps, "--cluster", "cx_cluster", "--database", "cx")
		require.NoError(t, err)
		require.Contains(t, out, "-- ClickHouse "+caps+" capabilities")
		checkClusterSchema(t, out, "cx", "cx_cluster")
		if caps == "modern" {
			require.Contains(t, out, "LowCardinality(String)")
			require.Contains(t, out, "TTL ")
		} else {
			require.NotContains(t, out, "LowCardinality")
			require.Contains(t, out, "time_ms UInt16")
		}
	}
	// Without a cluster nothing is replicated or distributed.
	out, err := runCLI(t, "", "migrate", "--print", "--capabilities", "portable")
	require.NoError(t, err)
	require.NotContains(t, out, "ON CLUSTER")
	require.NotContains(t, out, "Replicated")
	require.NotContains(t, out, "Distributed")
	require.Contains(t, out, "CREATE TABLE IF NOT EXISTS cxpulse.events (")

	_, err = runCLI(t, "", "migrate", "--print", "--capabilities", "portable", "--cluster", "bad-name")
	require.ErrorContains(t, err, `cluster: "bad-name" is not a valid identifier`)
	_, err = runCLI(t, "", "migrate", "--print", "--capabilities", "newest")
	require.ErrorContains(t, err, `want portable or modern`)
	_, err = runCLI(t, "", "migrate", "--capabilities", "modern")
	require.ErrorContains(t, err, "--capabilities needs --print")
}

// TestMigratePrintClusterProbed renders the cluster schema for the real server's capabilities.
func TestMigratePrintClusterProbed(t *testing.T) {
	addr, db := chtest.Database(t)
	out, err := runCLI(t, "", "migrate", "--print", "--clickhouse", addr, "--database", db, "--cluster", "cx_cluster")
	require.NoError(t, err)
	checkClusterSchema(t, out, db, "cx_cluster")
	// Printing applies nothing.
	conn := chtest.Conn(t, addr)
	require.Zero(t, chtest.Count(t, conn, "SELECT count() FROM system.tables WHERE database = '"+db+"'"))
}
