package client

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"
)

// DeviceTimes are a device's SCIM meta timestamps, on the service's clock.
type DeviceTimes struct {
	Created      time.Time
	LastModified time.Time
}

// Restarted reports whether the device changed after it was created: for a pending SMS or
// e-mail factor, its enrollment was started again (another enrollment of the same device, or
// a resend) after the request that created it. Two changes within one millisecond of the
// service's clock cannot be told apart.
func (t DeviceTimes) Restarted() bool { return t.LastModified.After(t.Created) }

type wireDeviceMeta struct {
	Meta struct {
		Created      string `json:"created"`
		LastModified string `json:"lastModified"`
	} `json:"meta"`
}

// DeviceTimes reads when a user's device (a factor id) was created and last changed:
// GET /admin/v1/Devices/{id}, the resource a user's devices[].$ref points to. Like
// UserDevices it needs a role that reads users.
func (c *Client) DeviceTimes(ctx context.Context, deviceID string) (DeviceTimes, error) {
	p, err := pathf("/admin/v1/Devices/%s", deviceID)
	if err != nil {
		return DeviceTimes{}, err
	}
	var out wireDeviceMeta
	q := url.Values{"attributes": {"meta"}}
	if err := c.do(ctx, request{method: http.MethodGet, path: p, query: q, out: &out}); err != nil {
		return DeviceTimes{}, err
	}
	var t DeviceTimes
	if t.Created, err = time.Parse(time.RFC3339Nano, out.Meta.Created); err != nil {
		return DeviceTimes{}, fmt.Errorf("reading device %s: meta.created: %w", deviceID, err)
	}
	if t.LastModified, err = time.Parse(time.RFC3339Nano, out.Meta.LastModified); err != nil {
		return DeviceTimes{}, fmt.Errorf("reading device %s: meta.lastModified: %w", deviceID, err)
	}
	return t, nil
}
