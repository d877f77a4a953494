package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/dashboards"
)

func newDashboardsCmd() *cobra.Command {
	o := dashboards.DefaultOptions()
	var out string
	cmd := &cobra.Command{
		Use:   "dashboards",
		Short: "Write the Grafana dashboards as JSON",
		Long: "Writes cxpulse's Grafana dashboards (CX overview, Customer, Alerts and outreach, Pipeline health)\n" +
			"to DIR/<uid>.json, for Grafana's file provisioning (deploy/grafana/provisioning).",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			paths, err := dashboards.Write(out, o)
			if err != nil {
				return err
			}
			for _, p := range paths {
				if _, err := fmt.Fprintln(cmd.OutOrStdout(), p); err != nil {
					return err
				}
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&out, "out", "deploy/grafana/dashboards", "directory to write the dashboards to")
	fl.StringVar(&o.Database, "database", o.Database, "ClickHouse database the dashboards read")
	fl.StringVar(&o.ClickHouse, "clickhouse-datasource", o.ClickHouse, "uid of the Grafana ClickHouse data source")
	fl.StringVar(&o.Prometheus, "prometheus-datasource", o.Prometheus, "uid of the Grafana Prometheus data source")
	return cmd
}
