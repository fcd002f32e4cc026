package version

import (
	"runtime/debug"
	"testing"
)

func TestResolve(t *testing.T) {
	info := func(main string, settings ...debug.BuildSetting) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Version: main}, Settings: settings}, true
		}
	}
	none := func() (*debug.BuildInfo, bool) { return nil, false }
	rev := debug.BuildSetting{Key: "vcs.revision", Value: "0123456789abcdef0123"}
	at := debug.BuildSetting{Key: "vcs.time", Value: "2026-12-07T06:30:00Z"}
	dirty := debug.BuildSetting{Key: "vcs.modified", Value: "true"}
	for _, tc := range []struct {
		name, linked string
		info         func() (*debug.BuildInfo, bool)
		want         string
	}{
		{"linked wins", "1.2.0", info("v9.9.9"), "1.2.0"},
		{"module version", "", info("v1.3.0"), "v1.3.0"},
		{"stamped pseudo-version", "", info("v0.0.0-20261207063000-0123456789ab+dirty", rev), "v0.0.0-20261207063000-0123456789ab+dirty"},
		{"devel with revision and time", "", info("(devel)", rev, at), "v0.0.0-20261207063000-0123456789ab"},
		{"devel, modified", "", info("(devel)", rev, at, dirty), "v0.0.0-20261207063000-0123456789ab+dirty"},
		{"devel with revision only", "", info("(devel)", rev), "v0.0.0-0123456789ab"},
		{"devel without revision", "", info("(devel)"), "dev"},
		{"no build info", "", none, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := resolve(tc.linked, tc.info); got != tc.want {
				t.Errorf("resolve = %q, want %q", got, tc.want)
			}
		})
	}
}
