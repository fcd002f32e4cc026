package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"time"
)

// listPage is the OpenAPI page size of the listing (the dialect's most).
const listPage = 1000

// listRun is one timed listing of every user.
type listRun struct {
	Took        time.Duration
	Entries     int
	PeakRSS     int64 // dirgate's highest RSS sampled during the run
	HWM         int64 // dirgate's VmHWM over the run (kernel's peak)
	DirgateCPU  time.Duration
	SlapdCPU    time.Duration
	Pages       int
	LoadAverage string
}

// gateListing is the listing phase's figures of one dirgate process.
type gateListing struct {
	readModel string
	// ready is exec to /readyz answering 200: with the model on, the
	// start and the model's first load of every entry.
	ready time.Duration
	// loadedRSS is VmRSS a second after ready, loadedHWM the VmHWM then
	// (the start's and the load's peak); endRSS after every pass.
	loadedRSS, loadedHWM, endRSS int64
	openAPI, scim                []listRun
}

// listing times every user listed through the OpenAPI and the SCIM paging
// of each dirgate process against ldapsearch with the paged-results
// control over the same entries, in alternating passes.
func listing(ctx context.Context, o *options, rep *report) error {
	if _, err := exec.LookPath("ldapsearch"); err != nil {
		return fmt.Errorf("the listing compares with ldapsearch, which is not installed (Debian: apt-get install ldap-utils): %w", err)
	}
	fx := fixture{users: o.listUsers, groups: o.groups}
	slog.Info("starting slapd and dirgate for the listing", "users", fx.users, "groups", fx.groups, "readModel", o.readModel)
	s, err := startStack(ctx, o, fx)
	if err != nil {
		return err
	}
	defer s.close()
	rep.listLoad = s.slapdLoad
	slapdPID, err := s.slapdPID()
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	var gls []*gateListing
	for _, g := range s.gates {
		gl := &gateListing{readModel: g.readModel, ready: g.dg.ready.Sub(g.dg.started)}
		if gl.loadedRSS, err = rss(g.pid()); err != nil {
			return err
		}
		gl.loadedHWM, _ = memStatus(g.pid(), "VmHWM")
		slog.Info("dirgate before listing", "readModel", g.readModel, "exec to /readyz", gl.ready.Round(time.Millisecond),
			"RSS MiB", fmt.Sprintf("%.1f", mib(gl.loadedRSS)), "VmHWM MiB", fmt.Sprintf("%.1f", mib(gl.loadedHWM)))
		gls = append(gls, gl)
		rep.listings = append(rep.listings, gl)
	}
	// One untimed pass of each warms slapd's entry cache, as the
	// per-request runs are warmed.
	for i := range o.listRuns + 1 {
		ls, err := s.ldapsearchAll(ctx, slapdPID)
		if err != nil {
			return err
		}
		if i > 0 {
			rep.ldapsearch = append(rep.ldapsearch, ls)
		}
		for k, g := range s.gates {
			pr := procs{dirgate: g.pid(), slapd: slapdPID}
			profiled := profileListing(o, g, i == 1, "openapi")
			oa, err := g.openAPIAll(ctx, pr)
			profiled.Wait()
			if err != nil {
				return err
			}
			profiled = profileListing(o, g, i == 1, "scim")
			sc, err := g.scimAll(ctx, pr)
			profiled.Wait()
			if err != nil {
				return err
			}
			slog.Info("listed", "pass", i, "readModel", g.readModel, "ldapsearch", ls.Took.Round(time.Millisecond),
				"openapi", oa.Took.Round(time.Millisecond), "scim", sc.Took.Round(time.Millisecond),
				"entries", fmt.Sprintf("%d/%d/%d", ls.Entries, oa.Entries, sc.Entries),
				"dirgate peak RSS MiB", fmt.Sprintf("%.1f", mib(max(oa.PeakRSS, oa.HWM, sc.PeakRSS, sc.HWM))))
			if i > 0 {
				gls[k].openAPI = append(gls[k].openAPI, oa)
				gls[k].scim = append(gls[k].scim, sc)
			}
		}
	}
	for k, g := range s.gates {
		if gls[k].endRSS, err = rss(g.pid()); err != nil {
			return err
		}
	}
	return nil
}

// profileListing captures, when profiling and on the first timed pass,
// the dirgate's CPU and allocations over as much as 10 s of one dialect's
// listing; Wait on the result once the listing is done.
func profileListing(o *options, g *gate, first bool, dialect string) *sync.WaitGroup {
	var profiled sync.WaitGroup
	if !first || g.pprofAddr == "" {
		return &profiled
	}
	name := "list-" + dialect
	if g.readModel == readModelOn {
		name += "-readmodel"
	}
	for _, p := range []struct{ path, file string }{
		{"/debug/pprof/profile?seconds=10", name + ".cpu.pprof"},
		{"/debug/pprof/allocs?seconds=10", name + ".allocs.pprof"},
	} {
		profiled.Go(func() {
			if err := fetchProfile("http://"+g.pprofAddr+p.path, filepath.Join(o.pprofDir, p.file)); err != nil {
				slog.Warn("listing profile not captured", "profile", p.file, "error", err)
			}
		})
	}
	return &profiled
}

