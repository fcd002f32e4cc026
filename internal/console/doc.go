// Package console is dirgate's web console (/console/) and API reference
// pages (/api/docs): it shows an operator which legacy clients still call
// which dialect (the migration view), how each domain's directory is
// doing (health), and the latest directory writes (audit).
//
// # Front-end stack
//
// Server-rendered HTML (html/template) with htmx for the parts that
// refresh, and uPlot for the charts; Swagger UI renders the OpenAPI
// document. The reasons, for the long run:
//
//   - The console is a handful of read-mostly tables over data the server
//     already holds. Rendering them in Go keeps one language, one test
//     suite and one place where escaping happens (html/template's
//     contextual escaping), and needs no build step: no node toolchain in
//     CI, nothing to rebuild when Go code changes.
//   - htmx (0BSD, one 50 KB file, no dependencies, stable API across
//     majors) adds the refreshes and the audit search as HTML attributes;
//     uPlot (MIT, 50 KB) draws time series on a canvas, fast and small.
//     A bundled single-page app would bring a framework, a bundler and
//     an npm dependency tree to keep patched, for no view that needs it.
//   - Every file is vendored (assets/vendor, fetched with `npm pack`) and
//     embedded with go:embed: the binary works offline and no page loads
//     from a CDN. The pages run under `Content-Security-Policy:
//     default-src 'self'` with no inline script or style: page scripts
//     are files (assets/*.js), and htmx is told not to inject its
//     indicator style.
//
// # Sessions
//
// Administrators (members of the console's admin groups) log in with the
// core's Authenticate, so the throttle, the hashing bound and the
// directory's lockout apply as for every dialect. The session is a
// signed, expiring cookie naming the account by its stable id (session.go);
// every request reads that account again and checks it is still active
// and an admin, so no state lives in the process and any replica with the
// same console.sessionSecret serves it. POSTs carry a per-session CSRF
// token and must come from the console's own origin; the cookie is
// HttpOnly and SameSite=Strict, and Secure behind TLS (docs/console.md,
// docs/security.md "Console sessions").
//
// # What it counts
//
// The Recorder counts this process's requests per dialect, endpoint and
// client credential in fixed time buckets with a bound on clients
// (recorder.go says the memory bound); the same counts are in /metrics,
// where a dashboard sums a fleet of replicas (deploy/grafana).
package console
