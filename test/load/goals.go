package main

import (
	"fmt"
	"time"
)

// The targets of issue 10, at 16 concurrent clients where they concern
// requests; judged on the rows of dirgate with the read model off.
const (
	goalClients       = 16
	goalDirgateCPU    = 50 * time.Microsecond
	goalSlapdCPURatio = 1.1
	goalThroughput    = 0.5
	goalP99           = 10 * time.Millisecond
	goalCreate        = 0.5
	goalListRatio     = 1.5
	goalListRSS       = 64 << 20
	goalIdleRSS       = 25 << 20
	goalStart         = 100 * time.Millisecond
)

// The targets of issue 21 (the read model), judged on the rows of dirgate
// with the read model on against raw LDAP in the same run. slapd's "≈ 0"
// per lookup is read as at most 5 µs: the 10 ms CPU ticks of /proc and
// the freshness probe leave a little in any window.
const (
	goalModelThroughput = 2.0
	goalModelDirgateCPU = 50 * time.Microsecond
	goalModelSlapdCPU   = 5 * time.Microsecond
	goalModelP99        = 5 * time.Millisecond
	goalModelListRatio  = 0.5
	goalModelRSS        = 150 << 20
)

// verdict is one target, met or not.
type verdict struct {
	issue                int
	what, goal, measured string
	met                  bool
}

// judge compares the figures with the targets; a target whose figures
// were not measured (a phase or a readModel setting left out) is not
// judged.
func (r *report) judge() []verdict {
	var out []verdict
	add := func(issue int, met bool, what, goal, measured string) {
		out = append(out, verdict{issue: issue, what: what, goal: goal, measured: measured, met: met})
	}
	if raw := r.find(kindGet, "raw LDAP", goalClients); raw != nil {
		for _, d := range dialects {
			m := r.find(kindGet, d.name, goalClients)
			if m == nil {
				continue
			}
			add(10, m.Errors == 0 && m.DirgateCPU <= goalDirgateCPU, d.name+" get: dirgate CPU per request",
				"≤ 50 µs", us(m.DirgateCPU)+" µs")
			slapdRatio := float64(m.SlapdCPU) / float64(raw.SlapdCPU)
			add(10, slapdRatio <= goalSlapdCPURatio, d.name+" get: slapd CPU per request vs raw search",
				"≤ 1.1×", fmt.Sprintf("%s µs = %.2f× %s µs", us(m.SlapdCPU), slapdRatio, us(raw.SlapdCPU)))
			add(10, m.OpsPerSec >= goalThroughput*raw.OpsPerSec, d.name+" get: throughput vs raw LDAP",
				"≥ 0.5×", fmt.Sprintf("%.0f ops/s = %s", m.OpsPerSec, ratio(m.OpsPerSec, raw)))
			add(10, m.P99 <= goalP99, d.name+" get: p99 latency", "≤ 10 ms", ms(m.P99))
		}
		for _, d := range dialects {
			name := targetName(d.name, readModelOn)
			m := r.find(kindGet, name, goalClients)
			if m == nil {
				continue
			}
			add(21, m.Errors == 0 && m.OpsPerSec >= goalModelThroughput*raw.OpsPerSec, name+" get: throughput vs raw LDAP",
				"≥ 2×", fmt.Sprintf("%.0f ops/s = %s", m.OpsPerSec, ratio(m.OpsPerSec, raw)))
			add(21, m.Errors == 0 && m.DirgateCPU <= goalModelDirgateCPU, name+" get: dirgate CPU per request",
				"≤ 50 µs", us(m.DirgateCPU)+" µs")
			add(21, m.SlapdCPU <= goalModelSlapdCPU, name+" get: slapd CPU per request",
				"≈ 0 (≤ 5 µs)", us(m.SlapdCPU)+" µs")
			add(21, m.P99 <= goalModelP99, name+" get: p99 latency", "≤ 5 ms", ms(m.P99))
		}
	}
	if raw := r.find(kindCreate, "raw LDAP", goalClients); raw != nil {
		for _, d := range dialects {
			if m := r.find(kindCreate, d.name, goalClients); m != nil {
				add(10, m.Errors == 0 && m.OpsPerSec >= goalCreate*raw.OpsPerSec, d.name+" create: throughput vs raw LDAP add",
					"≥ 0.5×", fmt.Sprintf("%.0f ops/s = %s", m.OpsPerSec, ratio(m.OpsPerSec, raw)))
			}
		}
	}
	if gl := r.listingOf(readModelOff); gl != nil && len(r.ldapsearch) > 0 {
		ls := median(r.ldapsearch)
		for _, l := range []struct {
			name string
			runs []listRun
		}{{"OpenAPI", gl.openAPI}, {"SCIM", gl.scim}} {
			m := median(l.runs)
			x := m.Took.Seconds() / ls.Took.Seconds()
			add(10, x <= goalListRatio && m.Entries == ls.Entries, fmt.Sprintf("listing %d users: %s paging vs ldapsearch", m.Entries, l.name),
				"≤ 1.5×", fmt.Sprintf("%s vs %s = %.2f×", m.Took.Round(time.Millisecond), ls.Took.Round(time.Millisecond), x))
		}
		peak := gl.peakRSS()
		add(10, peak < goalListRSS, "listing: dirgate peak RSS", "< 64 MiB", fmt.Sprintf("%.1f MiB", mib(peak)))
	}
	if gl := r.listingOf(readModelOn); gl != nil && len(r.ldapsearch) > 0 {
		ls, oa := median(r.ldapsearch), median(gl.openAPI)
		x := oa.Took.Seconds() / ls.Took.Seconds()
		add(21, x <= goalModelListRatio && oa.Entries == ls.Entries,
			fmt.Sprintf("listing %d users with the read model: OpenAPI paging vs ldapsearch", oa.Entries),
			"≤ 0.5×", fmt.Sprintf("%s vs %s = %.2f×", oa.Took.Round(time.Millisecond), ls.Took.Round(time.Millisecond), x))
		add(21, gl.loadedRSS < goalModelRSS, fmt.Sprintf("RSS with the read model of %d users, %d groups, loaded", oa.Entries, r.o.groups),
			"< 150 MiB", fmt.Sprintf("%.1f MiB (VmHWM of the load %.1f MiB)", mib(gl.loadedRSS), mib(gl.loadedHWM)))
		peak := gl.peakRSS()
		add(21, peak < goalModelRSS, "RSS with the read model, peak while listing", "< 150 MiB", fmt.Sprintf("%.1f MiB", mib(peak)))
	}
	if r.idleRSSLDAP > 0 {
		add(10, r.idleRSSLDAP < goalIdleRSS, "idle RSS, LDAP backend, six dialects", "< 25 MiB", fmt.Sprintf("%.1f MiB", mib(r.idleRSSLDAP)))
	}
	if r.idleRSSEmbedded > 0 {
		add(10, r.idleRSSEmbedded < goalIdleRSS, "idle RSS, embedded backend (quick start)", "< 25 MiB", fmt.Sprintf("%.1f MiB", mib(r.idleRSSEmbedded)))
	}
	if len(r.starts) > 0 {
		med := medianDuration(r.starts)
		add(10, med < goalStart, "start to /readyz, embedded (median of restarts)", "< 100 ms", med.Round(100*time.Microsecond).String())
	}
	return out
}
