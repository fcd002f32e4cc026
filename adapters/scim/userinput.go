package scim

import (
	"context"
	"slices"
	"strings"

	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/identity"
)

// userInput is what a User document asks for: the writable attributes,
// each "" (or empty) when the document does not have it. Read-only
// attributes (id, meta, groups) and attributes the directory cannot hold
// are ignored, as RFC 7644 section 3.3 allows.
type userInput struct {
	userName, externalID, givenName, familyName, displayName, title string
	mail, telephone                                                 string
	mobile                                                          []string
	active                                                          *bool
	password                                                        *string
	// enterprise holds employeenumber, department and organization;
	// managerID the manager's id.
	enterprise map[string]string
	managerID  string
	// keepManager leaves the manager as it is: a PATCH that does not name
	// it, of a user whose manager the token cannot see (so the resource
	// read had none).
	keepManager bool
}

// readUser reads a User document (a POST or PUT body, or a patched
// resource).
func readUser(doc document) (userInput, error) {
	in := userInput{enterprise: map[string]string{}}
	var err error
	str := func(v any, name string) string {
		if err != nil || v == nil {
			return ""
		}
		s, ok := v.(string)
		if !ok {
			err = badRequest(typeInvalidValue, "%s must be a string", name)
		}
		return strings.TrimSpace(s)
	}
	in.userName = str(doc["username"], "userName")
	in.externalID = str(doc["externalid"], "externalId")
	in.displayName = str(doc["displayname"], "displayName")
	in.title = str(doc["title"], "title")
	if v, ok := doc["name"]; ok && v != nil {
		name, ok := v.(document)
		if !ok {
			return in, badRequest(typeInvalidValue, "name must be an object")
		}
		in.givenName = str(name["givenname"], "name.givenName")
		in.familyName = str(name["familyname"], "name.familyName")
	}
	if v, ok := doc["active"]; ok && v != nil {
		b, ok := boolValue(v)
		if !ok {
			return in, badRequest(typeInvalidValue, "active must be true or false")
		}
		in.active = &b
	}
	if v, ok := doc["password"]; ok && v != nil {
		p, isString := v.(string)
		if !isString {
			return in, badRequest(typeInvalidValue, "password must be a string")
		}
		in.password = &p
	}
	emails, e := elements(doc["emails"], "emails")
	if e != nil {
		return in, e
	}
	if el := pick(emails, func(m document) bool { return m["primary"] == true }, isType("work"), func(document) bool { return true }); el != nil {
		in.mail = str(el["value"], "emails.value")
	}
	phones, e := elements(doc["phonenumbers"], "phoneNumbers")
	if e != nil {
		return in, e
	}
	if el := pick(phones, isType("work"), func(m document) bool { return !isType("mobile")(m) }); el != nil {
		in.telephone = str(el["value"], "phoneNumbers.value")
	}
	for _, el := range phones {
		if isType("mobile")(el) {
			if m := str(el["value"], "phoneNumbers.value"); m != "" {
				in.mobile = append(in.mobile, m)
			}
		}
	}
	if v, ok := doc[enterpriseKey]; ok && v != nil {
		ext, ok := v.(document)
		if !ok {
			return in, badRequest(typeInvalidValue, "%s must be an object", urnEnterprise)
		}
		for _, k := range []string{"employeenumber", "department", "organization"} {
			in.enterprise[k] = str(ext[k], k)
		}
		switch m := ext["manager"].(type) {
		case string: // Entra ID writes the manager's id alone
			in.managerID = strings.TrimSpace(m)
		case document:
			in.managerID = str(m["value"], "manager.value")
		case nil:
		default:
			return in, badRequest(typeInvalidValue, "manager must be an object with a value")
		}
	}
	return in, err
}

func elements(v any, name string) ([]document, error) {
	if v == nil {
		return nil, nil
	}
	list, ok := v.([]any)
	if !ok {
		return nil, badRequest(typeInvalidValue, "%s must be an array", name)
	}
	out := make([]document, 0, len(list))
	for _, el := range list {
		m, ok := el.(document)
		if !ok {
			return nil, badRequest(typeInvalidValue, "%s must hold objects", name)
		}
		out = append(out, m)
	}
	return out, nil
}

func isType(t string) func(document) bool {
	return func(m document) bool { s, _ := m["type"].(string); return strings.EqualFold(s, t) }
}

// pick returns the first element the first test that any element passes
// accepts.
func pick(els []document, tests ...func(document) bool) document {
	for _, test := range tests {
		for _, el := range els {
			if test(el) {
				return el
			}
		}
	}
	return nil
}

