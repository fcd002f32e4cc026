// Command samba-dc starts and stops the Samba AD DC that a whole test run
// shares: `samba-dc up DIR` provisions and starts it and prints
// DIRGATE_TEST_SAMBA_DIR=DIR; `samba-dc down DIR` stops it. `make test`
// and `make test-ad` use it.
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/dirgate/dirgate/internal/testenv/samba"
)

func main() {
	if len(os.Args) != 3 || (os.Args[1] != "up" && os.Args[1] != "down") {
		fmt.Fprintln(os.Stderr, "usage: samba-dc up|down DIR")
		os.Exit(2)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	dir := os.Args[2]
	switch os.Args[1] {
	case "up":
		s, err := samba.Up(ctx, dir)
		if err != nil {
			fmt.Fprintln(os.Stderr, "samba-dc:", err)
			os.Exit(1)
		}
		fmt.Printf("%s=%s\n", samba.EnvDir, s.Dir)
	case "down":
		if err := samba.Down(ctx, dir); err != nil {
			fmt.Fprintln(os.Stderr, "samba-dc:", err)
			os.Exit(1)
		}
	}
}
