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

// committed marks a context that commit returned: the requests made on it belong to one
// change that is already under way.
type committed struct{}

// commit returns the context a call that changes the service (an enrollment, a passcode, a
// resend, a rename, a delete, the preferred factor, a verification, a user, a self-service
// call) runs on. Such a call is not idempotent, or its outcome matters to the caller's
// records: once it is about to be sent, cancelling it half way would leave the service
// changed and the caller unaware (an enrollment that exists but was never recorded). So:
//   - a call whose context is already done is not started (ErrNotSent);
//   - a started call, its retries and the reconciliation after an ambiguous failure run on a
//     context that ignores the caller's cancellation (context.WithoutCancel) but keeps its
//     deadline, or else DefaultCommitTimeout (Config.CommitTimeout): bounded, never abandoned
//     half way.
//
// It is the one way into a change: do calls it for every request that is not a read
// (request.changes), so no method can forget it. A call made of several requests (a POST and
// the look-ups that settle its ambiguous answer) calls it first, so that the whole call, not
// only each request, is finished once started; the requests inside then reuse its context.
//
// The caller must call the returned cancel function.
func (c *Client) commit(ctx context.Context, op string) (context.Context, context.CancelFunc, error) {
	if ctx.Value(committed{}) != nil {
		return ctx, func() {}, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("%s: %w (%w)", op, ErrNotSent, err)
	}
	detached := context.WithValue(context.WithoutCancel(ctx), committed{}, true)
	var cancel context.CancelFunc
	if deadline, ok := ctx.Deadline(); ok {
		ctx, cancel = context.WithDeadline(detached, deadline)
	} else {
		ctx, cancel = context.WithTimeout(detached, c.commitTimeout)
	}
	return ctx, cancel, nil
}
