package config

import (
	"errors"
	"reflect"
	"regexp"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Problem is one thing wrong with the configuration, at a key path such as
// "domains[0].backend.config.urls". Load and Validate return every Problem
// at once, joined with errors.Join.
type Problem struct {
	Path string
	Err  error
	// detail replaces Err's text when the path took over its key prefix.
	detail string
}

func (p *Problem) Error() string {
	msg := p.detail
	if msg == "" {
		msg = p.Err.Error()
	}
	if p.Path == "" {
		return msg
	}
	return p.Path + ": " + msg
}

// Unwrap keeps errors.Is working on the underlying error.
func (p *Problem) Unwrap() error { return p.Err }

// keyed matches a message that starts with its own key path, as a block's
// Validate writes them ("urls: required", "servers[1].url: required").
var keyed = regexp.MustCompile(`(?s)^([A-Za-z0-9_\-]+(?:\[[0-9]+\]|\.[A-Za-z0-9_\-]+)*): (.*)$`)

// Problems lists the problems inside an error returned by Load or Validate,
// in the order they were found.
func Problems(err error) []*Problem {
	var out []*Problem
	for _, e := range leaves(err) {
		var p *Problem
		if errors.As(e, &p) {
			out = append(out, p)
		} else {
			out = append(out, &Problem{Err: e})
		}
	}
	return out
}

// problems collects Problems under a path prefix.
type problems struct {
	list []error
}

// add records err at path; a joined error becomes one Problem per part,
// so every part names its key.
func (ps *problems) add(path string, err error) {
	for _, e := range leaves(err) {
		var p *Problem
		if errors.As(e, &p) {
			ps.list = append(ps.list, &Problem{Path: join(path, p.Path), Err: p.Err, detail: p.detail})
			continue
		}
		ps.list = append(ps.list, &Problem{Path: path, Err: e})
	}
}

func (ps *problems) addf(path, msg string) { ps.add(path, errors.New(msg)) }

// addBlock records a block's Validate error under path. A message that
// starts with one of the block's own keys continues the path: "urls:
// required" under "domains[0].backend.config" reads
// "domains[0].backend.config.urls: required". block is the typed config,
// whose keys tell a key prefix from a mere "word: " at the start.
func (ps *problems) addBlock(path string, err error, block any) {
	fields, _ := structFields(reflect.TypeOf(block))
	for _, e := range leaves(err) {
		var p *Problem
		if errors.As(e, &p) {
			ps.list = append(ps.list, &Problem{Path: join(path, p.Path), Err: p.Err, detail: p.detail})
			continue
		}
		msg := e.Error()
		// "invalid input: " says nothing a configuration problem does not.
		if errors.Is(e, directory.ErrInvalidInput) {
			msg = strings.TrimPrefix(msg, directory.ErrInvalidInput.Error()+": ")
		}
		if m := keyed.FindStringSubmatch(msg); m != nil && fields[strings.ToLower(firstKey(m[1]))] != nil {
			ps.list = append(ps.list, &Problem{Path: join(path, m[1]), Err: e, detail: m[2]})
			continue
		}
		ps.list = append(ps.list, &Problem{Path: path, Err: e, detail: msg})
	}
}

// firstKey is the first segment of a key path: "urls" of "urls[1]",
// "tls" of "tls.caFile".
func firstKey(path string) string {
	if i := strings.IndexAny(path, ".["); i >= 0 {
		return path[:i]
	}
	return path
}

func (ps *problems) err() error { return errors.Join(ps.list...) }

// leaves flattens errors.Join trees (only joins: a wrapped error stays
// whole so its message keeps its context).
func leaves(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, leaves(e)...)
		}
		return out
	}
	return []error{err}
}

// join appends a key path to a prefix: "domains[0]" + "name" or "[1]".
func join(prefix, key string) string {
	switch {
	case prefix == "":
		return key
	case key == "":
		return prefix
	case strings.HasPrefix(key, "["):
		return prefix + key
	default:
		return prefix + "." + key
	}
}
