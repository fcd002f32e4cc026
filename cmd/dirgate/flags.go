package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/dirgate/dirgate/config"
	"github.com/dirgate/dirgate/internal/quickstart"
)

// configFlags are the flags every command that reads the configuration
// shares.
type configFlags struct {
	file     string
	dataDir  string
	listen   string
	logLevel string
}

// bind adds --config, --data-dir and --log-level (and --listen when
// withListen) to cmd.
func (f *configFlags) bind(cmd *cobra.Command, withListen bool) {
	fl := cmd.Flags()
	fl.StringVar(&f.file, "config", "", "configuration file (YAML); without it, the quick start's <data-dir>/dirgate.yaml")
	fl.StringVar(&f.dataDir, "data-dir", config.DefaultDataDir, "data directory (env DIRGATE_DATADIR)")
	fl.StringVar(&f.logLevel, "log-level", "info", "log level: debug, info, warn, error (env DIRGATE_LOG_LEVEL)")
	if withListen {
		fl.StringVar(&f.listen, "listen", config.DefaultListen, "main listener host:port (env DIRGATE_LISTEN)")
	}
}

// source turns the flags given on the command line into a config.Source;
// flags left at their default do not hide the file or the environment.
func (f *configFlags) source(cmd *cobra.Command) config.Source {
	over := map[string]any{}
	for flag, key := range map[string]string{"data-dir": "dataDir", "listen": "listen", "log-level": "log.level"} {
		if fl := cmd.Flags().Lookup(flag); fl != nil && fl.Changed {
			over[key] = fl.Value.String()
		}
	}
	return config.Source{File: f.file, Overrides: over}
}

// existing returns the source with the quick start's file when no
// --config was given, for the commands that use a configuration but never
// create one.
func (f *configFlags) existing(cmd *cobra.Command) (config.Source, error) {
	src := f.source(cmd)
	if src.File != "" {
		return src, nil
	}
	base, err := config.Base(registry, src)
	if err != nil {
		return src, err
	}
	path := quickstart.ConfigPath(base.DataDir)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return src, fmt.Errorf("no configuration: give --config FILE, or --data-dir of a quick start (%s does not exist)", path)
	}
	src.File = path
	return src, nil
}

// load reads and validates the configuration; on problems it prints them
// all and returns an error that carries exit code 1.
func load(src config.Source, stderr io.Writer) (*config.Config, error) {
	cfg, err := config.Load(registry, src)
	if err == nil {
		return cfg, nil
	}
	if cfg == nil { // unreadable file: one error, nothing to list
		return nil, err
	}
	ps := config.Problems(err)
	fmt.Fprintf(stderr, "dirgate: configuration %s has %d problem%s:\n", describe(src), len(ps), plural(len(ps)))
	for _, p := range ps {
		fmt.Fprintf(stderr, "  - %s\n", strings.ReplaceAll(p.Error(), "\n", "\n    "))
	}
	return nil, &exitError{code: 1, err: err, reported: true}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func describe(src config.Source) string {
	if src.File == "" {
		return "(defaults, environment and flags)"
	}
	return src.File
}
