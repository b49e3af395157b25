package provider

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// userDeviceReads shares one read of a user's devices in SCIM (pending and enrolled: what the
// take-over check of an SMS or e-mail create looks at, passcode_factor_takeover.go) among the
// creates of that user's factors in one provider process: N factors over M users cost M device
// reads, not N. The creates of one user take turns from their check through their enrollment,
// and each adds what it enrolled to the shared read, so that the next create of the same user
// sees it (two resources for one device in one configuration are caught as before) without
// another request. Creates of different users do not wait for each other. A delete, or a
// create that failed after sending, makes the next create read again.
type userDeviceReads struct {
	now func() time.Time

	mu    sync.Mutex // guards users and every entry's fields but turn
	users map[string]*userDevices
}

type userDevices struct {
	turn    chan struct{} // holds one token: the create whose turn it is has taken it
	fetched time.Time     // zero: read again
	devices []client.MFADevice
	err     error // a refusal (no role), kept: asking again would be refused again
}

func newUserDeviceReads() *userDeviceReads {
	return &userDeviceReads{now: time.Now, users: map[string]*userDevices{}}
}

// deviceReader reads a user's devices (factorAPI.UserDevices).
type deviceReader func(ctx context.Context, userGUID string) ([]client.MFADevice, error)

// deviceRelease ends a create's turn: added is the device its enrollment made (nil when none);
// sent says that a request went out, so that without added the shared read is no longer known
// to be current.
type deviceRelease func(added *client.MFADevice, sent bool)

func (u *userDeviceReads) entry(userID string) *userDevices {
	u.mu.Lock()
	defer u.mu.Unlock()
	e := u.users[userID]
	if e == nil {
		e = &userDevices{turn: make(chan struct{}, 1)}
		e.turn <- struct{}{}
		u.users[userID] = e
	}
	return e
}

// take waits for the user's turn and returns the user's devices, read with read unless a read
// at most factorListingTTL old is shared. The caller must call release once. A cancelled wait
// returns ctx's error.
func (u *userDeviceReads) take(ctx context.Context, userID string, read deviceReader) ([]client.MFADevice, deviceRelease, error) {
	e := u.entry(userID)
	select {
	case <-e.turn:
	case <-ctx.Done():
		return nil, func(*client.MFADevice, bool) {}, ctx.Err()
	}
	release := func(added *client.MFADevice, sent bool) {
		u.mu.Lock()
		switch {
		case added != nil && e.err == nil && !e.fetched.IsZero():
			e.devices = slices.DeleteFunc(e.devices, func(d client.MFADevice) bool { return d.Value == added.Value })
			e.devices = append(e.devices, *added)
		case added == nil && sent:
			e.fetched = time.Time{}
		}
		u.mu.Unlock()
		e.turn <- struct{}{}
	}
	u.mu.Lock()
	fresh := !e.fetched.IsZero() && u.now().Sub(e.fetched) < factorListingTTL
	devices, err := slices.Clone(e.devices), e.err
	u.mu.Unlock()
	if fresh {
		return devices, release, err
	}
	devices, err = read(ctx, userID)
	if err != nil && !errors.Is(err, client.ErrForbidden) && !errors.Is(err, client.ErrUnauthorized) {
		// Anything but a refusal may pass: the next create reads again.
		return nil, release, err
	}
	u.mu.Lock()
	e.devices, e.err, e.fetched = slices.Clone(devices), err, u.now()
	u.mu.Unlock()
	return devices, release, err
}

// stale makes the next create of the user read the devices again: a delete changed them.
func (u *userDeviceReads) stale(userID string) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if e := u.users[userID]; e != nil {
		e.fetched = time.Time{}
	}
}
