// Package e2eutil runs the real dirgate binary for end-to-end tests in
// test/e2e/<area>: it builds the binary once per test process, starts it
// with a configuration or in quick-start mode on a free port and a
// private data dir, waits until it is healthy, captures its output for
// assertions, and stops it with SIGTERM, reporting the exit code. It also
// starts a private slapd and hands back a backend block for it.
// Options.FaultInjection runs a build with the faultinject tag instead,
// which kills itself (SIGKILL) at the fault-injection point named by
// DIRGATE_FAULT_KILL_AT, between two steps of a change.
package e2eutil
