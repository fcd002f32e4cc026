// Package samba runs a real Active Directory domain controller (Samba's AD
// DC) for tests of dirgate's "ad" LDAP profile.
//
// Samba's LDAP ports (389, 636, 3268, 3269) are fixed, so only one DC can
// run on the machine. Two ways to get one:
//
//   - `make test` (and `make test-ad`) start one DC for the whole run with
//     `go run ./internal/testenv/samba/cmd/samba-dc up DIR` and export
//     DIRGATE_TEST_SAMBA_DIR=DIR; Start then connects to it and leaves it
//     running.
//   - Without that variable, Start provisions and starts a private DC for
//     the test process, holding a machine-wide lock so that packages run in
//     parallel by `go test ./...` take turns; it dies with the process.
//
// Start skips the test when Samba is not installed or the process is not
// root (provisioning needs it), and fails instead when CI=true.
package samba
