package main

import (
	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:           "cxpulse",
		Short:         "Real-time customer sentiment: ingest, score, store in ClickHouse, alert and reach out",
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	check := &cobra.Command{Use: "check", Short: "Validate configuration and rule files"}
	check.AddCommand(newCheckConfigCmd(), newCheckRulesCmd())
	root.AddCommand(
		newVersionCmd(),
		newScoreCmd(),
		newServeCmd(),
		newMigrateCmd(),
		newDemoCmd(),
		check,
		newTestCmd(),
		newBacktestCmd(),
		newSilenceCmd(),
		newReplayCmd(),
		newAnomalyCmd(),
		newSentimentCmd(),
		newDashboardsCmd(),
		newOutreachCmd(),
	)
	return root
}

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cmd.Println("cxpulse", version)
			return nil
		},
	}
}
