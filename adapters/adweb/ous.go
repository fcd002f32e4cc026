package adweb

import (
	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// createParentOU: POST createparentou {newOuName, description, city, state,
// street, postalCode, country, fqdn, accidentialDeletion}: an OU at the
// top of the domain.
func (r *request) createParentOU() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	name, err := requiredText(r.in, "newOuName")
	if err != nil {
		return reply{}, err
	}
	return r.createOU(directory.NewOU{ParentDN: dom.BaseDN(), Name: name}, dom)
}

// createChildOU: POST createchildou: createparentou's fields plus
// parentOuDn and newChildOuName.
func (r *request) createChildOU() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	parent, err := dn(r.in, "parentOuDn", dom)
	if err != nil {
		return reply{}, err
	}
	name, err := requiredText(r.in, "newChildOuName")
	if err != nil {
		return reply{}, err
	}
	return r.createOU(directory.NewOU{ParentDN: parent, Name: name}, dom)
}

func (r *request) createOU(ou directory.NewOU, dom *identity.Domain) (reply, error) {
	var err error
	for field, dst := range map[string]*string{
		"description": &ou.Description, "city": &ou.City, "state": &ou.State,
		"street": &ou.Street, "postalCode": &ou.PostalCode, "country": &ou.Country,
	} {
		if *dst, err = text(r.in, field); err != nil {
			return reply{}, err
		}
	}
	// The original's key is misspelt "accidentialDeletion"; the correct
	// spelling is accepted too.
	protectKey := "accidentialDeletion"
	if !r.in.has(protectKey) {
		protectKey = "accidentalDeletion"
	}
	if ou.Protected, err = flag(r.in, protectKey); err != nil {
		return reply{}, err
	}
	created, err := dom.CreateOU(r.ctx, r.caller, ou)
	if err != nil {
		if isNotFound(err) {
			return reply{}, fromCore(err, subjectOU, ou.ParentDN)
		}
		return reply{}, fromCore(err, subjectOU, ou.Name)
	}
	return reply{message: "OU " + created.Name + " created successfully", data: viewOU(created)}, nil
}

// getOUMembers: getoumembers?ouDN=…&FQDN=…: the OU's direct children with
// their type.
func (r *request) getOUMembers() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	ouDN, err := dn(r.in, "ouDN", dom)
	if err != nil {
		return reply{}, err
	}
	children, err := dom.Children(r.ctx, r.caller, ouDN)
	if err == nil {
		err = dialect.CheckResults(len(children), r.d.maxResults)
	}
	if err != nil {
		return reply{}, fromCore(err, subjectOU, ouDN)
	}
	out := make([]entryView, 0, len(children))
	for _, e := range children {
		out = append(out, viewEntry(e))
	}
	return reply{message: countMessage(len(out), "member"), data: out}, nil
}

// ouView is an OU as createparentou and createchildou return it.
type ouView struct {
	DistinguishedName string `json:"distinguishedName"`
	ObjectGUID        string `json:"objectGUID"`
	Name              string `json:"name"`
	Description       string `json:"description,omitempty"`
	Street            string `json:"street,omitempty"`
	City              string `json:"city,omitempty"`
	State             string `json:"state,omitempty"`
	PostalCode        string `json:"postalCode,omitempty"`
	Country           string `json:"country,omitempty"`
	// ProtectedFromAccidentalDeletion is what accidentialDeletion set.
	ProtectedFromAccidentalDeletion bool `json:"protectedFromAccidentalDeletion"`
}

func viewOU(ou *directory.OU) ouView {
	return ouView{
		DistinguishedName: ou.DN, ObjectGUID: ou.ID, Name: ou.Name, Description: ou.Description,
		Street: ou.Street, City: ou.City, State: ou.State, PostalCode: ou.PostalCode, Country: ou.Country,
		ProtectedFromAccidentalDeletion: ou.Protected,
	}
}
