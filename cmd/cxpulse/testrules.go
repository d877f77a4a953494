package main

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/alerting"
)

func newTestCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "test",
		Short: "Run unit tests",
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "rules FILE...",
		Short: "Run rule unit tests (input series, evaluation times, expected alerts)",
		Long: `Runs rule unit test files in the spirit of ` + "`promtool test rules`" + `: each names rule files, gives
input series (per-minute rollups of events, in promtool's value notation) and the alerts expected
to fire at given times, with their labels and annotations. Exit status 1 when a test fails.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			passed, failed, err := alerting.RunTests(cmd.Context(), args, alerting.TestOptions{
				Out: cmd.OutOrStdout(),
			})
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			_, _ = fmt.Fprintf(cmd.OutOrStdout(), "%d passed, %d failed\n", passed, failed)
			if failed > 0 {
				return &exitError{code: 1}
			}
			return nil
		},
	})
	return cmd
}
