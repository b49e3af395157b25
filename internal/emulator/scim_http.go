package emulator

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
)

const (
	scimUserSchema      = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimMFAExtension    = "urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User"
	scimUserStateExt    = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User"
	scimListSchema      = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimDefaultCount    = 50
	scimMaxCount        = 1000 // Oracle's maximum page size
	scimTimestampLayout = "2006-01-02T15:04:05.000Z"
)

// filterable maps a SCIM attribute path (lower case) to the user's values for it.
var filterable = map[string]func(s *Server, u *userState) []string{
	"id":              func(_ *Server, u *userState) []string { return []string{u.ID} },
	"username":        func(_ *Server, u *userState) []string { return []string{u.UserName} },
	"emails.value":    func(_ *Server, u *userState) []string { return nonEmpty(u.Email) },
	"emails":          func(_ *Server, u *userState) []string { return nonEmpty(u.Email) },
	"name.givenname":  func(_ *Server, u *userState) []string { return nonEmpty(u.GivenName) },
	"name.familyname": func(_ *Server, u *userState) []string { return nonEmpty(u.FamilyName) },
	"active":          func(_ *Server, u *userState) []string { return []string{"true"} },
	strings.ToLower(scimMFAExtension + ":mfaStatus"): func(_ *Server, u *userState) []string {
		return []string{mfaStatus(u)}
	},
}

func nonEmpty(v string) []string {
	if v == "" {
		return nil
	}
	return []string{v}
}

func filterPaths(n filterNode, out *[]string) {
	switch n := n.(type) {
	case cmpNode:
		*out = append(*out, n.path)
	case boolNode:
		filterPaths(n.left, out)
		filterPaths(n.right, out)
	case notNode:
		filterPaths(n.inner, out)
	}
}

// handleSCIMList is GET /admin/v1/Users with filter, startIndex, count and attributes.
func (s *Server) handleSCIMList(r *http.Request) (reply, error) {
	q := r.URL.Query()
	var filter filterNode
	if f := strings.TrimSpace(q.Get("filter")); f != "" {
		n, err := parseFilter(f)
		if err == nil {
			var paths []string
			filterPaths(n, &paths)
			for _, p := range paths {
				if _, ok := filterable[strings.ToLower(p)]; !ok {
					err = errBadFilter
				}
			}
		}
		if err != nil {
			return reply{}, errSCIMInvalidFilter(f)
		}
		filter = n
	}
	start, err := intParam(q.Get("startIndex"), 1)
	if err != nil {
		return reply{}, errSCIMNotInteger("startIndex")
	}
	count, err := intParam(q.Get("count"), scimDefaultCount)
	if err != nil {
		return reply{}, errSCIMNotInteger("count")
	}
	// RFC 7644: startIndex below 1 means 1, a negative count means 0.
	if start < 1 {
		start = 1
	}
	if count < 0 {
		count = 0
	}
	if count > scimMaxCount {
		count = scimMaxCount
	}
	attrs := splitAttrs(q.Get("attributes"))

	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*userState
	for _, u := range s.scimCandidatesLocked(filter) {
		if filter == nil || filter.match(func(p string) []string { return filterable[strings.ToLower(p)](s, u) }) {
			matched = append(matched, u)
		}
	}
	resources := []map[string]any{}
	for i := start - 1; i >= 0 && i < len(matched) && len(resources) < count; i++ {
		resources = append(resources, projectAttrs(s.scimUserLocked(matched[i], r), attrs))
	}
	return scimOK(http.StatusOK, map[string]any{
		"schemas":      []string{scimListSchema},
		"totalResults": len(matched),
		"Resources":    resources,
		"startIndex":   start,
		"itemsPerPage": len(resources),
	})
}

func scimOK(status int, body any) (reply, error) {
	return reply{status: status, body: body, contentType: scimContentType}, nil
}

// scimCandidatesLocked narrows a lookup by userName or id (the common "find this user"
// filter) to the index instead of scanning every user; other filters scan.
func (s *Server) scimCandidatesLocked(filter filterNode) []*userState {
	if c, ok := filter.(cmpNode); ok && c.op == "eq" {
		path := strings.ToLower(c.path)
		if path == "username" || path == "id" {
			u := s.users[strings.ToLower(c.value)]
			if path == "username" {
				u = s.userByNameLocked(c.value)
			}
			if u == nil {
				return nil
			}
			return []*userState{u}
		}
	}
	out := make([]*userState, 0, len(s.order))
	for _, id := range s.order {
		out = append(out, s.users[id])
	}
	return out
}

func intParam(v string, def int) (int, error) {
	if v == "" {
		return def, nil
	}
	return strconv.Atoi(v)
}

func splitAttrs(v string) []string {
	var out []string
	for _, a := range strings.Split(v, ",") {
		if a = strings.TrimSpace(a); a != "" {
			out = append(out, a)
		}
	}
	return out
}

// handleSCIMGet is GET /admin/v1/Users/{id}.
func (s *Server) handleSCIMGet(r *http.Request) (reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.users[r.PathValue("id")]
	if u == nil {
		return reply{}, errSCIMUserNotFound(r.PathValue("id"))
	}
	return scimOK(http.StatusOK, projectAttrs(s.scimUserLocked(u, r), splitAttrs(r.URL.Query().Get("attributes"))))
}

// handleSCIMDelete is DELETE /admin/v1/Users/{id}: 204, and the user's factors and pending
// enrollments go with them. The forceDelete parameter is accepted and ignored.
func (s *Server) handleSCIMDelete(r *http.Request) (reply, error) {
	if err := s.DeleteUser(r.PathValue("id")); err != nil {
		return reply{}, errSCIMUserNotFound(r.PathValue("id"))
	}
	return noContent()
}

