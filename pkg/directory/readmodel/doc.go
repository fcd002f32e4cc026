// Package readmodel keeps a copy of one domain's directory in memory —
// users, groups, memberships, OUs — kept coherent by the directory's own
// change stream, and answers reads from it. It is a decorator of the
// directory.Directory port: New wraps a backend and a Feed (the backend's
// change stream), and every method it does not answer passes through.
//
// # Reads
//
// GetUser and GetGroup (by id, DN, name, number), SearchUsers and
// SearchGroups (filter, sort, offset, limit, total), Members and MemberOf
// are answered by the model while it serves. Everything else (OUs,
// Children, Resolve, exports, numbering, credentials) goes to the backend.
// An answer from the model is the backend's answer: entries are mapped by
// the backend's own functions before they reach the model, filters are
// evaluated with the server's matching rules (filter.go, textkey.go), and
// sorting and paging follow the backend's (search.go; listings in the
// default order walk a kept sorted view, sortedview.go; searches pinning
// an id, DN or name start from the indexes, candidates.go). What the model
// cannot answer identically goes to the backend, per query: an operator
// or field it does not know (so an Op added to directory/query.go is
// refused here until taught), account-state fields (enabled, locked,
// mustChangePassword, which the profile compiles to time-dependent
// filters), telephone numbers (telephoneNumberMatch), extra attributes,
// assertion values outside printable ASCII or with spaces at an end or
// doubled, stored values whose preparation slapd could do differently,
// ambiguous names, and a memberUid group model. Stats counts both.
//
// # Writes: read-your-writes
//
// Writes go to the backend. When it has answered, the write asks the
// server for its position (Feed.Position: OpenLDAP's contextCSN) and waits
// until the stream has brought the model there, so the next read on this
// process sees the write with all its effects as the server made them.
// Applying the write to the model ourselves would guess those effects;
// waiting for the stream does not. If the stream does not get there
// within the lag bound, the model stops serving until it is proved fresh
// again.
//
// # Freshness and the lag bound
//
// A probe asks the server for its position four times per bound and,
// when the model holds it, records when it asked: the model then holds
// every change made before that moment. Lag is the age of that proof. The
// model answers reads only while the stream runs, its load is complete and
// Lag is within Config.MaxLag; otherwise reads go to the directory and
// Health fails with ErrUnavailable (so /readyz is unready): stale data is
// never served silently. A change made anywhere is therefore visible here
// within MaxLag.
//
// Password verification always binds to the directory. Account state
// (disabled, locked, must-change) read from the model is within the same
// bound; a temporary lock that has run out is cleared at read time, as the
// backend's own mapping does.
//
// # The OpenLDAP feed
//
// pkg/directory/ldap's ReadModelFeed runs syncrepl refreshAndPersist
// (RFC 4533) through go-ldap's Conn.Syncrepl, whose controls
// (ControlSyncRequest, ControlSyncState, ControlSyncInfo) v3.4.15 has, so
// no control is encoded here. The cookie is kept: a broken stream resumes
// from it rather than reloading. Without the syncprov overlay the server
// refuses the control; the model then stays off (every read goes to the
// directory) and says so in the log once.
//
// slapd's refint and memberof overlays change member values internally
// when an entry is renamed or deleted, and syncprov does not stream those
// changes; the model applies the same rule itself (store.go). The model
// therefore assumes the server keeps referential integrity of member
// (refint), as dirgate's documented setup does.
//
// # The Active Directory feed
//
// pkg/directory/ldap's feed for the ad profile (adfeed.go) polls: a paged
// load, then, whenever highestCommittedUSN moved (checked at least every
// 0.5 s and at once when Position is asked), a DirSync search from its
// cookie when the service account holds the "Replicating Directory
// Changes" right (dirsyncfeed.go), a search for (uSNChanged>=last+1) with
// the Show Deleted control otherwise (usnfeed.go). Its Position is
// highestCommittedUSN.
//
// Not yet: reads through the model for the embedded backend (already
// local), OU reads.
package readmodel
