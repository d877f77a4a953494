package store

import (
	"fmt"
	"strings"
	"time"
)

// Column types are written in their modern form; a Dialect lowers them for older servers.
const (
	// TypeLC is a low-cardinality string; plain String where LowCardinality is unavailable.
	TypeLC = "LowCardinality(String)"
	// TypeTimeMs is a millisecond timestamp; where DateTime64 is unavailable it becomes a DateTime
	// column plus a UInt16 column of the same name with the suffix "_ms".
	TypeTimeMs = "DateTime64(3)"
)

// Column is one column of a table. Codec is applied only on servers with codecs.
type Column struct {
	Name  string
	Type  string
	Codec string
}

// RetentionClass says which retention setting bounds a table's rows.
type RetentionClass uint8

// Retention classes.
const (
	KeepForever RetentionClass = iota
	KeepEvents
	KeepRollups
)

// Table describes a MergeTree-family table once; a Dialect renders it for a single server or a
// cluster, old or new.
type Table struct {
	Name    string
	Columns []Column
	// Engine is a MergeTree-family engine without the Replicated prefix, e.g. "SummingMergeTree".
	Engine string
	// EngineArgs are the engine's own arguments (a version column for ReplacingMergeTree).
	EngineArgs  []string
	PartitionBy string
	OrderBy     string
	// TimeColumn is the column retention is measured on.
	TimeColumn string
	Retention  RetentionClass
	// ShardingKey places rows on shards in cluster mode; rand() when empty.
	ShardingKey string
}

// View is a materialized view feeding table To from a SELECT over From. The SELECT is written
// with {from} where the source table goes.
type View struct {
	Name   string
	To     string
	From   string
	Select string
	// Keys and Count let the store repair the view's target when an insert reached From but not
	// To (an insert into a table with views is not atomic in ClickHouse): Keys are the target's
	// grouping columns with the expressions computing them from the source, Count the target
	// column holding how many source rows each target row stands for.
	Keys  []ViewKey
	Count string
}

// ViewKey is a grouping column of a view's target and its expression over the source.
type ViewKey struct {
	Column string
	Expr   string
}

// Migration is one step of the schema, identified by a stable ID and applied once, in order.
type Migration struct {
	ID     string
	Tables []Table
	Views  []View
	// Alter returns further statements (ALTER TABLE …) to run after the tables and views.
	Alter func(d Dialect) []string
}

// Dialect renders DDL and queries for a server's capabilities and the deployment.
type Dialect struct {
	Caps      Capabilities
	Database  string
	Cluster   string
	Retention RetentionConfig
}

// Type lowers a column type for the server.
func (d Dialect) Type(t string) string {
	if !d.Caps.LowCardinality {
		t = strings.ReplaceAll(t, TypeLC, "String")
	}
	return t
}

// Columns expands c into the server's columns: a DateTime64(3) column becomes DateTime plus a
// milliseconds column where DateTime64 is unavailable.
func (d Dialect) Columns(c Column) []Column {
	t := d.Type(c.Type)
	if t == TypeTimeMs && !d.Caps.DateTime64 {
		return []Column{{Name: c.Name, Type: "DateTime"}, {Name: c.Name + "_ms", Type: "UInt16"}}
	}
	return []Column{{Name: c.Name, Type: t, Codec: c.Codec}}
}

// Qualified returns db.name, with the local table's name in cluster mode.
func (d Dialect) Qualified(name string) string { return d.Database + "." + name }

func (d Dialect) local(name string) string {
	if d.Cluster != "" {
		return name + "_local"
	}
	return name
}

func (d Dialect) onCluster() string {
	if d.Cluster != "" {
		return " ON CLUSTER " + d.Cluster
	}
	return ""
}

// CreateDatabase is the statement creating the database.
func (d Dialect) CreateDatabase() string {
	return "CREATE DATABASE IF NOT EXISTS " + d.Database + d.onCluster()
}

