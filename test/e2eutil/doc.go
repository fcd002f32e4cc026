// Package e2eutil runs the real dirgate binary for end-to-end tests in
// test/e2e/<area>: it builds the binary once per test process, starts it
// with a configuration or in quick-start mode on a free port and a
// private data dir, waits until it is healthy, captures its output for
// assertions, and stops it with SIGTERM, reporting the exit code. It also
// starts a private slapd and hands back a backend block for it.
package e2eutil
