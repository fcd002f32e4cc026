package kanboard

import "github.com/dirgate/dirgate/pkg/identity"

// failed turns a core error into Kanboard's answer. What the request
// caused (an unknown user, a taken name, a value the directory refuses)
// is the procedure's failure value, false or null, as Kanboard answers a
// failed validation or a missing row. What the directory failed to do is
// returned as an error, which the client sees as -32603 "Internal error"
// without the backend's diagnostic.
func failed(err error, failure any) (any, error) {
	if causedByRequest(err) {
		return failure, nil
	}
	return nil, err
}

func causedByRequest(err error) bool {
	switch identity.Kind(err) {
	case identity.KindNotFound, identity.KindForbidden, identity.KindAlreadyExists, identity.KindInvalidInput,
		identity.KindPasswordPolicy, identity.KindProtected, identity.KindNotEmpty, identity.KindNotSupported,
		identity.KindConflict:
		return true
	}
	return false
}
