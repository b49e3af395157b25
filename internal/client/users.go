package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// SCIMMFAExtension is the schema URN of the user's MFA extension (SCIMUser.MFA); callers
// name its attributes with it, e.g. SCIMMFAExtension + ":mfaStatus" in ListUsersRequest.Attributes.
const SCIMMFAExtension = "urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User"

const (
	scimUserSchema      = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimMaxCount        = 1000 // Oracle's largest page
	scimUsersPath       = "/admin/v1/Users"
	maxListAllUserPages = 100000
)

type wireUser struct {
	ID       string        `json:"id"`
	UserName string        `json:"userName"`
	Emails   []SCIMEmail   `json:"emails,omitempty"`
	Active   *bool         `json:"active,omitempty"`
	MFA      *MFAExtension `json:"urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User,omitempty"`
}

func (w wireUser) user() SCIMUser {
	return SCIMUser(w)
}

type wireListResponse struct {
	TotalResults int        `json:"totalResults"`
	StartIndex   int        `json:"startIndex"`
	ItemsPerPage int        `json:"itemsPerPage"`
	Resources    []wireUser `json:"Resources"`
}

// ListUsers reads one page of users (SCIM GET /admin/v1/Users).
func (c *Client) ListUsers(ctx context.Context, req ListUsersRequest) (*UserPage, error) {
	q := url.Values{}
	if req.Filter != "" {
		q.Set("filter", req.Filter)
	}
	if len(req.Attributes) > 0 {
		q.Set("attributes", strings.Join(req.Attributes, ","))
	}
	if req.StartIndex > 1 {
		q.Set("startIndex", strconv.Itoa(req.StartIndex))
	}
	if req.Count > 0 {
		q.Set("count", strconv.Itoa(req.Count))
	}
	var out wireListResponse
	if err := c.do(ctx, request{method: http.MethodGet, path: scimUsersPath, query: q, out: &out}); err != nil {
		return nil, err
	}
	page := &UserPage{TotalResults: out.TotalResults, StartIndex: out.StartIndex, ItemsPerPage: out.ItemsPerPage}
	page.Resources = make([]SCIMUser, 0, len(out.Resources))
	for _, u := range out.Resources {
		page.Resources = append(page.Resources, u.user())
	}
	return page, nil
}

// ListAllUsers reads every user matching filter, page by page at Oracle's largest page size,
// and stops as soon as totalResults users were read: ceil(total/1000) requests.
func (c *Client) ListAllUsers(ctx context.Context, filter string, attributes []string, fn func([]SCIMUser) error) error {
	start, read := 1, 0
	for pages := 0; pages < maxListAllUserPages; pages++ {
		page, err := c.ListUsers(ctx, ListUsersRequest{Filter: filter, Attributes: attributes, StartIndex: start, Count: scimMaxCount})
		if err != nil {
			return err
		}
		if len(page.Resources) > 0 {
			if err := fn(page.Resources); err != nil {
				return err
			}
		}
		read += len(page.Resources)
		start += len(page.Resources)
		// An empty page ends the listing even if totalResults promised more (users deleted
		// meanwhile), so a changing directory cannot make this loop forever.
		if read >= page.TotalResults || len(page.Resources) == 0 {
			return nil
		}
	}
	return fmt.Errorf("listing users: more than %d pages, giving up", maxListAllUserPages)
}

type wireUserCreate struct {
	Schemas  []string    `json:"schemas"`
	UserName string      `json:"userName"`
	Name     *wireName   `json:"name,omitempty"`
	Emails   []SCIMEmail `json:"emails,omitempty"`
}

type wireName struct {
	GivenName  string `json:"givenName,omitempty"`
	FamilyName string `json:"familyName,omitempty"`
}

