// Package adweb serves the REST API of Dart Innovations' "AD Web"
// (`/restapi/createuser`, `/restapi/passwordreset` ...) on top of dirgate's
// core, so integrations written for AD Web keep working when the directory
// behind them is OpenLDAP, Active Directory or the embedded store.
//
// The package only translates: it authenticates the ApiKey/ApiSecret pair,
// reads the case-insensitive JSON bodies and query strings the original
// accepts, calls package identity with the key's scope, and answers in the
// `{"success":…,"message":…,"data"|"errorCode":…}` envelope. Authorization,
// validation, the password policy and the audit log are the core's.
//
// The wire contract is docs/dialects/adweb.md.
package adweb
