package readmodel_test

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"

	"github.com/dirgate/dirgate/internal/testenv/samba"
	"github.com/dirgate/dirgate/pkg/directory"
	"github.com/dirgate/dirgate/pkg/directory/ldap"
)

// BenchmarkADFeed measures what each AD feed costs and how soon it sees
// a change made on the DC, with the default bound (1 s):
//   - idle-ops/s: LDAP requests per second from the process (feed and
//     freshness probe) while nothing changes, counted as TLS records from
//     client to DC through a proxy (go-ldap sends each request in one);
//   - idle-DC-ms/s: the DC's CPU time per second meanwhile;
//   - p50-ms, max-ms: over b.N modifies made on the DC directly, the time
//     until the model answers the new value itself.
//
// Run: go test -run '^$' -bench BenchmarkADFeed -benchtime 10x ./pkg/directory/readmodel/
func BenchmarkADFeed(b *testing.B) {
	srv := samba.Start(b)
	base := adOU(b, srv)
	admin, _ := openADModel(b, srv, srv.URL, base, time.Second)
	const password = "Reader-123x!"
	reader, err := admin.CreateUser(b.Context(), directory.NewUser{ParentDN: base, Username: fmt.Sprintf("rb%06x", rand.Uint32()&0xffffff), Surname: "R", Password: password})
	if err != nil {
		b.Fatal(err)
	}
	target, err := admin.CreateUser(b.Context(), directory.NewUser{ParentDN: base, Username: fmt.Sprintf("tb%06x", rand.Uint32()&0xffffff), Surname: "T"})
	if err != nil {
		b.Fatal(err)
	}
	admin.Close()
	conn, err := srv.Dial()
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	for _, feed := range []string{feedDirSync, feedPolling} {
		b.Run(strings.ReplaceAll(feed, " ", "-"), func(b *testing.B) {
			p := newRecordCounter(b, "127.0.0.1:636")
			m, _ := openADModel(b, srv, "ldaps://"+p.addr(), base, time.Second, func(c *ldap.Config) {
				if feed == feedPolling {
					c.BindDN, c.BindPassword = reader.DN, password
				}
			})
			time.Sleep(time.Second) // past the load
			const idle = 5 * time.Second
			records, cpu := p.records.Load(), dcCPU(b, srv)
			time.Sleep(idle)
			idleOps := float64(p.records.Load()-records) / idle.Seconds()
			idleCPU := float64((dcCPU(b, srv) - cpu).Milliseconds()) / idle.Seconds()

			var took []time.Duration
			b.ResetTimer()
			for i := range b.N {
				want := fmt.Sprintf("bench %d %d", i, rand.Uint64())
				mod := goldap.NewModifyRequest(target.DN, nil)
				mod.Replace("description", []string{want})
				if err := conn.Modify(mod); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				for {
					before := m.Stats().Served
					got, err := m.GetUser(b.Context(), directory.ByID(target.ID))
					if err == nil && got.Description == want && m.Stats().Served > before {
						break
					}
					if time.Since(start) > 10*time.Second {
						b.Fatalf("change %d not seen after 10 s", i)
					}
					time.Sleep(2 * time.Millisecond)
				}
				took = append(took, time.Since(start))
				// Changes arrive at random points of the poll cycle.
				time.Sleep(time.Duration(rand.Int64N(int64(500 * time.Millisecond))))
			}
			b.StopTimer()
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(took[len(took)-1].Microseconds())/1000, "max-ms")
			b.ReportMetric(idleOps, "idle-ops/s")
			b.ReportMetric(idleCPU, "idle-DC-ms/s")
			m.Close()
		})
	}
}

// dcCPU is the DC process's CPU time so far (user and system).
func dcCPU(b *testing.B, srv *samba.Server) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", srv.PID))
	if err != nil {
		b.Fatal(err)
	}
	// Fields after the command name's closing parenthesis; utime and
	// stime are the 14th and 15th fields of the line, in clock ticks
	// (100 per second on Linux).
	f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+1:]))
	ut, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(ut+st) * 10 * time.Millisecond
}

// recordCounter is a TCP proxy to a TLS server counting the application
// data records the client sends.
type recordCounter struct {
	ln      net.Listener
	records atomic.Int64
}

func newRecordCounter(b *testing.B, target string) *recordCounter {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	p := &recordCounter{ln: ln}
	b.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go func() { defer c.Close(); _, _ = io.Copy(c, s) }()
			go func() { defer s.Close(); p.count(s, c) }()
		}
	}()
	return p
}

func (p *recordCounter) addr() string { return p.ln.Addr().String() }

// count copies TLS records from src to dst, counting application data.
func (p *recordCounter) count(dst io.Writer, src io.Reader) {
	hdr := make([]byte, 5)
	for {
		if _, err := io.ReadFull(src, hdr); err != nil {
			return
		}
		if hdr[0] == 23 {
			p.records.Add(1)
		}
		if _, err := dst.Write(hdr); err != nil {
			return
		}
		if _, err := io.CopyN(dst, src, int64(binary.BigEndian.Uint16(hdr[3:]))); err != nil {
			return
		}
	}
}
