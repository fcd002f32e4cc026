package embedded

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dirgate/dirgate/pkg/directory"
)

// crashDBEnv tells a re-executed test binary to act as the writer that
// TestNoAcknowledgedWriteLost kills.
const crashDBEnv = "DIRGATE_EMBEDDED_CRASH_DB"

// TestCrashWriter is the child process of TestNoAcknowledgedWriteLost: it
// writes until it is killed and prints every write the store acknowledged.
func TestCrashWriter(t *testing.T) {
	path := os.Getenv(crashDBEnv)
	if path == "" {
		t.Skip("helper process of TestNoAcknowledgedWriteLost")
	}
	ctx := context.Background()
	c := NewConfig()
	c.Path = path
	d, err := open(ctx, c, directory.BackendEnv{BaseDN: "dc=example,dc=com", Log: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, "open:", err)
		os.Exit(2)
	}
	people := "ou=people,dc=example,dc=com"
	g, err := d.CreateGroup(ctx, directory.NewGroup{ParentDN: "ou=groups,dc=example,dc=com", Name: "crashers"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "create group:", err)
		os.Exit(2)
	}
	for i := 0; ; i++ {
		name := fmt.Sprintf("crash%06d", i)
		u, err := d.CreateUser(ctx, directory.NewUser{ParentDN: people, Username: name, Description: "d" + name})
		if err != nil {
			fmt.Fprintln(os.Stderr, "create user:", err)
			os.Exit(3)
		}
		fmt.Printf("user %s\n", name) // one write(2): a kill cannot split it
		if i%3 == 0 {
			if err := d.AddMember(ctx, directory.ByID(g.ID), directory.UserRef(directory.ByID(u.ID))); err != nil {
				fmt.Fprintln(os.Stderr, "add member:", err)
				os.Exit(3)
			}
			fmt.Printf("member %s\n", name)
		}
	}
}

// TestNoAcknowledgedWriteLost kills a writing process with SIGKILL at a
// random moment and checks that every write it had acknowledged is in the
// database when it is opened again.
func TestNoAcknowledgedWriteLost(t *testing.T) {
	if os.Getenv(crashDBEnv) != "" {
		t.Skip("running as the crash writer")
	}
	path := filepath.Join(t.TempDir(), "crash.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashWriter$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashDBEnv+"="+path)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killAfter := 50 + rand.IntN(150)
	users, members := map[string]bool{}, map[string]bool{}
	r := bufio.NewReader(out)
	killed := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("reading the writer's output: %v", err)
			}
			break // a last line without its newline was never acknowledged
		}
		kind, name, _ := strings.Cut(strings.TrimSpace(line), " ")
		switch kind {
		case "user":
			users[name] = true
		case "member":
			members[name] = true
		}
		if len(users) == killAfter && !killed {
			if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	err = cmd.Wait()
	var exit *exec.ExitError
	if !killed || !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the writer was not killed as planned (killed %v): %v\n%s", killed, err, stderr.String())
	}
	t.Logf("killed the writer after %d acknowledged users (%d memberships)", len(users), len(members))

	c := NewConfig()
	c.Path = path
	d, err := open(context.Background(), c, directory.BackendEnv{BaseDN: "dc=example,dc=com", Log: quiet})
	if err != nil {
		t.Fatalf("reopening after the kill: %v", err)
	}
	defer d.Close()
	for name := range users {
		u, err := d.GetUser(context.Background(), directory.ByName(name))
		if err != nil || u.Description != "d"+name {
			t.Errorf("acknowledged user %s: %v, %v", name, u, err)
		}
	}
	ms, err := d.Members(context.Background(), directory.ByName("crashers"), false)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]bool{}
	for _, m := range ms {
		in[m.Name] = true
	}
	for name := range members {
		if !in[name] {
			t.Errorf("acknowledged membership of %s is lost", name)
		}
	}
	checkInvariants(t, d)
}
