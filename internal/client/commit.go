package client

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultCommitTimeout bounds a call that changes the service once it has been started on a
// context that was then cancelled (Terraform's StopProvider on Ctrl-C): see commit.
const DefaultCommitTimeout = 2 * time.Minute

// ErrNotSent matches the error of a call that changes the service and was not started
// because its context was already done: nothing was sent, so nothing happened.
var ErrNotSent = errors.New("not sent: the operation was cancelled before the request went out")

// commit returns the context a call that changes the service (an enrollment, a passcode, a
// resend, a delete, the preferred factor) runs on. Such a call is not idempotent, or its
// outcome matters to the caller's records: once it is about to be sent, cancelling it half
// way would leave the service changed and the caller unaware (an enrollment that exists but
// was never recorded). So:
//   - a call whose context is already done is not started (ErrNotSent);
//   - a started call, its retries and the reconciliation after an ambiguous failure run on a
//     context that ignores the caller's cancellation (context.WithoutCancel) but keeps its
//     deadline, or else DefaultCommitTimeout (Config.CommitTimeout): bounded, never abandoned
//     half way.
//
// The caller must call the returned cancel function.
func (c *Client) commit(ctx context.Context, op string) (context.Context, context.CancelFunc, error) {
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w (%w)", op, ErrNotSent, err)
	}
	detached := context.WithoutCancel(ctx)
	if deadline, ok := ctx.Deadline(); ok {
		dctx, cancel := context.WithDeadline(detached, deadline)
		return dctx, cancel, nil
	}
	dctx, cancel := context.WithTimeout(detached, c.commitTimeout)
	return dctx, cancel, nil
}
