package emulator

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/mail"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	scimUserSchema      = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimMFAExtension    = "urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User"
	scimUserStateExt    = "urn:ietf:params:scim:schemas:oracle:idcs:extension:userState:User"
	scimListSchema      = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimSearchSchema    = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
	scimDefaultCount    = 50
	scimMaxCount        = 1000 // Oracle's maximum page size
	scimTimestampLayout = "2006-01-02T15:04:05.000Z"

	// scimMaxUserName is the longest userName accepted, in characters (see EMULATOR.md).
	scimMaxUserName = 255
	// scimMaxEmail is the longest e-mail address (RFC 5321 §4.5.3.1.3: a 256-octet path,
	// angle brackets included).
	scimMaxEmail = 254
)

// filterable maps a SCIM attribute path (lower case, core URN prefix removed: see attrPath)
// to the user's values for it; a multi-valued attribute gives its primary value first. Every
// one of them is also a sortBy key (sorted on the first value).
var filterable = map[string]func(s *Server, u *userState) []string{
	"id":              func(_ *Server, u *userState) []string { return []string{u.ID} },
	"username":        func(_ *Server, u *userState) []string { return []string{u.UserName} },
	"emails.value":    emailValues,
	"emails":          emailValues,
	"emails.type":     emailTypes,
	"name.givenname":  func(_ *Server, u *userState) []string { return nonEmpty(u.GivenName) },
	"name.familyname": func(_ *Server, u *userState) []string { return nonEmpty(u.FamilyName) },
	"name.formatted":  func(_ *Server, u *userState) []string { return nonEmpty(formattedName(u)) },
	"active":          func(_ *Server, u *userState) []string { return []string{"true"} },
	"meta.created": func(_ *Server, u *userState) []string {
		return []string{u.created.UTC().Format(scimTimestampLayout)}
	},
	"meta.lastmodified": func(_ *Server, u *userState) []string {
		return []string{u.modified.UTC().Format(scimTimestampLayout)}
	},
	strings.ToLower(scimMFAExtension + ":mfaStatus"): func(_ *Server, u *userState) []string {
		return []string{mfaStatus(u)}
	},
	strings.ToLower(scimMFAExtension + ":preferredAuthenticationFactor"): func(_ *Server, u *userState) []string {
		return nonEmpty(u.preferredMeth)
	},
}

func emailValues(_ *Server, u *userState) []string {
	var out []string
	for _, e := range sortedEmails(u) {
		out = append(out, e.Value)
	}
	return out
}

func emailTypes(_ *Server, u *userState) []string {
	var out []string
	for _, e := range sortedEmails(u) {
		if e.Type != "" {
			out = append(out, e.Type)
		}
	}
	return out
}

// sortedEmails is the user's e-mails with the primary one first.
func sortedEmails(u *userState) []userEmail {
	out := append([]userEmail(nil), u.emails...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Primary && !out[j].Primary })
	return out
}

