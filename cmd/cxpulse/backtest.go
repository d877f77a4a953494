package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/internal/alertwire"
	"github.com/cxpulse/cxpulse/store"
)

func newBacktestCmd() *cobra.Command {
	var (
		rules    []string
		from, to string
		addr     []string
		database string
	)
	cmd := &cobra.Command{
		Use:   "backtest --rules FILE --from T --to T",
		Short: "Replay rules over stored history: when each alert would have fired and resolved",
		Long: `Replays rule files over the history stored in ClickHouse, evaluating every rule group at its
interval as the service would have, and prints when each alert would have fired and resolved and,
when the files hold a route, how many notifications each receiver would have got. Times are
RFC 3339 (2026-11-25T14:00:00Z) or a duration before now (24h, 7d).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			now := time.Now()
			f, err := parseWhen(from, now)
			if err != nil {
				return fmt.Errorf("--from: %w", err)
			}
			t, err := parseWhen(to, now)
			if err != nil {
				return fmt.Errorf("--to: %w", err)
			}
			set, err := alerting.LoadRuleFiles(rules...)
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			cfg := store.DefaultConfig()
			if len(addr) > 0 {
				cfg.Addr = addr
			}
			cfg.Database = database
			s, err := store.Open(cfg, nil, prometheus.NewRegistry())
			if err != nil {
				return err
			}
			defer func() { _ = s.Close() }()
			if _, err := s.Probe(cmd.Context()); err != nil {
				return fmt.Errorf("clickhouse: %w", err)
			}
			res, err := alerting.Backtest(cmd.Context(), set, alerting.BacktestDeps{Query: alertwire.Query(s)}, f, t)
			if err != nil {
				return err
			}
			res.Print(cmd.OutOrStdout())
			return nil
		},
	}
	cmd.Flags().StringSliceVar(&rules, "rules", nil, "rule files (repeat or comma-separate)")
	cmd.Flags().StringVar(&from, "from", "24h", "start of the replay")
	cmd.Flags().StringVar(&to, "to", "0s", "end of the replay")
	cmd.Flags().StringSliceVar(&addr, "clickhouse", nil, "ClickHouse native address host:port (default 127.0.0.1:9000)")
	cmd.Flags().StringVar(&database, "database", store.DefaultConfig().Database, "ClickHouse database")
	_ = cmd.MarkFlagRequired("rules")
	return cmd
}

// parseWhen reads an RFC 3339 time or a duration before now.
func parseWhen(s string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := alerting.ParseDuration(strings.TrimPrefix(s, "-"))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor a duration", s)
	}
	return now.Add(-d).Truncate(time.Second), nil
}
