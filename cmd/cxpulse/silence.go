package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/cxpulse/cxpulse/alerting"
)

type apiClient struct {
	url, token string
	hc         *http.Client
}

func (c *apiClient) do(ctx context.Context, method, path string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.url, "/")+path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode/100 != 2 {
		var e struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error != "" {
			return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, e.Error)
		}
		return fmt.Errorf("%s %s: %s", method, path, resp.Status)
	}
	if out != nil && len(b) > 0 {
		return json.Unmarshal(b, out)
	}
	return nil
}

func newSilenceCmd() *cobra.Command {
	c := &apiClient{hc: &http.Client{Timeout: 30 * time.Second}}
	cmd := &cobra.Command{
		Use:   "silence",
		Short: "Add, list and expire silences of a running cxpulse",
	}
	cmd.PersistentFlags().StringVar(&c.url, "url", "http://127.0.0.1:8080", "URL of the running cxpulse")
	cmd.PersistentFlags().StringVar(&c.token, "token", os.Getenv("CXPULSE_TOKEN"), "API bearer token (default $CXPULSE_TOKEN)")

	var req alerting.SilenceRequest
	add := &cobra.Command{
		Use:   "add MATCHER...",
		Short: `Silence the alerts matching every matcher, e.g. 'product="checkout"' 'severity=~"warning|info"'`,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, a := range args {
				if _, err := alerting.ParseMatcher(a); err != nil {
					return err
				}
			}
			req.Matchers = args
			var out alerting.SilenceJSON
			if err := c.do(cmd.Context(), http.MethodPost, "/v1/silences", req, &out); err != nil {
				return err
			}
			_, _ = fmt.Fprintln(cmd.OutOrStdout(), out.ID)
			return nil
		},
	}
	user := os.Getenv("USER")
	add.Flags().StringVar(&req.Duration, "duration", "1h", "how long the silence lasts")
	add.Flags().StringVar(&req.CreatedBy, "author", user, "who silences")
	add.Flags().StringVar(&req.Comment, "comment", "", "why")

	list := &cobra.Command{
		Use:   "list",
		Short: "List silences",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var out []alerting.SilenceJSON
			if err := c.do(cmd.Context(), http.MethodGet, "/v1/silences", nil, &out); err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			_, _ = fmt.Fprintln(tw, "ID\tSTATE\tMATCHERS\tENDS\tBY\tCOMMENT")
			for _, s := range out {
				_, _ = fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", s.ID, s.State, strings.Join(s.Matchers, ","),
					s.EndsAt.UTC().Format(time.RFC3339), s.CreatedBy, s.Comment)
			}
			return tw.Flush()
		},
	}
	expire := &cobra.Command{
		Use:   "expire ID...",
		Short: "Expire silences now",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, id := range args {
				if err := c.do(cmd.Context(), http.MethodDelete, "/v1/silences/"+id, nil, nil); err != nil {
					return err
				}
			}
			return nil
		},
	}
	cmd.AddCommand(add, list, expire)
	return cmd
}
