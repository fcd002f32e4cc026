package privacyidea

import (
	"github.com/dirgate/dirgate/pkg/directory"
)

// editableResolver finds the resolver a write names. privacyIDEA writes
// only to resolvers flagged editable; dirgate enforces that.
func (d *Dialect) editableResolver(name string) (*resolver, *apiError) {
	res, ok := d.topo.resolver(name)
	if !ok {
		return nil, unknownResolver(name)
	}
	if !res.editable {
		return nil, notEditable(res.name)
	}
	return res, nil
}

// assignment is the new value of one mapped key.
type assignment struct {
	attr   attribute
	values []string
}

// assignments reads the mapped keys of a write, the username aside.
// Empty values are skipped, as the original's _get_attributes_from_param
// does: a write sets values, it never clears one.
func (r *resolver) assignments(p params) ([]assignment, *apiError) {
	var out []assignment
	for _, a := range r.attrs {
		if a.field == directory.FieldUsername {
			continue
		}
		var values []string
		if _, isAttr := a.field.Attribute(); a.multiValued() || isAttr {
			list, err := p.list(a.key)
			if err != nil {
				return nil, err
			}
			for _, v := range list {
				if v != "" {
					values = append(values, v)
				}
			}
		} else {
			v, err := p.str(a.key)
			if err != nil {
				return nil, err
			}
			if v != "" {
				values = []string{v}
			}
		}
		if len(values) > 0 {
			out = append(out, assignment{attr: a, values: values})
		}
	}
	return out, nil
}