// managerDN resolves the manager's id to the DN the directory stores.
func (d *Dialect) managerDN(ctx context.Context, c identity.Caller, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	m, err := d.domain.GetUser(ctx, c, directory.ByID(id))
	if err != nil {
		se := fromCore(err, "manager")
		if se.status == 404 {
			return "", badRequest(typeInvalidValue, "manager %q is not a user", id)
		}
		return "", se
	}
	return m.DN, nil
}

// extraAttributes are the Enterprise attributes as the directory's extra
// attributes (an empty list removes one); those the directory does not
// carry are left out.
func (d *Dialect) extraAttributes(in userInput, managerDN string) map[string][]string {
	out := map[string][]string{}
	set := func(name, v string) {
		if name == "" {
			return
		}
		if v == "" {
			out[name] = []string{}
		} else {
			out[name] = []string{v}
		}
	}
	set(d.schema.employeeNumber, in.enterprise["employeenumber"])
	set(d.schema.department, in.enterprise["department"])
	set(d.schema.organization, in.enterprise["organization"])
	set(d.schema.manager, managerDN)
	return out
}

// newUser is what a POST creates.
func (d *Dialect) newUser(ctx context.Context, c identity.Caller, in userInput) (directory.NewUser, error) {
	if in.userName == "" {
		return directory.NewUser{}, badRequest(typeInvalidValue, "userName is required")
	}
	mgr, err := d.managerDN(ctx, c, in.managerID)
	if err != nil {
		return directory.NewUser{}, err
	}
	nu := directory.NewUser{
		Username: in.userName, ExternalID: in.externalID, GivenName: in.givenName, Surname: in.familyName,
		DisplayName: in.displayName, Title: in.title, Mail: in.mail, Telephone: in.telephone, Mobile: in.mobile,
		Disabled: in.active != nil && !*in.active,
	}
	if in.password != nil {
		if !d.changePassword {
			return nu, badRequest(typeMutability, "this service does not take passwords (changePassword is off)")
		}
		nu.Password = *in.password
	}
	attrs := d.extraAttributes(in, mgr)
	for name, vs := range attrs {
		if len(vs) == 0 {
			delete(attrs, name)
		}
	}
	if len(attrs) > 0 {
		nu.Attributes = attrs
	}
	return nu, nil
}

// change is what turns orig into what in asks: every attribute in holds
// replaces the user's, every writable one it lacks is removed (a PUT, or
// a patched resource written back whole). active, when absent, stays.
func (d *Dialect) change(ctx context.Context, c identity.Caller, orig *directory.User, in userInput) (identity.UserChange, error) {
	var ch identity.UserChange
	if in.userName == "" {
		return ch, badRequest(typeInvalidValue, "userName is required")
	}
	if in.userName != orig.Username {
		ch.Rename = &in.userName
	}
	p := &ch.Patch
	diff := func(dst **string, have, want string) {
		if have != want {
			*dst = directory.Ptr(want)
		}
	}
	diff(&p.ExternalID, orig.ExternalID, in.externalID)
	diff(&p.GivenName, orig.GivenName, in.givenName)
	diff(&p.Surname, orig.Surname, in.familyName)
	diff(&p.DisplayName, orig.DisplayName, in.displayName)
	diff(&p.Title, orig.Title, in.title)
	diff(&p.Mail, orig.Mail, in.mail)
	diff(&p.Telephone, orig.Telephone, in.telephone)
	if !slices.Equal(orig.Mobile, in.mobile) && !(len(orig.Mobile) == 0 && len(in.mobile) == 0) {
		p.Mobile = directory.Ptr(append([]string{}, in.mobile...))
	}
	mgr := first(orig.Attributes, d.schema.manager)
	switch {
	case in.keepManager:
	case in.managerID == "":
		mgr = ""
	default:
		if cur, err := d.domain.GetUser(ctx, c, directory.ByDN(mgr)); mgr == "" || err != nil || cur.ID != in.managerID {
			if mgr, err = d.managerDN(ctx, c, in.managerID); err != nil {
				return ch, err
			}
		}
	}
	for name, vs := range d.extraAttributes(in, mgr) {
		want := ""
		if len(vs) > 0 {
			want = vs[0]
		}
		if first(orig.Attributes, name) != want {
			if p.Attributes == nil {
				p.Attributes = map[string][]string{}
			}
			p.Attributes[name] = vs
		}
	}
	if in.active != nil && *in.active != orig.Enabled {
		ch.Enabled = in.active
	}
	if in.password != nil {
		if !d.changePassword {
			return ch, badRequest(typeMutability, "this service does not take passwords (changePassword is off)")
		}
		ch.Password = in.password
	}
	return ch, nil
}
