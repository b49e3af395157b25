package client

import "context"

// settler describes a call that must not be repeated blindly (an enrollment, a passcode: API
// doc section 3, E3 and E5), for settle.
type settler[T any] struct {
	call func() (T, error)
	// look reports whether the failure err of attempt n (0 for the first) may hide what the
	// server did, so that its state is worth a look before anything else.
	look func(err error, attempt int) bool
	// lookup asks the server what became of the call; ok means found is the call's result.
	// Nil when nothing on the server can tell.
	lookup func() (found T, ok bool)
	// again reports whether the call may be sent again after a look that found nothing.
	again func(err error) bool
}

// settle runs s.call and, after a failure that s.look deems worth it, adopts what s.lookup
// finds on the server; failing that, it sends the call again after a backoff, at most
// c.retryMax more times, while s.again allows. Any other failure, and any failure once ctx is
// done, is returned as it is.
func settle[T any](ctx context.Context, c *Client, s settler[T]) (T, error) {
	for attempt := 0; ; attempt++ {
		v, err := s.call()
		if err == nil || ctx.Err() != nil || !s.look(err, attempt) {
			return v, err
		}
		if s.lookup != nil {
			if found, ok := s.lookup(); ok {
				return found, nil
			}
		}
		if !s.again(err) || attempt >= c.retryMax {
			return v, err
		}
		if sleep(ctx, backoffFor(c, attempt)) != nil {
			return v, err
		}
	}
}