// ldapsearchAll runs ldapsearch over every user with 1000-entry pages.
func (s *stack) ldapsearchAll(ctx context.Context, slapdPID int) (listRun, error) {
	args := append([]string{"-x", "-LLL", "-H", s.srv.URL, "-D", s.srv.BindDN, "-w", s.srv.BindPassword,
		"-b", peopleDN, "-E", fmt.Sprintf("pr=%d/noprompt", listPage), "(objectClass=inetOrgPerson)"}, userAttributes...)
	cmd := exec.CommandContext(ctx, "ldapsearch", args...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		return listRun{}, err
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	var r listRun
	before, err := cpuTime(slapdPID)
	if err != nil {
		return r, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return r, fmt.Errorf("ldapsearch: %w", err)
	}
	sc := bufio.NewScanner(out)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		if bytes.HasPrefix(sc.Bytes(), []byte("dn: ")) {
			r.Entries++
		}
	}
	if err := cmd.Wait(); err != nil {
		return r, fmt.Errorf("ldapsearch: %w: %s", err, stderr.String())
	}
	r.Took = time.Since(start)
	after, err := cpuTime(slapdPID)
	if err != nil {
		return r, err
	}
	r.SlapdCPU, r.LoadAverage = after-before, loadAverage()
	return r, nil
}

// openAPIAll lists every user through GET /api/users, page after page.
func (g *gate) openAPIAll(ctx context.Context, pr procs) (listRun, error) {
	h := newHTTPClient(g.dg.url, header("Authorization", "Bearer "+g.oaToken))
	defer h.close()
	return pagedAll(ctx, pr, h, "OpenAPI", func(offset int) string {
		return fmt.Sprintf("/api/users?page%%5Boffset%%5D=%d&page%%5Blimit%%5D=%d", offset, listPage)
	}, func(b []byte) (int, int, error) {
		var page struct {
			TotalCount int               `json:"totalCount"`
			Data       []json.RawMessage `json:"data"`
		}
		err := json.Unmarshal(b, &page)
		return len(page.Data), page.TotalCount, err
	})
}

// scimAll lists every user through GET /scim/v2/Users, page after page.
func (g *gate) scimAll(ctx context.Context, pr procs) (listRun, error) {
	h := newHTTPClient(g.dg.url, header("Authorization", "Bearer "+g.cr.scimToken))
	defer h.close()
	return pagedAll(ctx, pr, h, "SCIM", func(offset int) string {
		return fmt.Sprintf("/scim/v2/Users?startIndex=%d&count=%d", offset+1, listPage)
	}, func(b []byte) (int, int, error) {
		var page struct {
			TotalResults int               `json:"totalResults"`
			Resources    []json.RawMessage `json:"Resources"`
		}
		err := json.Unmarshal(b, &page)
		return len(page.Resources), page.TotalResults, err
	})
}

// pagedAll lists every user page after page, each page decoded,
// sampling dirgate's RSS every 5 ms meanwhile.
func pagedAll(ctx context.Context, pr procs, h *httpClient, name string, pageURL func(offset int) string,
	decode func([]byte) (n, total int, err error)) (listRun, error) {
	var r listRun
	hwm := resetPeakRSS(pr.dirgate) == nil // else VmHWM is the lifetime's peak: sampling only
	samplerCtx, stopSampler := context.WithCancel(ctx)
	var wg sync.WaitGroup
	var peak int64
	wg.Go(func() {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			if v, err := rss(pr.dirgate); err == nil && v > peak {
				peak = v
			}
			select {
			case <-samplerCtx.Done():
				return
			case <-tick.C:
			}
		}
	})
	before, err := snapshot(pr)
	if err != nil {
		stopSampler()
		wg.Wait()
		return r, err
	}
	start := time.Now()
	err = func() error {
		for offset := 0; ; offset += listPage {
			b, err := h.call(ctx, http.MethodGet, pageURL(offset), "", nil, http.StatusOK)
			if err != nil {
				return err
			}
			n, total, err := decode(b)
			if err != nil {
				return fmt.Errorf("page at %d: %w", offset, err)
			}
			r.Pages++
			r.Entries += n
			if n < listPage || offset+listPage >= total {
				return nil
			}
		}
	}()
	r.Took = time.Since(start)
	stopSampler()
	wg.Wait()
	if err != nil {
		return r, fmt.Errorf("%s listing: %w", name, err)
	}
	after, err := snapshot(pr)
	if err != nil {
		return r, err
	}
	r.PeakRSS = peak
	if hwm {
		r.HWM, _ = memStatus(pr.dirgate, "VmHWM")
	}
	r.DirgateCPU, r.SlapdCPU, r.LoadAverage = after.dirgate-before.dirgate, after.slapd-before.slapd, loadAverage()
	return r, nil
}

// median of the runs by time.
func median(runs []listRun) listRun {
	if len(runs) == 0 {
		return listRun{}
	}
	sorted := slices.Clone(runs)
	slices.SortFunc(sorted, func(a, b listRun) int { return int(a.Took - b.Took) })
	return sorted[len(sorted)/2]
}

// peakRSS is the dirgate's highest RSS over its listings, sampled or the
// kernel's VmHWM.
func (gl *gateListing) peakRSS() int64 {
	peak := int64(0)
	for _, run := range slices.Concat(gl.openAPI, gl.scim) {
		peak = max(peak, run.PeakRSS, run.HWM)
	}
	return peak
}
