package identity

// reached marks a point between the steps of a change made of several
// directory writes. It does nothing, except in a binary built with the
// faultinject tag, where it can kill the process there (faults_inject.go):
// how the end-to-end tests check that a retry completes such a change.
var reached = func(point string) {}

// Fault-injection points.
const (
	// pointMemberUserCreated: CreateMember wrote the user, not yet its
	// group link.
	pointMemberUserCreated = "create-member:user-created"
)