type scimUserCreate struct {
	Schemas  []string `json:"schemas"`
	ID       string   `json:"id"`
	UserName string   `json:"userName"`
	Name     struct {
		GivenName  string `json:"givenName"`
		FamilyName string `json:"familyName"`
	} `json:"name"`
	Emails []struct {
		Value   string `json:"value"`
		Type    string `json:"type"`
		Primary bool   `json:"primary"`
	} `json:"emails"`
	Active *bool `json:"active"`
}

// handleSCIMCreate is POST /admin/v1/Users; 201 with the new user.
func (s *Server) handleSCIMCreate(r *http.Request) (reply, error) {
	var req scimUserCreate
	if e := decodeRequest(r, &req); e != nil {
		return reply{}, errSCIMInvalidJSON()
	}
	if strings.TrimSpace(req.UserName) == "" {
		return reply{}, errSCIMMissingAttribute("userName")
	}
	u := User{UserName: req.UserName, GivenName: req.Name.GivenName, FamilyName: req.Name.FamilyName}
	for i, e := range req.Emails {
		if e.Primary || i == 0 {
			u.Email = e.Value
		}
		if e.Primary {
			break
		}
	}
	created, err := s.AddUser(u)
	switch {
	case errors.Is(err, ErrDuplicateUser):
		return reply{}, errSCIMUserNameTaken(req.UserName)
	case err != nil:
		return reply{}, errSCIMInvalidValue(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, _ := scimOK(http.StatusCreated, s.scimUserLocked(s.users[created.ID], r))
	rep.location = baseURL(r) + "/admin/v1/Users/" + created.ID
	return rep, nil
}

func mfaStatus(u *userState) string {
	if u.hasEnrolledDevice() {
		return "ENROLLED"
	}
	return "UN_ENROLLED"
}

func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// scimUserLocked renders a user with the MFA extension, kept consistent with /mfa/v1:
// devices are the user's factors (pending ones as INITIATED), the preferred device is E1's
// preferredFactorId.
func (s *Server) scimUserLocked(u *userState, r *http.Request) map[string]any {
	base := baseURL(r)
	emails := []map[string]any{}
	if u.Email != "" {
		emails = append(emails, map[string]any{"value": u.Email, "type": "work", "primary": true})
	}
	name := map[string]any{}
	if u.GivenName != "" {
		name["givenName"] = u.GivenName
	}
	if u.FamilyName != "" {
		name["familyName"] = u.FamilyName
	}
	if formatted := strings.TrimSpace(u.GivenName + " " + u.FamilyName); formatted != "" {
		name["formatted"] = formatted
	}
	devices := []map[string]any{}
	for _, id := range u.factorOrder {
		f := u.factors[id]
		if f.ID == SecurityQuestionsFactorID {
			continue
		}
		status := "ENROLLED"
		if f.Status != StatusEnrolled {
			status = "INITIATED"
		}
		d := map[string]any{
			"value":        f.ID,
			"$ref":         base + "/admin/v1/Devices/" + f.ID,
			"status":       status,
			"factorType":   f.method(),
			"factorStatus": f.Status,
		}
		if f.DisplayName != "" {
			d["display"] = f.DisplayName
		}
		devices = append(devices, d)
	}
	mfa := map[string]any{
		"mfaStatus":     mfaStatus(u),
		"loginAttempts": u.failedAttempts,
		"devices":       devices,
	}
	if u.preferredID != "" {
		mfa["preferredAuthenticationFactor"] = u.preferredMeth
		if u.preferredID != SecurityQuestionsFactorID {
			mfa["preferredDevice"] = map[string]any{"value": u.preferredID, "$ref": base + "/admin/v1/Devices/" + u.preferredID}
		}
	}
	user := map[string]any{
		"schemas":  []string{scimUserSchema, scimMFAExtension, scimUserStateExt},
		"id":       u.ID,
		"userName": u.UserName,
		"emails":   emails,
		"active":   true,
		"meta": map[string]any{
			"resourceType": "User",
			"created":      u.created.UTC().Format(scimTimestampLayout),
			"lastModified": u.modified.UTC().Format(scimTimestampLayout),
			"location":     base + "/admin/v1/Users/" + u.ID,
		},
		scimMFAExtension: mfa,
		scimUserStateExt: map[string]any{"locked": map[string]any{"on": u.Locked}},
	}
	if len(name) > 0 {
		user["name"] = name
	}
	return user
}

// projectAttrs keeps only the requested attributes (plus id and schemas, which SCIM always
// returns). "emails.value" keeps emails; "<extension URN>:<attr>" keeps that part of it.
func projectAttrs(user map[string]any, attrs []string) map[string]any {
	if len(attrs) == 0 {
		return user
	}
	out := map[string]any{"id": user["id"], "schemas": user["schemas"]}
	for _, a := range attrs {
		la := strings.ToLower(a)
		for k, v := range user {
			lk := strings.ToLower(k)
			switch {
			case la == lk, strings.HasPrefix(la, lk+"."):
				out[k] = v
			case strings.HasPrefix(la, lk+":"):
				ext, ok := v.(map[string]any)
				if !ok {
					continue
				}
				sub := a[len(k)+1:]
				if i := strings.IndexByte(sub, '.'); i >= 0 {
					sub = sub[:i]
				}
				dst, _ := out[k].(map[string]any)
				if dst == nil {
					dst = map[string]any{}
					out[k] = dst
				}
				for ek, ev := range ext {
					if strings.EqualFold(ek, sub) {
						dst[ek] = ev
					}
				}
			}
		}
	}
	return out
}
