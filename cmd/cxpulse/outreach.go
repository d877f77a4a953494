package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/outreach"
)

func newOutreachCmd() *cobra.Command {
	c := &apiClient{hc: &http.Client{Timeout: 30 * time.Second}}
	cmd := &cobra.Command{
		Use:   "outreach",
		Short: "List and acknowledge the outreach tasks of a running cxpulse",
	}
	cmd.PersistentFlags().StringVar(&c.url, "url", "http://127.0.0.1:8080", "URL of the running cxpulse")
	cmd.PersistentFlags().StringVar(&c.token, "token", os.Getenv("CXPULSE_TOKEN"), "API bearer token (default $CXPULSE_TOKEN)")

	var status, owner, customer, since string
	var limit int
	var asJSON bool
	list := &cobra.Command{
		Use:   "list",
		Short: "List outreach tasks, newest first",
		Long: `Lists the outreach tasks of GET /v1/outreach: who to contact, why (negative contacts,
topics), the owning team and the status. --status takes a comma-separated list of open,
contacted, resolved and dismissed.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			q := url.Values{}
			for k, v := range map[string]string{"status": status, "owner": owner, "customer": customer, "since": since} {
				if v != "" {
					q.Set(k, v)
				}
			}
			q.Set("limit", strconv.Itoa(limit))
			var tasks []outreach.TaskJSON
			if err := c.do(cmd.Context(), http.MethodGet, "/v1/outreach?"+q.Encode(), nil, &tasks); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(cmd.OutOrStdout(), tasks)
			}
			printTasks(cmd.OutOrStdout(), tasks)
			return nil
		},
	}
	fl := list.Flags()
	fl.StringVar(&status, "status", "", "only tasks with these statuses (e.g. open,contacted)")
	fl.StringVar(&owner, "owner", "", "only tasks of this team")
	fl.StringVar(&customer, "customer", "", "only tasks of this customer")
	fl.StringVar(&since, "since", "", "only tasks created this recently (7d) or since this RFC 3339 time")
	fl.IntVar(&limit, "limit", 100, "at most this many tasks (1 to 1000)")
	fl.BoolVar(&asJSON, "json", false, "print the tasks as JSON")

	var req outreach.AckRequest
	var contactedAt string
	ack := &cobra.Command{
		Use:   "ack ID",
		Short: "Record what happened with a task: contacted, resolved, dismissed (or open again)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if _, err := outreach.ParseStatus(req.Status); err != nil {
				return err
			}
			if contactedAt != "" {
				t, err := time.Parse(time.RFC3339, contactedAt)
				if err != nil {
					return fmt.Errorf("--contacted-at: %w", err)
				}
				req.ContactedAt = t
			}
			var out outreach.TaskJSON
			if err := c.do(cmd.Context(), http.MethodPost, "/v1/outreach/"+url.PathEscape(args[0])+"/ack", req, &out); err != nil {
				return err
			}
			_, _ = fmt.Fprintf(cmd.OutOrStdout(), "%s %s\n", out.ID, out.Status)
			return nil
		},
	}
	ack.Flags().StringVar(&req.Status, "status", "contacted", "new status: contacted, resolved, dismissed or open")
	ack.Flags().StringVar(&req.Owner, "owner", os.Getenv("USER"), "who works on the task")
	ack.Flags().StringVar(&req.Note, "note", "", "what happened")
	ack.Flags().StringVar(&contactedAt, "contacted-at", "", "when the customer was contacted (RFC 3339; default now)")
	cmd.AddCommand(list, ack)
	return cmd
}

// printOutreachSummary prints what outreach did, for the demo: tasks by team and priority, the
// customers held during incidents and released after them, and the first of those tasks.
func printOutreachSummary(ctx context.Context, out io.Writer, c *apiClient) error {
	var tasks []outreach.TaskJSON
	if err := c.do(ctx, http.MethodGet, "/v1/outreach?limit=1000", nil, &tasks); err != nil {
		return err
	}
	count := func(key func(t outreach.TaskJSON) string) string {
		n := map[string]int{}
		for _, t := range tasks {
			n[key(t)]++
		}
		keys := make([]string, 0, len(n))
		for k := range n {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = fmt.Sprintf("%s %d", k, n[k])
		}
		return strings.Join(parts, ", ")
	}
	var released []outreach.TaskJSON
	byIncident := map[string]int{}
	for _, t := range tasks {
		if t.HeldBy != "" {
			released = append(released, t)
			byIncident[t.HeldBy]++
		}
	}
	_, _ = fmt.Fprintf(out, "outreach: %d task(s) (%s; %s), %d of them for customers held during an incident and released after it\n",
		len(tasks), count(func(t outreach.TaskJSON) string { return t.Owner }), count(func(t outreach.TaskJSON) string { return t.Priority }),
		len(released))
	incidents := make([]string, 0, len(byIncident))
	for k := range byIncident {
		incidents = append(incidents, k)
	}
	sort.Strings(incidents)
	for _, k := range incidents {
		_, _ = fmt.Fprintf(out, "  held by %s: %d customer(s)\n", k, byIncident[k])
	}
	if len(released) > 0 {
		_, _ = fmt.Fprintln(out)
		printTasks(out, released[:min(len(released), 10)])
	}
	return nil
}

func printTasks(w io.Writer, tasks []outreach.TaskJSON) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	_, _ = fmt.Fprintln(tw, "ID\tCREATED\tPRIORITY\tSTATUS\tTEAM\tCUSTOMER\tWHY\tOUTCOME")
	for _, t := range tasks {
		why := fmt.Sprintf("%d/%d negative", int(t.Health["negatives"]), int(t.Health["contacts"]))
		if len(t.Evidence.Topics) > 0 {
			why += " (" + strings.Join(t.Evidence.Topics, ", ") + ")"
		}
		if t.HeldBy != "" {
			why += "; held by " + t.HeldBy
		}
		outcome := "-"
		if t.Outcome != nil {
			outcome = fmt.Sprintf("%s %+.2f→%+.2f", t.Outcome.Result, t.Outcome.ScoreBefore, t.Outcome.ScoreAfter)
		}
		_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.CreatedAt.UTC().Format("2006-01-02 15:04"),
			t.Priority, t.Status, t.Owner, t.CustomerID, why, outcome)
	}
	_ = tw.Flush()
}
