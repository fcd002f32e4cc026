// Package version says which dirgate this is.
package version

import (
	"runtime/debug"
	"time"
)

// linked is set at link time by release builds and `make build`:
//
//	go build -ldflags "-X github.com/dirgate/dirgate/internal/version.linked=1.2.0"
//
// It must stay an uninitialised string for -X to apply.
var linked string

// Version is dirgate's version: the linked one, else the module version
// the go command recorded (`go install module@version`, or the
// pseudo-version it stamps from the checkout), else the commit and its
// time from the VCS information, else "dev". Only a build from a copy of
// the sources without its history says "dev".
var Version = resolve(linked, debug.ReadBuildInfo)

func resolve(linked string, buildInfo func() (*debug.BuildInfo, bool)) string {
	if linked != "" {
		return linked
	}
	info, ok := buildInfo()
	if !ok {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var revision, at string
	var modified bool
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if len(revision) < 12 {
		return "dev"
	}
	// The shape of a Go pseudo-version: it sorts by time and names the
	// commit, without needing a tag.
	v := "v0.0.0-"
	if t, err := time.Parse(time.RFC3339, at); err == nil {
		v += t.UTC().Format("20060102150405") + "-"
	}
	v += revision[:12]
	if modified {
		v += "+dirty"
	}
	return v
}
