package main

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/alerting"
	"github.com/cxpulse/cxpulse/internal/outreachwire"
	"github.com/cxpulse/cxpulse/outreach"
)

func newCheckRulesCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "rules FILE...",
		Short: "Check rule files: syntax, expressions, templates, routes and receivers",
		Long: `Parses the rule files strictly and checks them together: unknown keys, bad durations,
unknown aggregates or fields in ` + "`when`" + `, broken templates, routes to undefined receivers, rules no
route can deliver, secrets written inline instead of ${ENV}, and the outreach sections (policies,
teams, windows). Every error is printed as
file:line:col; the exit status is 1 when there is any.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			set, err := alerting.LoadFiles(args...)
			var spec *outreach.Spec
			if set != nil {
				var oerr error
				if spec, oerr = outreachwire.Spec(set); oerr != nil {
					err = errors.Join(err, oerr)
				}
			}
			if err != nil {
				return &exitError{code: 1, msg: err.Error()}
			}
			rules := 0
			for _, g := range set.Groups {
				rules += len(g.Rules)
			}
			_, _ = fmt.Fprintf(cmd.OutOrStdout(), "ok: %d file(s), %d group(s), %d rule(s), %d receiver(s)\n",
				len(set.Files), len(set.Groups), rules, len(set.Receivers))
			if spec != nil {
				_, _ = fmt.Fprintf(cmd.OutOrStdout(), "ok: outreach: %d policies, %d team(s)\n", len(spec.Policies), len(spec.Teams))
			}
			return nil
		},
	}
}
