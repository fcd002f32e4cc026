package main

import (
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTick is the unit of utime and stime in /proc/<pid>/stat: USER_HZ,
// 100 on every Linux this runs on.
const clockTick = 10 * time.Millisecond

// cpuTime is the CPU a process has used, user and system together
// (utime+stime of /proc/<pid>/stat).
func cpuTime(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, fmt.Errorf("cpu time of %d: %w", pid, err)
	}
	// The command name is in parentheses and may hold spaces: the fields
	// counted in proc(5) start after the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0, fmt.Errorf("cpu time of %d: malformed stat", pid)
	}
	fields := strings.Fields(string(b[i+1:]))
	// After the name: state is field 3, utime 14, stime 15.
	if len(fields) < 13 {
		return 0, fmt.Errorf("cpu time of %d: short stat", pid)
	}
	utime, err1 := strconv.ParseInt(fields[11], 10, 64)
	stime, err2 := strconv.ParseInt(fields[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, fmt.Errorf("cpu time of %d: bad utime/stime", pid)
	}
	return time.Duration(utime+stime) * clockTick, nil
}

// memStatus reads a "Vm..." line of /proc/<pid>/status in bytes: VmRSS
// (resident now) or VmHWM (the peak since start or the last reset).
func memStatus(pid int, key string) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("%s of %d: %w", key, pid, err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		rest, ok := strings.CutPrefix(line, key+":")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) < 1 {
			break
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			break
		}
		return kb << 10, nil
	}
	return 0, fmt.Errorf("%s of %d: not in /proc status", key, pid)
}

func rss(pid int) (int64, error) { return memStatus(pid, "VmRSS") }

// resetPeakRSS makes VmHWM start again from the current RSS (writing 5 to
// clear_refs, Linux 4.0+), so a phase's peak is its own.
func resetPeakRSS(pid int) error {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0)
}

// loadAverage is the first three fields of /proc/loadavg: what else ran
// on the machine while measuring.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}

// mib renders bytes in MiB.
func mib(b int64) float64 { return float64(b) / (1 << 20) }
