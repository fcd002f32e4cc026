package ldap_test

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/dirgate/dirgate/internal/testenv/slapd"
	"github.com/dirgate/dirgate/pkg/directory"
)

// BenchmarkAddMemberToLargeGroup adds members one by one to a group
// holding 50,000 (values only: entries for them would make the load
// slow), on slapd with and without `sortvals member memberUid`
// (docs/backends.md advises it): the time per AddMember and slapd's CPU
// per AddMember (from /proc, 10 ms ticks).
//
//	go test -run '^$' -bench BenchmarkAddMemberToLargeGroup -benchtime 500x ./pkg/directory/ldap/
func BenchmarkAddMemberToLargeGroup(b *testing.B) {
	const held = 50_000
	for _, tc := range []struct {
		name    string
		disable slapd.Feature
	}{{"sortvals", slapd.TLS}, {"unsorted", slapd.TLS | slapd.SortVals}} {
		b.Run(tc.name, func(b *testing.B) {
			var ldif strings.Builder
			ldif.WriteString(bulkLDIF("dc=example,dc=com", bulkUsers))
			ldif.WriteString("dn: cn=big,ou=bulk,dc=example,dc=com\nobjectClass: groupOfNames\nobjectClass: posixGroup\ncn: big\ngidNumber: 777\n")
			for i := range held {
				fmt.Fprintf(&ldif, "member: uid=held%05d,ou=bulk,dc=example,dc=com\n", i)
			}
			srv := slapd.Start(b, slapd.Options{Disable: tc.disable, LDIF: ldif.String() + "\n"})
			d := open(b, config(srv, slapd.GroupOfNames))
			group := directory.ByDN("cn=big,ou=bulk,dc=example,dc=com")
			pid, err := srv.PID()
			if err != nil {
				b.Fatal(err)
			}
			next := 0
			before := cpuTicks(b, pid)
			for b.Loop() {
				if next == bulkUsers {
					b.Fatal("out of users to add")
				}
				member := directory.UserRef(directory.ByDN(fmt.Sprintf("uid=bulk%05d,ou=bulk,dc=example,dc=com", next)))
				if err := d.AddMember(b.Context(), group, member); err != nil {
					b.Fatal(err)
				}
				next++
			}
			// Linux's USER_HZ is 100: a tick is 10 ms.
			b.ReportMetric(float64(cpuTicks(b, pid)-before)*10_000/float64(b.N), "slapd-µs/op")
		})
	}
}

// cpuTicks returns a process's user and system time in clock ticks.
func cpuTicks(b *testing.B, pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		b.Fatal(err)
	}
	// The fields after the command name, which is in parentheses.
	fields := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return utime + stime
}
