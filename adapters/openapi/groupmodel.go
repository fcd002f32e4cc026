package openapi

import (
	"fmt"
	"time"

	"github.com/dirgate/dirgate/pkg/directory"
)

type group = directory.Group

// groupFields are the group entity's members in the schema's order.
var groupFields = fieldList[group]{
	{name: "_id", get: always(func(g *group) string { return g.ID }), filter: eqInOps(directory.FieldID)},
	{name: "_created", get: ifTime(func(g *group) time.Time { return g.Created }),
		filter: timeOps(directory.FieldCreated), sort: directory.FieldCreated},
	{name: "_modified", get: ifTime(func(g *group) time.Time { return g.Modified }),
		filter: timeOps(directory.FieldModified), sort: directory.FieldModified},
	{name: "externalId", get: ifSet(func(g *group) string { return g.ExternalID }), filter: textOps(directory.FieldExternalID)},
	{name: "system", get: always(func(g *group) bool { return g.System }), filter: boolOps(directory.FieldSystem)},
	{name: "name", get: always(func(g *group) string { return g.Name }),
		filter: textOps(directory.FieldName), sort: directory.FieldName},
}

// groupSchema: the members of a group a client may write; name renames.
var groupSchema = entitySchema{
	entity:    "group",
	component: "Group",
	writable: []writableField{
		{name: "name", kind: kindText, required: true},
		{name: "externalId", kind: kindText},
		{name: "system", kind: kindFlag},
	},
	readOnly: []string{"_id", "_created", "_modified"},
}

func groupDraft(g *directory.Group) draft {
	d := draft{"name": g.Name, "system": g.System}
	if g.ExternalID != "" {
		d["externalId"] = g.ExternalID
	}
	return d
}

// newGroupDraft is what a created or replaced group starts from: PUT
// replaces the whole definition, so what the body leaves out is cleared.
func newGroupDraft() draft { return draft{"system": false} }

// groupEdit is a group change: the fields and a rename.
type groupEdit struct {
	patch  directory.GroupPatch
	rename *string
}

func (e groupEdit) empty() bool { return e.patch.IsEmpty() && e.rename == nil }

func groupEditOf(before, after draft) groupEdit {
	var e groupEdit
	e.patch.ExternalID, _ = changedText(before, after, "externalId")
	e.patch.System, _ = changedFlag(before, after, "system")
	e.rename, _ = changedText(before, after, "name")
	return e
}

func groupSubject(id string) string { return fmt.Sprintf("group %q", id) }

func groupNamed(name string) string { return fmt.Sprintf("a group named %q", name) }
