package main

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/anomaly"
)

func newAnomalyCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "anomaly",
		Short: "Score time series with cxpulse's streaming anomaly detector",
	}
	cmd.AddCommand(newAnomalyScoreCmd(), newAnomalyNABCmd())
	return cmd
}

// anomalyFlags are the detector settings shared by the anomaly subcommands.
type anomalyFlags struct {
	sensitivity, seasonality string
	interval                 time.Duration
}

func (f *anomalyFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.sensitivity, "sensitivity", "medium", "alarm threshold: low, medium or high")
	cmd.Flags().StringVar(&f.seasonality, "seasonality", "auto", "profiles to learn: none, daily, weekly or auto")
	cmd.Flags().DurationVar(&f.interval, "interval", 0, "spacing of the series (0: learn it from the timestamps)")
}

func (f *anomalyFlags) config() (anomaly.Config, error) {
	var cfg anomaly.Config
	var err error
	if cfg.Sensitivity, err = anomaly.ParseSensitivity(f.sensitivity); err != nil {
		return cfg, fmt.Errorf("--sensitivity: %w", err)
	}
	if cfg.Seasonality, err = anomaly.ParseSeasonality(f.seasonality); err != nil {
		return cfg, fmt.Errorf("--seasonality: %w", err)
	}
	cfg.Interval = f.interval
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("--interval: %w", err)
	}
	return cfg, nil
}

func newAnomalyScoreCmd() *cobra.Command {
	var f anomalyFlags
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Score a series: CSV timestamp,value on stdin, timestamp,value,anomaly_score on stdout",
		Long: `Reads one series as CSV rows "timestamp,value" (an optional header names the columns) and
writes "timestamp,value,anomaly_score" for each row as soon as it is scored. The score of a row
depends only on that row and the rows before it. Timestamps are RFC 3339, "2006-01-02 15:04:05"
(UTC) or unix seconds, in time order. A malformed row stops the command with an error naming its
line; the rows before it have been written.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.config()
			if err != nil {
				return err
			}
			return anomaly.ScoreCSV(cmd.InOrStdin(), cmd.OutOrStdout(), func() *anomaly.Detector { return anomaly.New(cfg) })
		},
	}
	f.register(cmd)
	return cmd
}

func newAnomalyNABCmd() *cobra.Command {
	var f anomalyFlags
	var data, out, name string
	cmd := &cobra.Command{
		Use:   "nab",
		Short: "Write Numenta Anomaly Benchmark results for every series under --data",
		Long: `Scores every .csv file under --data (NAB's data directory: one subdirectory per category) with
a fresh detector each and writes OUT/NAME/<category>/NAME_<file>.csv with the columns
timestamp,value,anomaly_score, the layout NAB's scorer reads.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg, err := f.config()
			if err != nil {
				return err
			}
			if data == "" || out == "" {
				return fmt.Errorf("--data and --out are required")
			}
			return anomaly.RunNAB(data, out, name, nil, func() *anomaly.Detector { return anomaly.New(cfg) })
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&data, "data", "", "NAB data directory (required)")
	cmd.Flags().StringVar(&out, "out", "", "results directory (required)")
	cmd.Flags().StringVar(&name, "name", "cxpulse", "detector name: letters, digits, '-' and '.'")
	return cmd
}
