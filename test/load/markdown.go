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
	p("- **dirgate processes**: readModel `%s`. With `both`, two dirgate processes (their own ports, unix socket and data directory) serve the same slapd, one with the LDAP backend's `readModel: off` and one with `on` (rows \"…%s\"; measured once its `/readyz` says its model is loaded); each dialect of each appears in every round beside raw LDAP, and the CPU per request is that of the process serving the row. Each process receives the other's writes (the model's through its change stream).", r.o.readModel, modelSuffix)
	if r.o.modelMemLimit != "" {
		p("- **GOMEMLIMIT** of the dirgate with the read model: %s.", r.o.modelMemLimit)
	}
	p("")
	for _, issue := range []int{10, 21} {
		var vs []verdict
		for _, v := range r.verdicts {
			if v.issue == issue {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			continue
		}
		p("## Targets (issue %d%s)", issue, map[int]string{10: ", readModel off", 21: ", the read model"}[issue])
		p("")
		p("| target | goal | measured | |")
		p("|---|---|---|---|")
		for _, v := range vs {
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
	if len(r.listings) > 0 && len(r.ldapsearch) > 0 {
		r.listingMarkdown(p)
	}
	if r.idleRSSLDAP > 0 || r.idleRSSModel > 0 || len(r.starts) > 0 {
		p("## Memory and start-up")
		p("")
		if r.idleRSSLDAP > 0 {
			p("- Idle RSS, LDAP backend with all six dialects, after start and one request of each kind per dialect: %.1f MiB; after every load run: %.1f MiB.", mib(r.idleRSSLDAP), mib(r.endRSSLDAP))
		}
		if r.idleRSSModel > 0 {
			p("- The same with the read model on (%d users, %d groups in the model): %.1f MiB; after every load run: %.1f MiB.", r.o.users, r.o.groups, mib(r.idleRSSModel), mib(r.endRSSModel))
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

// listingMarkdown writes the listing section: ldapsearch against each
// dirgate's OpenAPI and SCIM paging, pass by pass.
func (r *report) listingMarkdown(p func(string, ...any)) {
	ls := median(r.ldapsearch)
	p("## Listing %d users", ls.Entries)
	p("")
	p("A second slapd holds %d users in %d groups (slapadd and start: %s). `ldapsearch -x -LLL -E pr=%d/noprompt` of `(objectClass=inetOrgPerson)` under `%s`, for the attributes dirgate reads, output counted and dropped; against `GET /api/users?page[offset]=…&page[limit]=%d` page after page (default sort by userName) and `GET /scim/v2/Users?startIndex=…&count=%d` (the directory's default order), each page decoded, through each dirgate process in turn after each ldapsearch. One untimed pass of each first; median of %d timed passes. dirgate's RSS is sampled every 5 ms during each listing, and its VmHWM (peak, reset before the listing) read after.",
		r.o.listUsers, r.o.groups, r.listLoad.Round(time.Millisecond), listPage, peopleDN, listPage, listPage, len(r.ldapsearch))
	p("")
	for _, gl := range r.listings {
		if len(gl.openAPI) == 0 {
			continue
		}
		p("- dirgate, readModel %s: exec to `/readyz` %s; RSS a second later %.1f MiB (VmHWM so far %.1f MiB); after every pass %.1f MiB.",
			gl.readModel, gl.ready.Round(time.Millisecond), mib(gl.loadedRSS), mib(gl.loadedHWM), mib(gl.endRSS))
	}
	p("")
	p("| pass | readModel | ldapsearch | OpenAPI | × ldapsearch | SCIM | × ldapsearch | dirgate CPU (OpenAPI / SCIM) | slapd CPU (ldapsearch / OpenAPI / SCIM) | dirgate peak RSS, sampled / VmHWM (OpenAPI; SCIM) | load avg |")
	p("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for i, l := range r.ldapsearch {
		for _, gl := range r.listings {
			if i >= len(gl.openAPI) || i >= len(gl.scim) {
				continue
			}
			o, sc := gl.openAPI[i], gl.scim[i]
			p("| %d | %s | %s | %s | %.2f× | %s | %.2f× | %s / %s | %s / %s / %s | %.1f / %.1f; %.1f / %.1f MiB | %s |", i+1, gl.readModel,
				l.Took.Round(time.Millisecond), o.Took.Round(time.Millisecond), o.Took.Seconds()/l.Took.Seconds(),
				sc.Took.Round(time.Millisecond), sc.Took.Seconds()/l.Took.Seconds(),
				o.DirgateCPU, sc.DirgateCPU, l.SlapdCPU, o.SlapdCPU, sc.SlapdCPU,
				mib(o.PeakRSS), mib(o.HWM), mib(sc.PeakRSS), mib(sc.HWM), o.LoadAverage)
		}
	}
	p("")
	for _, gl := range r.listings {
		if len(gl.openAPI) == 0 {
			continue
		}
		oa, sc := median(gl.openAPI), median(gl.scim)
		p("- Median, readModel %s: ldapsearch %s, OpenAPI %s (%.2f×), SCIM %s (%.2f×).", gl.readModel, ls.Took.Round(time.Millisecond),
			oa.Took.Round(time.Millisecond), oa.Took.Seconds()/ls.Took.Seconds(), sc.Took.Round(time.Millisecond), sc.Took.Seconds()/ls.Took.Seconds())
	}
	p("")
}
