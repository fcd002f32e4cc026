// Package version says which dirgate this is.
package version

import "runtime/debug"

// linked is set at link time by release builds:
//
//	go build -ldflags "-X github.com/dirgate/dirgate/internal/version.linked=1.2.0"
//
// It must stay an uninitialised string for -X to apply.
var linked string

// Version is dirgate's version: the linked one, else the module version
// recorded by `go install module@version`, else "dev".
var Version = resolve(linked, debug.ReadBuildInfo)

func resolve(linked string, buildInfo func() (*debug.BuildInfo, bool)) string {
	if linked != "" {
		return linked
	}
	if info, ok := buildInfo(); ok {
		if v := info.Main.Version; v != "" && v != "(devel)" {
			return v
		}
		// A build from a checkout without -ldflags still says which commit.
		for _, s := range info.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return "dev"
}
