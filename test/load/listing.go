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

// listing times every user listed through the OpenAPI paging against
// ldapsearch with the paged-results control over the same entries.
func listing(ctx context.Context, o *options, rep *report) error {
	if _, err := exec.LookPath("ldapsearch"); err != nil {
		return fmt.Errorf("the listing compares with ldapsearch, which is not installed (Debian: apt-get install ldap-utils): %w", err)
	}
	fx := fixture{users: o.listUsers, groups: o.groups}
	slog.Info("starting slapd and dirgate for the listing", "users", fx.users)
	s, err := startStack(ctx, o.bin, o.workDir, o.readModel, fx, pprofEnv(o))
	if err != nil {
		return err
	}
	defer s.close()
	rep.listLoad = s.slapdLoad
	pr, err := s.procs()
	if err != nil {
		return err
	}
	time.Sleep(time.Second)
	if rep.listIdleRSS, err = rss(pr.dirgate); err != nil {
		return err
	}
	// One untimed pass of each warms slapd's entry cache, as the
	// per-request runs are warmed.
	for i := range o.listRuns + 1 {
		ls, err := s.ldapsearchAll(ctx, pr)
		if err != nil {
			return err
		}
		profiled := profileListing(o, i == 1, "openapi")
		oa, err := s.openAPIAll(ctx, pr)
		profiled.Wait()
		if err != nil {
			return err
		}
		profiled = profileListing(o, i == 1, "scim")
		sc, err := s.scimAll(ctx, pr)
		profiled.Wait()
		if err != nil {
			return err
		}
		slog.Info("listed", "pass", i, "ldapsearch", ls.Took.Round(time.Millisecond), "openapi", oa.Took.Round(time.Millisecond),
			"scim", sc.Took.Round(time.Millisecond), "entries", fmt.Sprintf("%d/%d/%d", ls.Entries, oa.Entries, sc.Entries),
			"dirgate peak RSS MiB", fmt.Sprintf("%.1f", mib(max(oa.PeakRSS, oa.HWM, sc.PeakRSS, sc.HWM))))
		if i == 0 {
			continue
		}
		rep.ldapsearch = append(rep.ldapsearch, ls)
		rep.openAPIList = append(rep.openAPIList, oa)
		rep.scimList = append(rep.scimList, sc)
	}
	return nil
}

// profileListing captures, when profiling and on the first timed pass,
// dirgate's CPU and allocations over as much as 10 s of one dialect's
// listing; Wait on the result once the listing is done.
func profileListing(o *options, first bool, dialect string) *sync.WaitGroup {
	var profiled sync.WaitGroup
	if !first || pprofAddr == "" {
		return &profiled
	}
	for _, p := range []struct{ path, file string }{
		{"/debug/pprof/profile?seconds=10", "list-" + dialect + ".cpu.pprof"},
		{"/debug/pprof/allocs?seconds=10", "list-" + dialect + ".allocs.pprof"},
	} {
		profiled.Go(func() {
			if err := fetchProfile("http://"+pprofAddr+p.path, filepath.Join(o.pprofDir, p.file)); err != nil {
				slog.Warn("listing profile not captured", "profile", p.file, "error", err)
			}
		})
	}
	return &profiled
}

// ldapsearchAll runs ldapsearch over every user with 1000-entry pages.
func (s *stack) ldapsearchAll(ctx context.Context, pr procs) (listRun, error) {
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
	before, err := snapshot(pr)
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
	after, err := snapshot(pr)
	if err != nil {
		return r, err
	}
	r.SlapdCPU, r.LoadAverage = after.slapd-before.slapd, loadAverage()
	return r, nil
}

// openAPIAll lists every user through GET /api/users, page after page.
func (s *stack) openAPIAll(ctx context.Context, pr procs) (listRun, error) {
	h := newHTTPClient(s.dg.url, header("Authorization", "Bearer "+s.oaToken))
	defer h.close()
	return s.pagedAll(ctx, pr, h, "OpenAPI", func(offset int) string {
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
func (s *stack) scimAll(ctx context.Context, pr procs) (listRun, error) {
	h := newHTTPClient(s.dg.url, header("Authorization", "Bearer "+s.cr.scimToken))
	defer h.close()
	return s.pagedAll(ctx, pr, h, "SCIM", func(offset int) string {
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
func (s *stack) pagedAll(ctx context.Context, pr procs, h *httpClient, name string, pageURL func(offset int) string,
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
