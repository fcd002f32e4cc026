// Command dirgate is the multi-protocol directory gateway: `dirgate serve`
// runs it; the other commands check its configuration, move its data and
// probe its health.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// run executes one command line and returns the process's exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ex *exitError
	if errors.As(err, &ex) {
		if !ex.reported {
			fmt.Fprintln(stderr, "dirgate:", ex.err)
		}
		return ex.code
	}
	fmt.Fprintln(stderr, "dirgate:", err)
	return 1
}

// exitError carries an exit code; reported means the details were printed
// already (a list of configuration problems).
type exitError struct {
	code     int
	err      error
	reported bool
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }
