package ldap

import (
	"context"
	"strings"

	"github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/pkg/directory"
)

// An ordering filter, (attr>=v) or (attr<=v), needs an ORDERING rule for
// attr in the server's schema. Without one slapd evaluates it to
// Undefined (RFC 4511 4.5.1.7): it matches nothing, and neither does its
// negation, so a search would silently come back empty. OpenLDAP's
// standard schema gives none to uid, cn, sn, mail, title, description,
// telephoneNumber or mobile. The backend therefore reads which
// attributes order from the server's subschema before it sends such a
// filter, once per process, and refuses the others with ErrInvalidInput.
//
// Active Directory publishes no matching rules in its subschema; it orders
// the values of every syntax the model maps (strings case-insensitively),
// so its profile says so (quirks.ordersEverything) and skips the lookup.

// orderingRules knows which attributes of a server's schema order.
type orderingRules struct {
	all     bool            // every attribute orders (AD)
	ordered map[string]bool // lower-cased name or OID → has an ORDERING rule, its own or inherited
}

func (r *orderingRules) orders(attr string) bool {
	return r != nil && (r.all || r.ordered[strings.ToLower(attr)])
}

// usesOrdering reports whether f holds an atLeast or atMost condition.
func usesOrdering(f directory.Filter) bool {
	switch n := f.(type) {
	case directory.Cond:
		return n.Op == directory.OpAtLeast || n.Op == directory.OpAtMost
	case directory.And:
		for _, c := range n {
			if usesOrdering(c) {
				return true
			}
		}
	case directory.Or:
		for _, c := range n {
			if usesOrdering(c) {
				return true
			}
		}
	case directory.Not:
		return usesOrdering(n.Filter)
	}
	return false
}

// orderingRules reads (once) which attributes the server can order.
func (d *Directory) orderingRules(ctx context.Context) (*orderingRules, error) {
	if d.prof.quirks.ordersEverything {
		return &orderingRules{all: true}, nil
	}
	if r := d.ordering.Load(); r != nil {
		return r, nil
	}
	var types []string
	err := d.svc.call(ctx, true, func(c *conn) error {
		res, err := c.Search(rootDSE("subschemaSubentry"))
		if err != nil {
			return err
		}
		if len(res.Entries) == 0 {
			return errNoEntry
		}
		dn := res.Entries[0].GetAttributeValue("subschemaSubentry")
		if dn == "" {
			dn = "cn=Subschema"
		}
		res, err = c.Search(ldap.NewSearchRequest(dn, ldap.ScopeBaseObject, ldap.NeverDerefAliases, 0, 0, false,
			"(objectClass=subschema)", []string{"attributeTypes"}, nil))
		if err != nil {
			return err
		}
		if len(res.Entries) == 0 {
			return errNoEntry
		}
		types = res.Entries[0].GetEqualFoldAttributeValues("attributeTypes")
		return nil
	})
	if err != nil {
		return nil, wrap(err, "reading the schema's ordering rules")
	}
	r := parseOrderingRules(types)
	d.ordering.Store(r)
	return r, nil
}

// parseOrderingRules reads attribute type descriptions (RFC 4512 4.1.2)
// for their names, supertype and ordering rule. A description that does
// not parse only loses its ordering.
func parseOrderingRules(types []string) *orderingRules {
	type def struct {
		sup      string
		ordering bool
	}
	defs := map[string]*def{}
	for _, t := range types {
		toks := schemaTokens(t)
		if len(toks) < 2 || toks[0].text != "(" {
			continue
		}
		d := &def{}
		names := []string{strings.ToLower(toks[1].text)} // the OID
		for i := 2; i < len(toks); i++ {
			if toks[i].quoted {
				continue
			}
			switch toks[i].text {
			case "NAME": // 'name' or ( 'name' 'alias' ... )
				if i+1 < len(toks) && toks[i+1].quoted {
					i++
					names = append(names, strings.ToLower(toks[i].text))
				} else if i+1 < len(toks) && toks[i+1].text == "(" {
					for i++; i+1 < len(toks) && toks[i+1].quoted; i++ {
						names = append(names, strings.ToLower(toks[i+1].text))
					}
				}
			case "SUP":
				if i+1 < len(toks) {
					d.sup = strings.ToLower(toks[i+1].text)
				}
			case "ORDERING":
				d.ordering = true
			}
		}
		for _, n := range names {
			defs[n] = d
		}
	}
	ordered := map[string]bool{}
	for name, d := range defs {
		// Follow the supertypes; a loop (a broken schema) ends the walk.
		for seen := 0; d != nil && seen < 16; seen++ {
			if d.ordering {
				ordered[name] = true
				break
			}
			d = defs[d.sup]
		}
	}
	return &orderingRules{ordered: ordered}
}

// schemaToken is a word, a parenthesis or a quoted string of a schema
// description.
type schemaToken struct {
	text   string
	quoted bool
}

func schemaTokens(s string) []schemaToken {
	var toks []schemaToken
	for i := 0; i < len(s); {
		switch c := s[i]; {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(' || c == ')':
			toks = append(toks, schemaToken{text: string(c)})
			i++
		case c == '\'':
			end := strings.IndexByte(s[i+1:], '\'')
			if end < 0 {
				return toks
			}
			toks = append(toks, schemaToken{text: s[i+1 : i+1+end], quoted: true})
			i += end + 2
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n()'", rune(s[j])) {
				j++
			}
			toks = append(toks, schemaToken{text: s[i:j]})
			i = j
		}
	}
	return toks
}
