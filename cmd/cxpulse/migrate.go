package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/store"
)

func newMigrateCmd() *cobra.Command {
	var f serveFlags
	var print bool
	var cluster, caps string
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the ClickHouse schema (serve also does this at start)",
		Long: "Probes the ClickHouse server's capabilities and applies the schema migrations not yet applied.\n" +
			"With --print, prints the statements for the server without applying them; with --print\n" +
			"--capabilities portable|modern, without connecting to a server. With --cluster (or\n" +
			"clickhouse.cluster), the statements run ON CLUSTER with Replicated engines and a Distributed\n" +
			"table in front of each local one.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(cmd)
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("cluster") {
				cfg.ClickHouse.Cluster = cluster
				if err := cfg.ClickHouse.Validate(); err != nil {
					return fmt.Errorf("clickhouse: %w", err)
				}
			}
			if caps != "" {
				if !print {
					return fmt.Errorf("--capabilities needs --print: a migration probes the server it runs on")
				}
				return printSchema(cmd, cfg.ClickHouse.Config, caps)
			}
			logger := newLogger(cfg.Server.LogLevel, cfg.Server.LogFormat, cmd.ErrOrStderr())
			st, err := store.Open(cfg.ClickHouse.Config, logger, nil)
			if err != nil {
				return err
			}
			defer func() { _ = st.Close() }()
			if print {
				caps, err := st.Probe(cmd.Context())
				if err != nil {
					return err
				}
				writeSchema(cmd, st.Dialect(), caps.String())
				return nil
			}
			if err := st.Migrate(cmd.Context()); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "schema of %s is up to date on ClickHouse %s\n", cfg.ClickHouse.Database, st.Dialect().Caps)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.config, "config", "", "configuration file (YAML)")
	fl.StringVar(&f.clickhouse, "clickhouse", "", "ClickHouse native address(es), comma-separated")
	fl.StringVar(&f.database, "database", "", "ClickHouse database")
	fl.BoolVar(&print, "print", false, "print the statements instead of applying them")
	fl.StringVar(&cluster, "cluster", "", "ClickHouse cluster (remote_servers) to run the schema ON CLUSTER with Replicated and Distributed tables")
	fl.StringVar(&caps, "capabilities", "", "with --print: render for these server capabilities without connecting (portable: 18.16 and older; modern: current releases)")
	return cmd
}

// printSchema prints the schema for a capability set without contacting a server.
func printSchema(cmd *cobra.Command, cfg store.Config, caps string) error {
	var c store.Capabilities
	switch caps {
	case "portable":
		c = store.Portable()
	case "modern":
		c = store.Modern()
	default:
		return fmt.Errorf("--capabilities %q: want portable or modern", caps)
	}
	writeSchema(cmd, store.Dialect{Caps: c, Database: cfg.Database, Cluster: cfg.Cluster, Retention: cfg.Retention}, caps+" capabilities: "+c.String())
	return nil
}

// writeSchema prints every statement of the schema as the dialect renders it.
func writeSchema(cmd *cobra.Command, d store.Dialect, server string) {
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "-- ClickHouse %s\n", server)
	if d.Cluster != "" {
		fmt.Fprintf(w, "-- cluster %s: Replicated tables *_local on every shard, Distributed tables in front\n", d.Cluster)
	}
	fmt.Fprintf(w, "%s;\n", d.CreateDatabase())
	for _, m := range store.Migrations() {
		fmt.Fprintf(w, "\n-- %s\n%s;\n", m.ID, strings.Join(d.Statements(m), ";\n\n"))
	}
}

func newCheckConfigCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "config FILE",
		Short: "Validate a configuration file; every error is reported as file:line:col",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := loadConfig(args[0]); err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "%s: ok\n", args[0])
			return nil
		},
	}
}
