package e2eutil

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// Memory is a process's resident memory in bytes: now (VmRSS) and the most
// it ever held (VmHWM), as Linux reports them in /proc/<pid>/status.
type Memory struct{ RSS, Peak int64 }

func (m Memory) String() string {
	return fmt.Sprintf("RSS %.1f MiB, peak %.1f MiB", float64(m.RSS)/(1<<20), float64(m.Peak)/(1<<20))
}

// Memory reads the running process's resident memory.
func (p *Process) Memory(tb testing.TB) Memory {
	tb.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", p.cmd.Process.Pid))
	if err != nil {
		tb.Fatalf("memory of %s: %v", p, err)
	}
	defer f.Close()
	var m Memory
	s := bufio.NewScanner(f)
	for s.Scan() {
		key, value, ok := strings.Cut(s.Text(), ":")
		if !ok || (key != "VmRSS" && key != "VmHWM") {
			continue
		}
		kib, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(value), " kB"), 10, 64)
		if err != nil {
			tb.Fatalf("memory of %s: %s: %v", p, s.Text(), err)
		}
		if key == "VmRSS" {
			m.RSS = kib << 10
		} else {
			m.Peak = kib << 10
		}
	}
	if m.RSS == 0 || m.Peak == 0 {
		tb.Fatalf("memory of %s: no VmRSS/VmHWM in /proc", p)
	}
	return m
}
