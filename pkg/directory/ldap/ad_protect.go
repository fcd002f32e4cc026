package ldap

import (
	"context"

	"github.com/go-ldap/ldap/v3"
)

// denyDeleteACE is written below.
type denyDeleteACE struct{}

func (denyDeleteACE) attributes() []string                              { return nil }
func (denyDeleteACE) controls() []ldap.Control                          { return nil }
func (denyDeleteACE) protected(*ldap.Entry) bool                        { return false }
func (denyDeleteACE) protect(context.Context, *Directory, string) error { return nil }