// attrPath normalises an attribute path for filterable: lower case, with the core schema
// URN prefix of a fully qualified core attribute removed (RFC 7644 §3.10).
func attrPath(p string) string {
	return strings.TrimPrefix(strings.ToLower(p), strings.ToLower(scimCoreUserPrefix))
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

// usersQuery is a list (GET /admin/v1/Users) or a search (POST /admin/v1/Users/.search).
type usersQuery struct {
	filter     filterNode // nil: every user
	sortBy     string     // attrPath of the sortBy attribute; "": creation order
	descending bool
	start      int
	count      int
	proj       projection
}

// parseUsersFilter parses a filter that was sent (a present but blank one is an error).
func parseUsersFilter(f string) (filterNode, *scimError) {
	n, err := parseFilter(f)
	if err == nil {
		var paths []string
		filterPaths(n, &paths)
		for _, p := range paths {
			if _, ok := filterable[attrPath(p)]; !ok {
				err = errBadFilter
			}
		}
	}
	if err != nil {
		return nil, errSCIMInvalidFilter(f, err)
	}
	return n, nil
}

// newUsersQuery checks and completes a query's parameters; nil pointers were not sent.
func newUsersQuery(filter, sortBy, sortOrder *string, start, count int, proj projection) (usersQuery, *scimError) {
	q := usersQuery{start: start, count: count, proj: proj}
	if filter != nil {
		n, e := parseUsersFilter(*filter)
		if e != nil {
			return q, e
		}
		q.filter = n
	}
	if sortBy != nil && strings.TrimSpace(*sortBy) != "" {
		q.sortBy = attrPath(strings.TrimSpace(*sortBy))
		if _, ok := filterable[q.sortBy]; !ok {
			return q, errSCIMInvalidValue("sortBy " + strconv.Quote(truncate(*sortBy, 100)) + " is not an attribute the emulator sorts on.")
		}
	}
	if sortOrder != nil {
		// RFC 7644 §3.4.2.3 spells them "ascending" and "descending"; the OCI SDK sends
		// ASCENDING and DESCENDING.
		switch strings.ToLower(strings.TrimSpace(*sortOrder)) {
		case "", "ascending":
		case "descending":
			q.descending = true
		default:
			return q, errSCIMInvalidValue("sortOrder " + strconv.Quote(truncate(*sortOrder, 100)) + " is not ascending or descending.")
		}
	}
	// RFC 7644 §3.4.2.4: startIndex below 1 means 1, a negative count means 0.
	if q.start < 1 {
		q.start = 1
	}
	if q.count < 0 {
		q.count = 0
	}
	if q.count > scimMaxCount {
		q.count = scimMaxCount
	}
	return q, nil
}

// queryValues gets the values of a query parameter, each also split at commas
// (attributes=a,b and attributeSets=all&attributeSets=request, as the OCI SDK sends them).
func queryValues(q url.Values, name string) []string {
	var out []string
	for _, v := range q[name] {
		out = append(out, splitAttrs(v)...)
	}
	return out
}

func optionalParam(q url.Values, name string) *string {
	if !q.Has(name) {
		return nil
	}
	v := q.Get(name)
	return &v
}

// projectionFromQuery reads attributes, excludedAttributes and attributeSets.
func projectionFromQuery(q url.Values) (projection, *scimError) {
	return newProjection(queryValues(q, "attributes"), queryValues(q, "excludedAttributes"), queryValues(q, "attributeSets"))
}

// handleSCIMList is GET /admin/v1/Users with filter, sortBy, sortOrder, startIndex, count,
// attributes, excludedAttributes and attributeSets.
func (s *Server) handleSCIMList(r *http.Request) (reply, error) {
	q := r.URL.Query()
	start, count, e := pageParams(q)
	if e != nil {
		return reply{}, e
	}
	proj, e := projectionFromQuery(q)
	if e != nil {
		return reply{}, e
	}
	query, e := newUsersQuery(optionalParam(q, "filter"), optionalParam(q, "sortBy"), optionalParam(q, "sortOrder"), start, count, proj)
	if e != nil {
		return reply{}, e
	}
	return s.runUsersQuery(r, query)
}

// scimSearchRequest is RFC 7644 §3.4.3's SearchRequest (the OCI SDK's UserSearchRequest).
type scimSearchRequest struct {
	Schemas            []string `json:"schemas"`
	Attributes         []string `json:"attributes"`
	ExcludedAttributes []string `json:"excludedAttributes"`
	AttributeSets      []string `json:"attributeSets"`
	Filter             *string  `json:"filter"`
	SortBy             *string  `json:"sortBy"`
	SortOrder          *string  `json:"sortOrder"`
	StartIndex         *int     `json:"startIndex"`
	Count              *int     `json:"count"`
}

// handleSCIMSearch is POST /admin/v1/Users/.search: the query of a list, in the body.
func (s *Server) handleSCIMSearch(r *http.Request) (reply, error) {
	var req scimSearchRequest
	if e := decodeSCIMBody(r, &req); e != nil {
		return reply{}, e
	}
	if !hasSchema(req.Schemas, scimSearchSchema) {
		return reply{}, errSCIMSchemas(scimSearchSchema)
	}
	proj, e := newProjection(req.Attributes, req.ExcludedAttributes, req.AttributeSets)
	if e != nil {
		return reply{}, e
	}
	start, count := 1, scimDefaultCount
	if req.StartIndex != nil {
		start = *req.StartIndex
	}
	if req.Count != nil {
		count = *req.Count
	}
	query, e := newUsersQuery(req.Filter, req.SortBy, req.SortOrder, start, count, proj)
	if e != nil {
		return reply{}, e
	}
	return s.runUsersQuery(r, query)
}

// runUsersQuery answers a list or search with a ListResponse. itemsPerPage is the page size
// (the count asked for, or the default), as in Oracle's sample answers, not the number of
// resources in this page.
func (s *Server) runUsersQuery(r *http.Request, q usersQuery) (reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var matched []*userState
	for _, u := range s.scimCandidatesLocked(q.filter) {
		if q.filter == nil || q.filter.match(func(p string) []string { return filterable[attrPath(p)](s, u) }) {
			matched = append(matched, u)
		}
	}
	if q.sortBy != "" {
		sortUsers(s, matched, filterable[q.sortBy], q.descending)
	}
	resources := []map[string]any{}
	for i := q.start - 1; i < len(matched) && len(resources) < q.count; i++ {
		resources = append(resources, q.proj.apply(s.scimUserLocked(matched[i], r)))
	}
	return scimOK(http.StatusOK, map[string]any{
		"schemas":      []string{scimListSchema},
		"totalResults": len(matched),
		"Resources":    resources,
		"startIndex":   q.start,
		"itemsPerPage": q.count,
	})
}

// sortUsers orders users by the first value of an attribute, ignoring case (every sortable
// attribute of Oracle's User is caseExact false). Users without a value come last in
// ascending order and first in descending order (RFC 7644 §3.4.2.3); ties keep creation order.
func sortUsers(s *Server, users []*userState, values func(*Server, *userState) []string, descending bool) {
	keys := make(map[*userState]*string, len(users))
	for _, u := range users {
		if v := values(s, u); len(v) > 0 {
			k := strings.ToLower(v[0])
			keys[u] = &k
		}
	}
	sort.SliceStable(users, func(i, j int) bool {
		a, b := keys[users[i]], keys[users[j]]
		switch {
		case a == nil && b == nil:
			return false
		case a == nil:
			return descending
		case b == nil:
			return !descending
		case descending:
			return *a > *b
		}
		return *a < *b
	})
}

func scimOK(status int, body any) (reply, error) {
	return reply{status: status, body: body, contentType: scimContentType}, nil
}

// scimCandidatesLocked narrows a lookup by userName or id (the common "find this user"
// filter) to the index instead of scanning every user; other filters scan.
func (s *Server) scimCandidatesLocked(filter filterNode) []*userState {
	if c, ok := filter.(cmpNode); ok && c.op == "eq" {
		path := attrPath(c.path)
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

// pageParams reads startIndex (default 1) and count (default 50) of a SCIM list.
func pageParams(q url.Values) (int, int, *scimError) {
	start, err := intParam(q.Get("startIndex"), 1)
	if err != nil {
		return 0, 0, errSCIMNotInteger("startIndex")
	}
	count, err := intParam(q.Get("count"), scimDefaultCount)
	if err != nil {
		return 0, 0, errSCIMNotInteger("count")
	}
	return start, count, nil
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

// scimUserByIDLocked finds a user by SCIM id. Oracle's id is caseExact false (SDK user.go),
// so the path and a filter on id both ignore case.
func (s *Server) scimUserByIDLocked(id string) *userState {
	return s.users[strings.ToLower(id)]
}

// handleSCIMGet is GET /admin/v1/Users/{id} with attributes, excludedAttributes and
// attributeSets.
func (s *Server) handleSCIMGet(r *http.Request) (reply, error) {
	proj, e := projectionFromQuery(r.URL.Query())
	if e != nil {
		return reply{}, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.scimUserByIDLocked(r.PathValue("id"))
	if u == nil {
		return reply{}, errSCIMUserNotFound(r.PathValue("id"))
	}
	return scimOK(http.StatusOK, proj.apply(s.scimUserLocked(u, r)))
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

// emailTypes are the values of emails.type Oracle accepts (SDK UserEmailsTypeEnum).
var scimEmailTypes = map[string]bool{"work": true, "home": true, "other": true, "recovery": true}

// handleSCIMCreate is POST /admin/v1/Users; 201 with the new user, shaped by attributes,
// excludedAttributes and attributeSets like a GET.
func (s *Server) handleSCIMCreate(r *http.Request) (reply, error) {
	proj, e := projectionFromQuery(r.URL.Query())
	if e != nil {
		return reply{}, e
	}
	var req scimUserCreate
	if e := decodeSCIMBody(r, &req); e != nil {
		return reply{}, e
	}
	if !hasSchema(req.Schemas, scimUserSchema) {
		return reply{}, errSCIMSchemas(scimUserSchema)
	}
	if strings.TrimSpace(req.UserName) == "" {
		return reply{}, errSCIMMissingAttribute("userName")
	}
	if e := checkText("userName", req.UserName, scimMaxUserName); e != nil {
		return reply{}, e
	}
	if e := checkText("name.givenName", req.Name.GivenName, scimMaxUserName); e != nil {
		return reply{}, e
	}
	if e := checkText("name.familyName", req.Name.FamilyName, scimMaxUserName); e != nil {
		return reply{}, e
	}
	u := User{UserName: req.UserName, GivenName: req.Name.GivenName, FamilyName: req.Name.FamilyName}
	emails := []userEmail{}
	primaries := 0
	for i, em := range req.Emails {
		attr := "emails[" + strconv.Itoa(i) + "]"
		if e := checkEmail(attr+".value", em.Value); e != nil {
			return reply{}, e
		}
		typ := strings.ToLower(em.Type)
		if typ != "" && !scimEmailTypes[typ] {
			return reply{}, errSCIMInvalidValue(attr + ".type " + strconv.Quote(truncate(em.Type, 50)) + " is not one of work, home, other, recovery.")
		}
		if em.Primary {
			primaries++
		}
		emails = append(emails, userEmail{Value: em.Value, Type: typ, Primary: em.Primary})
	}
	// RFC 7643 §2.4: the primary attribute is true for at most one value.
	if primaries > 1 {
		return reply{}, errSCIMInvalidValue("At most one of emails may be primary.")
	}
	for i, em := range emails {
		if em.Primary || (primaries == 0 && i == 0) {
			u.Email = em.Value
		}
	}
	created, err := s.addUser(u, emails)
	switch {
	case errors.Is(err, ErrDuplicateUser):
		return reply{}, errSCIMUserNameTaken(req.UserName)
	case err != nil:
		return reply{}, errSCIMInvalidValue(err.Error())
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	rep, _ := scimOK(http.StatusCreated, proj.apply(s.scimUserLocked(s.users[created.ID], r)))
	rep.location = baseURL(r) + "/admin/v1/Users/" + created.ID
	return rep, nil
}

// checkText refuses control characters and values longer than max characters.
func checkText(attr, v string, max int) *scimError {
	if !utf8.ValidString(v) {
		return errSCIMInvalidValue(attr + " is not valid UTF-8.")
	}
	if n := utf8.RuneCountInString(v); n > max {
		return errSCIMInvalidValue(attr + " is " + strconv.Itoa(n) + " characters long; at most " + strconv.Itoa(max) + " are allowed.")
	}
	if strings.IndexFunc(v, unicode.IsControl) >= 0 {
		return errSCIMInvalidValue(attr + " contains a control character.")
	}
	return nil
}

// checkEmail accepts a bare addr-spec (RFC 5322 §3.4.1), as net/mail parses it.
func checkEmail(attr, v string) *scimError {
	if v == "" {
		return errSCIMMissingAttribute(attr)
	}
	if e := checkText(attr, v, scimMaxEmail); e != nil {
		return e
	}
	a, err := mail.ParseAddress(v)
	if err != nil || a.Name != "" || a.Address != v || !strings.Contains(v, "@") {
		return errSCIMInvalidValue(attr + " " + strconv.Quote(truncate(v, 100)) + " is not a valid e-mail address.")
	}
	return nil
}

func hasSchema(schemas []string, want string) bool {
	for _, s := range schemas {
		if strings.EqualFold(s, want) {
			return true
		}
	}
	return false
}

// errSCIMSchemas is a body whose schemas is missing or lacks the schema of the request.
func errSCIMSchemas(want string) *scimError {
	return errSCIMInvalidValue("schemas must include " + want + ".")
}

// decodeSCIMBody reads a SCIM request body: JSON (application/scim+json or application/json;
// a request without a Content-Type is read as JSON too), at most MaxBodyBytes, one object.
func decodeSCIMBody(r *http.Request, v any) *scimError {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		// The media type before any parameters, read leniently ("application/json;" too).
		mt, _, _ := strings.Cut(ct, ";")
		if mt = strings.ToLower(strings.TrimSpace(mt)); mt != "application/json" && mt != "application/scim+json" {
			return errSCIMUnsupportedMediaType(ct)
		}
	}
	if r.Body == nil {
		return errSCIMEmptyBody()
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return errSCIMInvalidJSON()
	}
	if len(data) > MaxBodyBytes {
		return errSCIMPayloadTooLarge()
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return errSCIMEmptyBody()
	}
	if decodeJSON(data, v) != nil {
		return errSCIMInvalidJSON()
	}
	return nil
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

func formattedName(u *userState) string {
	return strings.TrimSpace(u.GivenName + " " + u.FamilyName)
}

// scimUserLocked renders a user with every attribute the emulator has, returned-request ones
// included; a projection then keeps what the request asked for. The MFA extension is kept
// consistent with /mfa/v1: devices are the user's factors (pending ones as INITIATED), the
// preferred device is E1's preferredFactorId.
func (s *Server) scimUserLocked(u *userState, r *http.Request) map[string]any {
	base := baseURL(r)
	emails := []map[string]any{}
	for _, e := range sortedEmails(u) {
		m := map[string]any{"value": e.Value, "primary": e.Primary}
		if e.Type != "" {
			m["type"] = e.Type
		}
		emails = append(emails, m)
	}
	name := map[string]any{}
	if u.GivenName != "" {
		name["givenName"] = u.GivenName
	}
	if u.FamilyName != "" {
		name["familyName"] = u.FamilyName
	}
	if formatted := formattedName(u); formatted != "" {
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
	bypass := []map[string]any{}
	for _, c := range u.bypassCodes {
		bypass = append(bypass, map[string]any{"value": c.ID, "$ref": base + "/admin/v1/BypassCodes/" + c.ID})
	}
	mfa := map[string]any{
		"mfaStatus":     mfaStatus(u),
		"loginAttempts": u.failedAttempts,
		"devices":       devices,
		"bypassCodes":   bypass,
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
