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
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply the ClickHouse schema (serve also does this at start)",
		Long: "Probes the ClickHouse server's capabilities and applies the schema migrations not yet applied.\n" +
			"With --print, prints the statements for the server without applying them.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.load(cmd)
			if err != nil {
				return err
			}
			logger := newLogger(cfg.Server.LogLevel, cfg.Server.LogFormat, cmd.ErrOrStderr())
			st, err := store.Open(cfg.ClickHouse.Config, logger, nil)
			if err != nil {
				return err
			}
			defer st.Close()
			if print {
				caps, err := st.Probe(cmd.Context())
				if err != nil {
					return err
				}
				d := st.Dialect()
				fmt.Fprintf(cmd.OutOrStdout(), "-- ClickHouse %s\n%s;\n", caps, d.CreateDatabase())
				for _, m := range store.Migrations() {
					fmt.Fprintf(cmd.OutOrStdout(), "\n-- %s\n%s;\n", m.ID, strings.Join(d.Statements(m), ";\n\n"))
				}
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
	return cmd
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
