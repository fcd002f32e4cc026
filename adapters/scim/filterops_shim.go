package scim

import "github.com/dirgate/dirgate/pkg/directory"

// Stand-ins for the core's endsWith / atLeast / atMost until they land.
func endsWith(f directory.Field, v string) directory.Cond {
	return directory.Cond{Field: f, Op: "endsWith", Values: []string{v}}
}
func atLeast(f directory.Field, v string) directory.Cond {
	return directory.Cond{Field: f, Op: "atLeast", Values: []string{v}}
}
func atMost(f directory.Field, v string) directory.Cond {
	return directory.Cond{Field: f, Op: "atMost", Values: []string{v}}
}
