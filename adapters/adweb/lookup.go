package adweb

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/dirgate/dirgate/internal/dialect"
	"github.com/dirgate/dirgate/pkg/directory"
)

// getDN: getdn?samAccountName=…&FQDN=…: the DN of the user, group or OU of
// that name. data holds the best match (a user before a group before an
// OU, as sAMAccountName names users first) and every match.
func (r *request) getDN() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	name, err := requiredText(r.in, "samAccountName")
	if err != nil {
		return reply{}, err
	}
	entries, err := dom.Resolve(r.ctx, r.caller, name)
	if err != nil {
		return reply{}, fromCore(err, subjectEntry, quote(name))
	}
	if len(entries) == 0 {
		return reply{}, subjectEntry.notFound(quote(name))
	}
	rank := map[directory.EntryType]int{directory.EntryUser: 0, directory.EntryGroup: 1, directory.EntryOU: 2}
	slices.SortStableFunc(entries, func(a, b directory.Entry) int {
		ra, okA := rank[a.Type]
		rb, okB := rank[b.Type]
		if !okA {
			ra = 3
		}
		if !okB {
			rb = 3
		}
		return cmp.Or(cmp.Compare(ra, rb), strings.Compare(a.DN, b.DN))
	})
	matches := make([]entryView, 0, len(entries))
	for _, e := range entries {
		matches = append(matches, viewEntry(e))
	}
	best := matches[0]
	return reply{
		message: "Distinguished name found",
		data: map[string]any{
			"distinguishedName": best.DistinguishedName,
			"name":              best.Name,
			"objectClass":       best.ObjectClass,
			"matches":           matches,
		},
	}, nil
}

// getUserInfo: getuserinfo?userDN=…&FQDN=….
func (r *request) getUserInfo() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	userDN, err := dn(r.in, "userDN", dom)
	if err != nil {
		return reply{}, err
	}
	u, err := dom.GetUser(r.ctx, r.caller, directory.ByDN(userDN))
	if err != nil {
		return reply{}, fromCore(err, subjectUser, userDN)
	}
	return reply{message: "User found", data: viewUser(u)}, nil
}

// getUsers: getusers?ouDN=…&FQDN=…: every user in the OU's subtree.
func (r *request) getUsers() (reply, error) {
	dom, err := r.domain(nil)
	if err != nil {
		return reply{}, err
	}
	ouDN, err := dn(r.in, "ouDN", dom)
	if err != nil {
		return reply{}, err
	}
	page, err := dom.SearchUsers(r.ctx, r.caller, directory.Query{Base: ouDN, Scope: directory.ScopeSubtree, Limit: r.d.maxResults + 1})
	if err == nil {
		err = dialect.CheckResults(len(page.Items), r.d.maxResults)
	}
	if err != nil {
		return reply{}, fromCore(err, subjectOU, ouDN)
	}
	out := make([]userView, 0, len(page.Items))
	for i := range page.Items {
		out = append(out, viewUser(&page.Items[i]))
	}
	slices.SortFunc(out, func(a, b userView) int {
		return cmp.Compare(strings.ToLower(a.SamAccountName), strings.ToLower(b.SamAccountName))
	})
	return reply{message: countMessage(len(out), "user"), data: out}, nil
}

// countMessage says how many things an answer lists.
func countMessage(n int, thing string) string {
	if n == 1 {
		return "1 " + thing + " found"
	}
	return fmt.Sprintf("%d %ss found", n, thing)
}