// CreateUser creates a user (SCIM POST /admin/v1/Users) with Email as primary work e-mail.
// After an ambiguous failure the user is looked up by userName before the POST is repeated,
// so a lost answer does not end in a "user already exists" error. It changes the service:
// see commit.
func (c *Client) CreateUser(ctx context.Context, u SCIMUserCreate) (*SCIMUser, error) {
	body := wireUserCreate{Schemas: []string{scimUserSchema}, UserName: u.UserName}
	if u.GivenName != "" || u.FamilyName != "" {
		body.Name = &wireName{GivenName: u.GivenName, FamilyName: u.FamilyName}
	}
	if u.Email != "" {
		body.Emails = []SCIMEmail{{Value: u.Email, Type: "work", Primary: true}}
	}
	ctx, cancel, err := c.commit(ctx, "POST "+scimUsersPath)
	if err != nil {
		return nil, err
	}
	defer cancel()
	usr, _, err := settle(ctx, c, settler[*SCIMUser]{
		call: func() (*SCIMUser, error) {
			var out wireUser
			if err := c.do(ctx, request{method: http.MethodPost, path: scimUsersPath, body: body, out: &out, retry: retryUnprocessed}); err != nil {
				return nil, err
			}
			usr := out.user()
			return &usr, nil
		},
		// A 409 after an ambiguous attempt: that attempt may have created the user after all.
		look: func(err error, attempt int) bool {
			var ae *APIError
			return isAmbiguous(err) || attempt > 0 && errors.As(err, &ae) && ae.StatusCode == http.StatusConflict
		},
		// userName is unique in a domain: the user of that name is this call's (the tests and
		// the demo that create users choose fresh names).
		lookup: func() (*SCIMUser, LostAnswer) {
			checked := "the users named " + u.UserName
			page, err := c.ListUsers(ctx, ListUsersRequest{Filter: `userName eq "` + scimEscape(u.UserName) + `"`, Count: 1})
			if err != nil || len(page.Resources) == 0 {
				return nil, LostAnswer{Checked: checked, Found: FoundNothing, LookErr: err}
			}
			return &page.Resources[0], LostAnswer{Checked: checked, Found: FoundOwn}
		},
		again: isAmbiguous,
	})
	return usr, err
}

func scimEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s)
}

// DeleteUser deletes a user (SCIM DELETE /admin/v1/Users/{id}, with forceDelete=true so that a
// user who still has factors or group memberships goes too). Deleting a user who is already
// gone returns an error that matches ErrNotFound. Only the acceptance tests use it, to remove
// the users they create on a real domain.
func (c *Client) DeleteUser(ctx context.Context, id string) error {
	p, err := pathf(scimUsersPath+"/%s", id)
	if err != nil {
		return err
	}
	return c.do(ctx, request{method: http.MethodDelete, path: p, query: url.Values{"forceDelete": {"true"}}})
}

// UserDevices returns the user's MFA devices as SCIM shows them (GET /admin/v1/Users/{id},
// the MFA extension's devices), pending ones included with their factorType: the one place
// that names the method of a factor still pending, which /mfa/v1 (E4) does not. It needs a
// role that may read users (User Administrator), which the MFA Client role does not give;
// a refusal matches ErrForbidden or ErrUnauthorized.
func (c *Client) UserDevices(ctx context.Context, userGUID string) ([]MFADevice, error) {
	p, err := pathf(scimUsersPath+"/%s", userGUID)
	if err != nil {
		return nil, err
	}
	var out wireUser
	q := url.Values{"attributes": {SCIMMFAExtension + ":devices"}}
	if err := c.do(ctx, request{method: http.MethodGet, path: p, query: q, out: &out}); err != nil {
		return nil, err
	}
	if out.MFA == nil {
		return nil, nil
	}
	return out.MFA.Devices, nil
}

// UserLoginAttempts returns the user's failed 2-step verification attempts counted towards
// the lockout (loginAttempts of the SCIM MFA extension, GET /admin/v1/Users/{id}). /mfa/v1
// answers a wrong passcode (AUTH-1105) without it, and neither API shows the maximum (the
// domain's MFA settings). Like UserDevices it needs a role that may read users.
func (c *Client) UserLoginAttempts(ctx context.Context, userGUID string) (int, error) {
	p, err := pathf(scimUsersPath+"/%s", userGUID)
	if err != nil {
		return 0, err
	}
	var out wireUser
	q := url.Values{"attributes": {SCIMMFAExtension + ":loginAttempts"}}
	if err := c.do(ctx, request{method: http.MethodGet, path: p, query: q, out: &out}); err != nil {
		return 0, err
	}
	if out.MFA == nil {
		return 0, nil
	}
	return out.MFA.LoginAttempts, nil
}
