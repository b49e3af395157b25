// SCIM Users queries: GET /admin/v1/Users and POST /admin/v1/Users/.search, their filter,
// sort and paging.

package emulator

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
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
