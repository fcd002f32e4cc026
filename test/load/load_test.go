package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-ldap/ldif"
)

func TestPercentile(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i))
	}
	if p50, p99 := percentile(d, 0.50), percentile(d, 0.99); p50 != 50 || p99 != 99 {
		t.Errorf("p50 %d, p99 %d", p50, p99)
	}
	if percentile(nil, 0.5) != 0 || percentile(d[:1], 0.99) != 1 {
		t.Error("edge cases")
	}
}

// The fixture is LDIF slapadd takes: every user, every group with its
// members, the containers and the admin.
func TestFixtureLDIF(t *testing.T) {
	fx := fixture{users: 250, groups: 10}
	l, err := ldif.Parse(fx.ldif())
	if err != nil {
		t.Fatal(err)
	}
	if want := 250 + 10 + 4; len(l.Entries) != want {
		t.Fatalf("%d entries, want %d", len(l.Entries), want)
	}
	members := 0
	for _, e := range l.Entries {
		if strings.HasPrefix(e.Entry.DN, "cn=g") {
			members += len(e.Entry.GetAttributeValues("member"))
		}
	}
	if members != 250 {
		t.Errorf("%d memberships, want one per user", members)
	}
}

func TestChartAndVerdicts(t *testing.T) {
	o := &options{clients: []int{1, 16}, warmup: time.Second, window: time.Second}
	r := &report{o: o}
	for _, n := range o.clients {
		r.add(measurement{Kind: kindGet, Target: "raw LDAP", Clients: n, OpsPerSec: 1000, SlapdCPU: 50 * time.Microsecond, P99: time.Millisecond})
		r.add(measurement{Kind: kindGet, Target: "Artica", Clients: n, OpsPerSec: 600, DirgateCPU: 40 * time.Microsecond,
			SlapdCPU: 52 * time.Microsecond, P99: 2 * time.Millisecond})
		r.add(measurement{Kind: kindGet, Target: "Kanboard", Clients: n, OpsPerSec: 300, DirgateCPU: 90 * time.Microsecond,
			SlapdCPU: 200 * time.Microsecond, P99: 20 * time.Millisecond})
		r.add(measurement{Kind: kindCreate, Target: "raw LDAP", Clients: n, OpsPerSec: 100})
		r.add(measurement{Kind: kindCreate, Target: "Artica", Clients: n, OpsPerSec: 60})
	}
	r.starts = []time.Duration{20 * time.Millisecond}
	r.finish()
	met := map[string]bool{}
	for _, v := range r.verdicts {
		met[v.what] = v.met
	}
	for what, want := range map[string]bool{
		"Artica get: dirgate CPU per request":               true,
		"Artica get: slapd CPU per request vs raw search":   true,
		"Artica get: throughput vs raw LDAP":                true,
		"Kanboard get: slapd CPU per request vs raw search": false,
		"Kanboard get: p99 latency":                         false,
		"Artica create: throughput vs raw LDAP add":         true,
		"start to /readyz, embedded (median of restarts)":   true,
	} {
		if got, ok := met[what]; !ok || got != want {
			t.Errorf("%s: met %v (judged %v), want %v", what, got, ok, want)
		}
	}
	dir := t.TempDir()
	if err := r.write(dir); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, chartFile))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var img struct {
		XMLName xml.Name `xml:"http://www.w3.org/2000/svg svg"`
		Width   int      `xml:"width,attr"`
	}
	err = xml.NewDecoder(f).Decode(&img)
	if err != nil || img.Width < 800 {
		t.Fatalf("chart: %v", err)
	}
	md, err := os.ReadFile(filepath.Join(dir, reportFile))
	if err != nil || !strings.Contains(string(md), "| Kanboard | 16 |") || !strings.Contains(string(md), "**not met**") {
		t.Fatalf("report:\n%s", md)
	}
}

func TestRoundsGiveMedians(t *testing.T) {
	rounds := []measurement{
		{Kind: kindGet, Target: "raw LDAP", Clients: 16, OpsPerSec: 100, SlapdCPU: 50, LoadAvg: "4.00 1 1"},
		{Kind: kindGet, Target: "AD-web", Clients: 16, OpsPerSec: 10, Errors: 1, FirstError: "boom", LoadAvg: "6.50 1 1"},
		{Kind: kindGet, Target: "raw LDAP", Clients: 16, OpsPerSec: 300, SlapdCPU: 70, LoadAvg: "9.00 1 1"},
		{Kind: kindGet, Target: "AD-web", Clients: 16, OpsPerSec: 30, Errors: 2},
		{Kind: kindGet, Target: "raw LDAP", Clients: 16, OpsPerSec: 200, SlapdCPU: 10, LoadAvg: "5.00 1 1"},
	}
	got := summarize(rounds)
	if len(got) != 2 || got[0].Target != "raw LDAP" || got[1].Target != "AD-web" {
		t.Fatalf("%+v", got)
	}
	raw, ad := got[0], got[1]
	if raw.OpsPerSec != 200 || raw.OpsMin != 100 || raw.OpsMax != 300 || raw.SlapdCPU != 50 || raw.Rounds != 3 || raw.LoadAvg != "4.00–9.00" {
		t.Errorf("raw %+v", raw)
	}
	if ad.OpsPerSec != 20 || ad.Errors != 3 || ad.FirstError != "boom" {
		t.Errorf("AD-web %+v", ad)
	}
}
