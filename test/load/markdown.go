package main

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// markdown writes the report.
func (r *report) markdown(w io.Writer) {
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	p("# dirgate load report")
	p("")
	p("Written by `make load` (`test/load`); the numbers below are this run's. Do not edit by hand:")
	p("run `make load` again. `docs/benchmarks.md` discusses them.")
	p("")
	p("- **When**: %s, %s.", r.began.UTC().Format("2006-01-02 15:04 MST"), r.ended.Sub(r.began).Round(time.Second))
	p("- **Machine**: %s. The load tool, dirgate and slapd share it.", r.machine)
	p("- **Load average** (1, 5, 15 min) before %s, after %s: other work on the machine shows here and in each row.", r.loadBefore, r.loadAfter)
	p("- **Software**: %s.", r.versions)
	p("- **Command**: `%s`.", r.command())
	p("- **Method**: closed loop — each client sends its next request when the last one answered, over one keep-alive connection of its own (one bound LDAP connection for raw LDAP). Each target runs %d rounds of %s warm-up and %s measured, the targets of one concurrency interleaved round by round; each row gives the median of its rounds (throughput with its range), so a round disturbed by other work on the machine does not decide a figure. CPU per request is utime+stime from `/proc/<pid>/stat` over the measured window divided by the requests answered in it (10 ms ticks).", r.o.rounds, r.o.warmup, r.o.window)
	p("- **Data**: slapd (mdb, dirgate's schema, ppolicy, memberof/refint, unique uid, sssvlv) bulk-loaded with slapadd: %d users, %d groups (user *i* in group *i* mod %d), as `docs/design/ldap-layout.md` lays them out; slapadd and start took %s.", r.o.users, r.o.groups, max(r.o.groups, 1), r.slapdLoad.Round(time.Millisecond))
	p("- **Requests**: raw LDAP searches `(&(objectClass=inetOrgPerson)(uid=<random user>))` under the suffix for the attributes dirgate reads, and adds a user with the same attributes dirgate writes (password included, hashed by slapd). Artica: `GET /openldap/members/{uid}` over the unix socket, `POST /openldap/members`. AD-web: `getuserinfo?userDN=…`, `createuser`. privacyIDEA: `GET /user/?username=`, `POST /user/`. Kanboard: `getUserByName`, `createUser`. OpenAPI: `GET /api/users?filter[userName][EQ]=`, `POST /api/users`. Every answer is checked.")
	p("")
	if len(r.verdicts) > 0 {
		p("## Targets (issue 10)")
		p("")
		p("| target | goal | measured | |")
		p("|---|---|---|---|")
		for _, v := range r.verdicts {
			mark := "met"
			if !v.met {
				mark = "**not met**"
			}
			p("| %s | %s | %s | %s |", v.what, v.goal, v.measured, mark)
		}
		p("")
	}
	p("![load chart](%s)", chartFile)
	p("")
	for _, kind := range []string{kindGet, kindCreate} {
		if !r.has(kind) {
			continue
		}
		p("## %s", strings.ToUpper(kind[:1])+kind[1:])
		p("")
		p("| target | clients | ops/s | × raw | p50 | p99 | dirgate CPU/req | slapd CPU/req | slapd × raw | load tool CPU/req | dirgate RSS | errors | load avg |")
		p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
		for _, n := range r.o.clients {
			raw := r.find(kind, "raw LDAP", n)
			for _, m := range r.measurements {
				if m.Kind != kind || m.Clients != n {
					continue
				}
				slapdX := "—"
				if raw != nil && raw.SlapdCPU > 0 {
					slapdX = fmt.Sprintf("%.2f×", float64(m.SlapdCPU)/float64(raw.SlapdCPU))
				}
				dirgateCPU := us(m.DirgateCPU) + " µs"
				if m.Target == "raw LDAP" {
					dirgateCPU = "— (idle)"
				}
				p("| %s | %d | %s | %s | %s | %s | %s | %s µs | %s | %s µs | %.1f MiB | %d | %s |",
					m.Target, m.Clients, opsRange(m), ratio(m.OpsPerSec, raw), ms(m.P50), ms(m.P99),
					dirgateCPU, us(m.SlapdCPU), slapdX, us(m.LoadCPU), mib(m.DirgateRSS), m.Errors, m.LoadAvg)
			}
		}
		p("")
		for _, m := range r.measurements {
			if m.Kind == kind && m.Errors > 0 {
				p("- %s at %d clients: %d errors; first: `%s`", m.Target, m.Clients, m.Errors, m.FirstError)
			}
		}
		p("")
	}
	if len(r.openAPIList) > 0 {
		ls, oa := median(r.ldapsearch), median(r.openAPIList)
		p("## Listing %d users", oa.Entries)
		p("")
		p("A second slapd holds %d users (slapadd and start: %s). `ldapsearch -x -LLL -E pr=%d/noprompt` of `(objectClass=inetOrgPerson)` under `%s`, for the attributes dirgate reads, output counted and dropped; against `GET /api/users?page[offset]=…&page[limit]=%d` page after page (default sort by userName), each page decoded. One untimed pass of each first; median of %d timed passes. dirgate's RSS is sampled every 5 ms during each listing, and its VmHWM (peak, reset before the listing) read after.",
			r.o.listUsers, r.listLoad.Round(time.Millisecond), listPage, peopleDN, listPage, len(r.openAPIList))
		p("")
		p("| pass | ldapsearch | OpenAPI | × ldapsearch | pages | dirgate CPU | slapd CPU (OpenAPI) | slapd CPU (ldapsearch) | dirgate peak RSS (sampled / VmHWM) | load avg |")
		p("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
		for i := range r.openAPIList {
			l, o := r.ldapsearch[i], r.openAPIList[i]
			p("| %d | %s | %s | %.2f× | %d | %s | %s | %s | %.1f / %.1f MiB | %s |", i+1, l.Took.Round(time.Millisecond), o.Took.Round(time.Millisecond),
				o.Took.Seconds()/l.Took.Seconds(), o.Pages, o.DirgateCPU, o.SlapdCPU, l.SlapdCPU, mib(o.PeakRSS), mib(o.HWM), o.LoadAverage)
		}
		p("")
		p("Median: ldapsearch %s, OpenAPI %s (%.2f×); dirgate idle RSS on this stack before listing %.1f MiB.",
			ls.Took.Round(time.Millisecond), oa.Took.Round(time.Millisecond), oa.Took.Seconds()/ls.Took.Seconds(), mib(r.listIdleRSS))
		p("")
	}
	if len(r.scimList) > 0 {
		ls, sc := median(r.ldapsearch), median(r.scimList)
		p("SCIM, on the same stack after each OpenAPI pass: `GET /scim/v2/Users?startIndex=…&count=%d` page after page (no filter: the directory's default order), each page decoded.", listPage)
		p("")
		p("| pass | ldapsearch | SCIM | × ldapsearch | pages | dirgate CPU | slapd CPU (SCIM) | dirgate peak RSS (sampled / VmHWM) | load avg |")
		p("|---|---:|---:|---:|---:|---:|---:|---:|---|")
		for i := range r.scimList {
			l, o := r.ldapsearch[i], r.scimList[i]
			p("| %d | %s | %s | %.2f× | %d | %s | %s | %.1f / %.1f MiB | %s |", i+1, l.Took.Round(time.Millisecond), o.Took.Round(time.Millisecond),
				o.Took.Seconds()/l.Took.Seconds(), o.Pages, o.DirgateCPU, o.SlapdCPU, mib(o.PeakRSS), mib(o.HWM), o.LoadAverage)
		}
		p("")
		p("Median: ldapsearch %s, SCIM %s (%.2f×).", ls.Took.Round(time.Millisecond), sc.Took.Round(time.Millisecond), sc.Took.Seconds()/ls.Took.Seconds())
		p("")
	}
	if r.idleRSSLDAP > 0 || len(r.starts) > 0 {
		p("## Memory and start-up")
		p("")
		if r.idleRSSLDAP > 0 {
			p("- Idle RSS, LDAP backend with all six dialects, after start and one request of each kind per dialect: %.1f MiB; after every load run: %.1f MiB.", mib(r.idleRSSLDAP), mib(r.endRSSLDAP))
		}
		if r.idleRSSEmbedded > 0 {
			p("- Idle RSS, embedded backend (quick start, all six dialects), 2 s after start: %.1f MiB.", mib(r.idleRSSEmbedded))
		}
		if len(r.starts) > 0 {
			var list []string
			for _, d := range r.starts {
				list = append(list, d.Round(100*time.Microsecond).String())
			}
			p("- Process start (exec) to `/readyz` answering 200, embedded backend, polled every 0.5 ms: median %s of %d restarts (%s); the very first start, which provisions the store and the credentials: %s.",
				medianDuration(r.starts).Round(100*time.Microsecond), len(r.starts), strings.Join(list, ", "), r.firstStart.Round(100*time.Microsecond))
		}
		p("")
	}
}

func (r *report) has(kind string) bool {
	for _, m := range r.measurements {
		if m.Kind == kind {
			return true
		}
	}
	return false
}

// command is how this run was started.
func (r *report) command() string {
	return "make load  # go run ./test/load -bin bin/dirgate" + flagsGiven()
}

// opsRange renders the median throughput and, over several rounds, its
// range.
func opsRange(m measurement) string {
	if m.Rounds <= 1 || m.OpsMin == m.OpsMax {
		return fmt.Sprintf("%.0f", m.OpsPerSec)
	}
	return fmt.Sprintf("%.0f (%.0f–%.0f)", m.OpsPerSec, m.OpsMin, m.OpsMax)
}
