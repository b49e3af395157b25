package client

import "context"

// settler describes a call that must not be repeated blindly (an enrollment, a passcode: API
// doc section 3, E3 and E5), for settle.
type settler[T any] struct {
	call func() (T, error)
	// look reports whether the failure err of attempt n (0 for the first) may hide what the
	// server did, so that its state is worth a look before anything else.
	look func(err error, attempt int) bool
	// lookup asks the server what became of the call: FoundOwn means found is the call's
	// result; FoundNothing lets the call be sent again (while again allows); FoundAmbiguous
	// stops. Nil when nothing on the server can tell.
	lookup func() (found T, la LostAnswer)
	// again reports whether the call may be sent again after a look that found nothing.
	again func(err error) bool
}

// settle runs s.call and, after a failure that s.look deems worth it, adopts what s.lookup
// finds on the server; failing that, it sends the call again after a backoff, at most
// c.retryMax more times, while s.again allows. Any other failure, and any failure once ctx is
// done, is returned as it is: a call whose earlier answer was lost fails as it would have
// without the loss. The *LostAnswer says what was checked when an answer was lost on the way
// to the result (nil when none was); a look-up that could not settle the call comes back as a
// *LostAnswerError.
func settle[T any](ctx context.Context, c *Client, s settler[T]) (T, *LostAnswer, error) {
	var lost *LostAnswer
	for attempt := 0; ; attempt++ {
		v, err := s.call()
		if err == nil {
			if lost != nil {
				lost.Found, lost.Resent = FoundOwn, true
			}
			return v, lost, nil
		}
		if ctx.Err() != nil || !s.look(err, attempt) {
			return v, nil, err
		}
		if lost == nil && isAmbiguous(err) {
			lost = &LostAnswer{Err: err, Checked: "nothing", Found: FoundNothing}
		}
		if s.lookup != nil {
			found, la := s.lookup()
			la.Err = err
			if lost != nil {
				la.Err = lost.Err
			}
			switch la.Found {
			case FoundOwn:
				return found, &la, nil
			case FoundAmbiguous:
				var zero T
				return zero, nil, &LostAnswerError{la}
			}
			if isAmbiguous(err) {
				lost = &la
			}
		}
		if !s.again(err) || attempt >= c.retryMax || sleep(ctx, backoffFor(c, attempt)) != nil {
			if lost != nil && isAmbiguous(err) && s.lookup != nil {
				var zero T
				return zero, nil, &LostAnswerError{*lost}
			}
			return v, nil, err
		}
	}
}
