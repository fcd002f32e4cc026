package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

func TestReadModelSettings(t *testing.T) {
	for flag, want := range map[string][]string{"off": {"off"}, "on": {"on"}, "both": {"off", "on"}} {
		got, err := readModels(flag)
		if err != nil || !slices.Equal(got, want) {
			t.Errorf("readModels(%q) = %v, %v; want %v", flag, got, err, want)
		}
	}
	if _, err := readModels("yes"); err == nil {
		t.Error("readModels accepted yes")
	}
}

// With both settings every dialect appears twice in a round, beside raw
// LDAP: as itself and with the read model; SCIM by id has no create.
func TestTargetsOfBothProcesses(t *testing.T) {
	s := &stack{fx: fixture{users: 10, groups: 1}}
	s.gates = []*gate{{s: s, readModel: readModelOff}, {s: s, readModel: readModelOn}}
	names := func(ts []target) []string {
		var out []string
		for _, x := range ts {
			out = append(out, x.name)
			if (x.gate == nil) != (x.name == "raw LDAP") {
				t.Errorf("%s: served by %v", x.name, x.gate)
			}
			if x.gate != nil && strings.HasSuffix(x.name, modelSuffix) != (x.gate.readModel == readModelOn) {
				t.Errorf("%s: served by the dirgate with readModel %s", x.name, x.gate.readModel)
			}
		}
		return out
	}
	gets := names(s.targets(kindGet, nil))
	if len(gets) != 1+2*len(dialects) || gets[0] != "raw LDAP" || gets[1] != "Artica" || gets[2] != "Artica, read model" ||
		gets[len(gets)-1] != "SCIM by id, read model" {
		t.Errorf("get targets %q", gets)
	}
	creates := names(s.targets(kindCreate, map[string]bool{"raw": true, "adweb": true}))
	if !slices.Equal(creates, []string{"raw LDAP", "AD-web", "AD-web, read model"}) {
		t.Errorf("create targets %q", creates)
	}
	if got := profileName(kindGet + "-" + targetName("AD-web", readModelOn)); got != "get-one-useradweb-readmodel" {
		t.Errorf("profile name %q", got)
	}
}

// Issue 21's targets are judged on the read model's rows against raw
// LDAP of the same run, and on the listing of the dirgate with the model.
func TestReadModelVerdicts(t *testing.T) {
	o := &options{clients: []int{16}, groups: 100}
	r := &report{o: o}
	r.add(measurement{Kind: kindGet, Target: "raw LDAP", Clients: 16, OpsPerSec: 1000, SlapdCPU: 100 * time.Microsecond})
	r.add(measurement{Kind: kindGet, Target: "Artica", Clients: 16, OpsPerSec: 800, DirgateCPU: 120 * time.Microsecond, SlapdCPU: 110 * time.Microsecond})
	r.add(measurement{Kind: kindGet, Target: "Artica, read model", Clients: 16, OpsPerSec: 2500, DirgateCPU: 40 * time.Microsecond,
		SlapdCPU: 300 * time.Nanosecond, P99: 4 * time.Millisecond})
	r.add(measurement{Kind: kindGet, Target: "OpenAPI, read model", Clients: 16, OpsPerSec: 1500, DirgateCPU: 90 * time.Microsecond,
		SlapdCPU: 8 * time.Microsecond, P99: 9 * time.Millisecond})
	r.ldapsearch = []listRun{{Took: 2 * time.Second, Entries: 100}}
	r.listings = []*gateListing{
		{readModel: readModelOff, openAPI: []listRun{{Took: 3 * time.Second, Entries: 100}}, scim: []listRun{{Took: 2 * time.Second, Entries: 100}}},
		{readModel: readModelOn, loadedRSS: 140 << 20, openAPI: []listRun{{Took: 900 * time.Millisecond, Entries: 100, PeakRSS: 200 << 20}},
			scim: []listRun{{Took: time.Second, Entries: 100}}},
	}
	r.finish()
	got := map[string]bool{}
	for _, v := range r.verdicts {
		got[fmt.Sprint(v.issue, " ", v.what)] = v.met
	}
	for what, want := range map[string]bool{
		"21 Artica, read model get: throughput vs raw LDAP":                      true,
		"21 Artica, read model get: dirgate CPU per request":                     true,
		"21 Artica, read model get: slapd CPU per request":                       true,
		"21 Artica, read model get: p99 latency":                                 true,
		"21 OpenAPI, read model get: throughput vs raw LDAP":                     false,
		"21 OpenAPI, read model get: dirgate CPU per request":                    false,
		"21 OpenAPI, read model get: slapd CPU per request":                      false,
		"21 OpenAPI, read model get: p99 latency":                                false,
		"10 Artica get: throughput vs raw LDAP":                                  true,
		"10 listing 100 users: OpenAPI paging vs ldapsearch":                     true,
		"21 listing 100 users with the read model: OpenAPI paging vs ldapsearch": true,
		"21 RSS with the read model of 100 users, 100 groups, loaded":            true,
		"21 RSS with the read model, peak while listing":                         false,
	} {
		if met, ok := got[what]; !ok || met != want {
			t.Errorf("%s: met %v (judged %v), want %v", what, met, ok, want)
		}
	}
	if _, ok := got["10 Artica, read model get: throughput vs raw LDAP"]; ok {
		t.Error("issue 10's targets judged on a read model row")
	}
	var md strings.Builder
	r.markdown(&md)
	if !strings.Contains(md.String(), "## Targets (issue 21, the read model)") || !strings.Contains(md.String(), "| 1 | on |") {
		t.Errorf("report:\n%s", md.String())
	}
}
