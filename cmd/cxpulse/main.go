// Command cxpulse watches customer sentiment in real time: it ingests customer messages, scores
// them, stores them in ClickHouse, evaluates CX rules and escalates.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cmd := newRootCmd()
	if err := cmd.ExecuteContext(ctx); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(os.Stderr, ee.msg)
			}
			stop()
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "cxpulse:", err)
		stop()
		os.Exit(1)
	}
}

// exitError ends the program with a given status after printing msg (if any) to stderr.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }
