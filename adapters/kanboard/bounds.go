package kanboard

import (
	"context"
	"fmt"

	"github.com/creachadair/jrpc2"

	"github.com/dirgate/dirgate/internal/dialect"
)

// DefaultMaxBatch bounds the requests of one batch. Kanboard's JsonRPC
// library runs any number; with the server's 1 MiB body that was 21,845
// getAllUsers calls in one request and one answer of 185 MB.
const DefaultMaxBatch = 100

// errTooManyResults answers a call whose result would list more users
// than the answer may still hold. -32000 is the first code JSON-RPC 2.0
// leaves to the server; Kanboard never sends it, so a client cannot take
// it for one of Kanboard's own failures.
var errTooManyResults = &jrpc2.Error{Code: -32000, Message: "Too many results"}

// listBudget is how many users the answer to one HTTP request may still
// list: a batch shares one budget, so the whole answer stays within
// maxResults users however many getAllUsers it holds.
type listBudget struct{ left, max int }

type budgetKey struct{}

func withListBudget(ctx context.Context, max int) context.Context {
	return context.WithValue(ctx, budgetKey{}, &listBudget{left: max, max: max})
}

// budgetOf is the request's budget; a call made outside an exchange (a
// test calling the table directly) gets a fresh one.
func budgetOf(ctx context.Context) *listBudget {
	if b, ok := ctx.Value(budgetKey{}).(*listBudget); ok {
		return b
	}
	return &listBudget{left: dialect.DefaultMaxResults, max: dialect.DefaultMaxResults}
}

// spend takes n users from the budget, or refuses with ErrTooManyResults
// and takes nothing.
func (b *listBudget) spend(n int) error {
	if n > b.left {
		if b.left < b.max {
			return fmt.Errorf("%w: this answer may list %d more users, of %d (maxResults); send fewer getAllUsers in one batch",
				dialect.ErrTooManyResults, b.left, b.max)
		}
		return dialect.CheckResults(n, b.max)
	}
	b.left -= n
	return nil
}
