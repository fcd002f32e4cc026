package scim

import "github.com/dirgate/dirgate/adapters/scim/spec"

// APIDocument is the OpenAPI document of this dialect's routes, for the
// console's /api/docs (dialect.Documented). The dialect itself serves no
// such route: under the prefix only SCIM's resources are.
func (d *Dialect) APIDocument() []byte { return spec.Document }
