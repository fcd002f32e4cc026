package scim

import (
	"encoding/json"
	"net/http"
	"runtime"
	"strconv"
	"sync"

	"github.com/dirgate/dirgate/pkg/directory"
)

// A page of Users is written as json.Marshal writes its listResponse,
// but appended resource by resource (userjson.go says why), and a large
// page is rendered by as many goroutines as there are processors, each
// appending a run of the page's users to its own buffer: rendering and
// encoding 1,000 users is a few milliseconds that the client waits for
// on every page, and the directory is idle meanwhile. The buffers hold
// one page, as the single buffer did: memory stays flat over a walk.

// minShare is the fewest users a goroutine renders: below it one
// goroutine does the page (a lookup is one user).
const minShare = 250

// writeUserPage answers the page: resp's members, then the users of page,
// rendered for view and pruned by proj.
func (d *Dialect) writeUserPage(r *request, resp listResponse, users []directory.User, view userView, proj projection) error {
	parts := min(runtime.GOMAXPROCS(0), len(users)/minShare)
	var bodies [][]byte
	if parts <= 1 {
		b, err := d.appendUsers(make([]byte, 0, 1024*len(users)), r, users, view, proj)
		if err != nil {
			return err
		}
		bodies = [][]byte{b}
	} else {
		bodies = make([][]byte, parts)
		errs := make([]error, parts)
		var wg sync.WaitGroup
		for i := range parts {
			run := users[len(users)*i/parts : len(users)*(i+1)/parts]
			wg.Go(func() {
				bodies[i], errs[i] = d.appendUsers(make([]byte, 0, 1024*len(run)), r, run, view, proj)
			})
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
	}
	head := make([]byte, 0, 256)
	head = append(head, `{"schemas":`...)
	head = appendStrings(head, resp.Schemas)
	head = append(head, `,"totalResults":`...)
	head = strconv.AppendInt(head, int64(resp.TotalResults), 10)
	head = append(head, `,"startIndex":`...)
	head = strconv.AppendInt(head, int64(resp.StartIndex), 10)
	head = append(head, `,"itemsPerPage":`...)
	head = strconv.AppendInt(head, int64(len(users)), 10)
	head = append(head, `,"Resources":[`...)
	// The parts are written one after the other rather than copied into
	// one buffer first: the same bytes (a page of this size went chunked
	// before too), without a second copy of the page.
	w := r.c.Response()
	w.Header().Set("Content-Type", mediaType+"; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write(head); err != nil {
		return err
	}
	first := true
	for _, body := range bodies {
		if len(body) == 0 {
			continue
		}
		if !first {
			if _, err := w.Write(comma); err != nil {
				return err
			}
		}
		first = false
		if _, err := w.Write(body); err != nil {
			return err
		}
	}
	_, err := w.Write(tail)
	return err
}

var comma, tail = []byte(","), []byte("]}")

// appendUsers appends the users' resources, comma-separated.
func (d *Dialect) appendUsers(b []byte, r *request, users []directory.User, view userView, proj projection) ([]byte, error) {
	for i := range users {
		res, err := d.renderUser(r.ctx, r, &users[i], view)
		if err != nil {
			return nil, fromCore(err, "")
		}
		if i > 0 {
			b = append(b, ',')
		}
		if proj.empty() {
			b = appendUser(b, res)
			continue
		}
		out, err := proj.apply(res)
		if err != nil {
			return nil, err
		}
		enc, err := json.Marshal(out)
		if err != nil {
			return nil, err
		}
		b = append(b, enc...)
	}
	return b, nil
}
