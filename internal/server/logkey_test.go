package server

import (
	"strings"
	"testing"

	"github.com/dirgate/dirgate/config"
)

// TestDialectLoggerNamesItsDialectOnce: the logger a dialect is built with
// already carries "dialect"; the line it writes has that key once.
func TestDialectLoggerNamesItsDialectOnce(t *testing.T) {
	var pc *probeConfig
	h := start(t, func(cfg *config.Config) { pc = cfg.Dialects["probe"].Config.(*probeConfig) })
	pc.deps.Log.Info("said by the dialect", "k", "v")
	for _, line := range strings.Split(h.log.String(), "\n") {
		if !strings.Contains(line, "said by the dialect") {
			continue
		}
		if n := strings.Count(line, `"dialect":`); n != 1 || !strings.Contains(line, `"dialect":"probe"`) {
			t.Errorf("%d dialect keys in %s, want one naming probe", n, line)
		}
		return
	}
	t.Fatalf("the dialect's line is not in the log:\n%s", h.log.String())
}
