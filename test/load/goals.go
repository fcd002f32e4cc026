package main

import (
	"fmt"
	"time"
)

// The targets of issue 10, at 16 concurrent clients where they concern
// requests.
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

// verdict is one target, met or not.
type verdict struct {
	what, goal, measured string
	met                  bool
}

// judge compares the figures with the targets; a target whose figures
// were not measured (a phase left out) is not judged.
func (r *report) judge() []verdict {
	var out []verdict
	add := func(met bool, what, goal, measured string) {
		out = append(out, verdict{what: what, goal: goal, measured: measured, met: met})
	}
	if raw := r.find(kindGet, "raw LDAP", goalClients); raw != nil {
		for _, d := range dialects {
			m := r.find(kindGet, d.name, goalClients)
			if m == nil {
				continue
			}
			add(m.Errors == 0 && m.DirgateCPU <= goalDirgateCPU, d.name+" get: dirgate CPU per request",
				"≤ 50 µs", us(m.DirgateCPU)+" µs")
			slapdRatio := float64(m.SlapdCPU) / float64(raw.SlapdCPU)
			add(slapdRatio <= goalSlapdCPURatio, d.name+" get: slapd CPU per request vs raw search",
				"≤ 1.1×", fmt.Sprintf("%s µs = %.2f× %s µs", us(m.SlapdCPU), slapdRatio, us(raw.SlapdCPU)))
			add(m.OpsPerSec >= goalThroughput*raw.OpsPerSec, d.name+" get: throughput vs raw LDAP",
				"≥ 0.5×", fmt.Sprintf("%.0f ops/s = %s", m.OpsPerSec, ratio(m.OpsPerSec, raw)))
			add(m.P99 <= goalP99, d.name+" get: p99 latency", "≤ 10 ms", ms(m.P99))
		}
	}
	if raw := r.find(kindCreate, "raw LDAP", goalClients); raw != nil {
		for _, d := range dialects {
			if m := r.find(kindCreate, d.name, goalClients); m != nil {
				add(m.Errors == 0 && m.OpsPerSec >= goalCreate*raw.OpsPerSec, d.name+" create: throughput vs raw LDAP add",
					"≥ 0.5×", fmt.Sprintf("%.0f ops/s = %s", m.OpsPerSec, ratio(m.OpsPerSec, raw)))
			}
		}
	}
	if len(r.openAPIList) > 0 && len(r.ldapsearch) > 0 {
		ls, oa := median(r.ldapsearch), median(r.openAPIList)
		x := oa.Took.Seconds() / ls.Took.Seconds()
		add(x <= goalListRatio && oa.Entries == ls.Entries, fmt.Sprintf("listing %d users: OpenAPI paging vs ldapsearch", oa.Entries),
			"≤ 1.5×", fmt.Sprintf("%s vs %s = %.2f×", oa.Took.Round(time.Millisecond), ls.Took.Round(time.Millisecond), x))
		peak := int64(0)
		for _, run := range r.openAPIList {
			peak = max(peak, run.PeakRSS, run.HWM)
		}
		add(peak < goalListRSS, "listing: dirgate peak RSS", "< 64 MiB", fmt.Sprintf("%.1f MiB", mib(peak)))
	}
	if len(r.scimList) > 0 && len(r.ldapsearch) > 0 {
		ls, sc := median(r.ldapsearch), median(r.scimList)
		x := sc.Took.Seconds() / ls.Took.Seconds()
		add(x <= goalListRatio && sc.Entries == ls.Entries, fmt.Sprintf("listing %d users: SCIM paging vs ldapsearch", sc.Entries),
			"≤ 1.5×", fmt.Sprintf("%s vs %s = %.2f×", sc.Took.Round(time.Millisecond), ls.Took.Round(time.Millisecond), x))
		peak := int64(0)
		for _, run := range r.scimList {
			peak = max(peak, run.PeakRSS, run.HWM)
		}
		add(peak < goalListRSS, "SCIM listing: dirgate peak RSS", "< 64 MiB", fmt.Sprintf("%.1f MiB", mib(peak)))
	}
	if r.idleRSSLDAP > 0 {
		add(r.idleRSSLDAP < goalIdleRSS, "idle RSS, LDAP backend, six dialects", "< 25 MiB", fmt.Sprintf("%.1f MiB", mib(r.idleRSSLDAP)))
	}
	if r.idleRSSEmbedded > 0 {
		add(r.idleRSSEmbedded < goalIdleRSS, "idle RSS, embedded backend (quick start)", "< 25 MiB", fmt.Sprintf("%.1f MiB", mib(r.idleRSSEmbedded)))
	}
	if len(r.starts) > 0 {
		med := medianDuration(r.starts)
		add(med < goalStart, "start to /readyz, embedded (median of restarts)", "< 100 ms", med.Round(100*time.Microsecond).String())
	}
	return out
}