// CreateTable renders t: one statement on a single server; on a cluster the Replicated local
// table and the Distributed table over it.
func (d Dialect) CreateTable(t Table) []string {
	var b strings.Builder
	local := d.local(t.Name)
	fmt.Fprintf(&b, "CREATE TABLE IF NOT EXISTS %s.%s%s (\n", d.Database, local, d.onCluster())
	var cols []string
	for _, c := range t.Columns {
		for _, lc := range d.Columns(c) {
			s := "    " + lc.Name + " " + lc.Type
			if lc.Codec != "" && d.Caps.Codecs {
				s += " CODEC(" + lc.Codec + ")"
			}
			cols = append(cols, s)
		}
	}
	b.WriteString(strings.Join(cols, ",\n"))
	b.WriteString("\n) ENGINE = ")
	args := t.EngineArgs
	if d.Cluster != "" {
		path := fmt.Sprintf("'/clickhouse/tables/{shard}/%s/%s'", d.Database, local)
		args = append([]string{path, "'{replica}'"}, args...)
		b.WriteString("Replicated")
	}
	b.WriteString(t.Engine)
	b.WriteString("(" + strings.Join(args, ", ") + ")")
	if t.PartitionBy != "" {
		b.WriteString("\nPARTITION BY " + t.PartitionBy)
	}
	b.WriteString("\nORDER BY " + t.OrderBy)
	if ttl := d.ttl(t); ttl != "" {
		b.WriteString("\nTTL " + ttl)
	}
	b.WriteString("\nSETTINGS index_granularity = 8192")
	stmts := []string{b.String()}
	if d.Cluster != "" {
		key := t.ShardingKey
		if key == "" {
			key = "rand()"
		}
		stmts = append(stmts, fmt.Sprintf("CREATE TABLE IF NOT EXISTS %s.%s%s AS %s.%s\nENGINE = Distributed(%s, %s, %s, %s)",
			d.Database, t.Name, d.onCluster(), d.Database, local, d.Cluster, d.Database, local, key))
	}
	return stmts
}

// RetentionOf is how long rows of a table of this class are kept; zero keeps them forever.
func (d Dialect) RetentionOf(c RetentionClass) time.Duration {
	switch c {
	case KeepEvents:
		return d.Retention.Events
	case KeepRollups:
		return d.Retention.Rollups
	}
	return 0
}

func (d Dialect) ttl(t Table) string {
	keep := d.RetentionOf(t.Retention)
	if !d.Caps.TTL || keep == 0 || t.TimeColumn == "" {
		return ""
	}
	days := int((keep + 24*time.Hour - 1) / (24 * time.Hour))
	return fmt.Sprintf("toDateTime(%s) + INTERVAL %d DAY", t.TimeColumn, days)
}

// CreateView renders a materialized view. On a cluster it reads and writes the local tables of
// each shard, so every row is rolled up exactly once, where it is stored.
func (d Dialect) CreateView(v View) string {
	sel := strings.ReplaceAll(v.Select, "{from}", d.Database+"."+d.local(v.From))
	return fmt.Sprintf("CREATE MATERIALIZED VIEW IF NOT EXISTS %s.%s%s TO %s.%s AS\n%s",
		d.Database, v.Name, d.onCluster(), d.Database, d.local(v.To), sel)
}

// Statements renders every statement of m, in order.
func (d Dialect) Statements(m Migration) []string {
	var out []string
	for _, t := range m.Tables {
		out = append(out, d.CreateTable(t)...)
	}
	for _, v := range m.Views {
		out = append(out, d.CreateView(v))
	}
	if m.Alter != nil {
		out = append(out, m.Alter(d)...)
	}
	return out
}

// migrationsTable records which migrations were applied.
var migrationsTable = Table{
	Name: "schema_migrations",
	Columns: []Column{
		{Name: "id", Type: "String"},
		{Name: "applied_at", Type: "DateTime"},
		{Name: "statements", Type: "UInt32"},
	},
	Engine:  "MergeTree",
	OrderBy: "id",
}
