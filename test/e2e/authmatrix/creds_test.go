package authmatrix_test

import (
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// cred is a kind of credential a matrix probe sends.
type cred string

const (
	// credNone sends no credentials at all.
	credNone cred = "no credentials"
	// credWrong sends credentials of the right shape that are not valid
	// (a wrong secret, a wrong password, a token that does not parse).
	credWrong cred = "wrong credentials"
	// credForged sends a well-formed token signed with another key (or
	// none, or meant for another purpose).
	credForged cred = "forged token"
	// credExpired sends a token signed with the right key whose time is
	// over.
	credExpired cred = "expired token"
	// credOther sends a valid credential of someone who may not do this:
	// a plain user on an admin endpoint, a key limited to another subtree.
	credOther cred = "another user's credentials"
	// credReadOnly sends a valid read-only credential to a write.
	credReadOnly cred = "read-only credentials"
)

// privacyIDEAToken signs a privacyIDEA JWT as the dialect does (HS256,
// claims username, realm, role, authtype, nonce, rights, iat, exp).
func privacyIDEAToken(secret []byte, username, role string, exp time.Time) string {
	claims := jwt.MapClaims{
		"username": username, "realm": "corp", "role": role, "authtype": "password", "nonce": "00",
		"rights": []string{}, "iat": exp.Add(-time.Hour).Unix(), "exp": exp.Unix(),
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
	if err != nil {
		panic(err)
	}
	return tok
}

// openAPIToken signs an OpenAPI login token as the dialect does for the
// user with that id.
func openAPIToken(secret []byte, audience, subject, username string, admin bool, exp time.Time) string {
	claims := jwt.MapClaims{
		"iss": "dirgate", "aud": []string{audience}, "sub": subject, "name": username, "adm": admin,
		"iat": exp.Add(-time.Hour).Unix(), "nbf": exp.Add(-time.Hour).Unix(), "exp": exp.Unix(),
	}
	tok, err := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(secret)
	if err != nil {
		panic(err)
	}
	return tok
}

// unsignedToken is a token with "alg":"none": whatever it claims, a
// server that checks the algorithm refuses it.
func unsignedToken(claims jwt.MapClaims) string {
	tok, err := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
	if err != nil {
		panic(err)
	}
	return tok
}
