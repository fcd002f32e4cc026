package directory

import "context"

// A read that decides a write — is this name, number or home directory
// still free? — must see what the write will meet: the directory server
// itself, not a copy of it kept by this process (the read model), which
// may lag a change made through another replica by up to its bound. Such
// reads carry Authoritative in their context; a decorator that answers
// reads from a copy passes them on to the backend.
//
// It travels in the context rather than in the Directory port because
// only decorators care, and a backend answers every read from the server
// anyway.

type authoritativeKey struct{}

// Authoritative returns a context whose reads are answered by the
// directory server, never by a copy.
func Authoritative(ctx context.Context) context.Context {
	return context.WithValue(ctx, authoritativeKey{}, true)
}

// IsAuthoritative tells whether reads made with ctx must be answered by
// the directory server.
func IsAuthoritative(ctx context.Context) bool {
	v, _ := ctx.Value(authoritativeKey{}).(bool)
	return v
}
