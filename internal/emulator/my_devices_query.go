package emulator

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// The query parameters of GET /admin/v1/MyDevices[/{id}] (OCI Go SDK ListMyDevicesRequest,
// GetMyDeviceRequest): attributes and attributeSets shape each device as for Users (the
// Device schema's only returned=always attribute is id; schemas is always there), sortBy and
// sortOrder order the list; an attribute or order the emulator does not sort on is 400, as on
// Users.

// myDeviceSortKeys are the sortBy values of MyDevices, lower case, and each device's value.
var myDeviceSortKeys = map[string]func(d map[string]any) string{
	"id":                func(d map[string]any) string { return stringAt(d, "id") },
	"displayname":       func(d map[string]any) string { return stringAt(d, "displayName") },
	"status":            func(d map[string]any) string { return stringAt(d, "status") },
	"meta.created":      func(d map[string]any) string { return stringAt(d, "meta", "created") },
	"meta.lastmodified": func(d map[string]any) string { return stringAt(d, "meta", "lastModified") },
}

// stringAt is the string at path in a device's JSON-shaped map, "" where it has none.
func stringAt(d map[string]any, path ...string) string {
	for _, k := range path[:len(path)-1] {
		next, ok := d[k].(map[string]any)
		if !ok {
			return ""
		}
		d = next
	}
	s, _ := d[path[len(path)-1]].(string)
	return s
}

// deviceQuery is what a MyDevices request asks for besides paging.
type deviceQuery struct {
	attrs      []string // attributes; empty: the default set
	alwaysOnly bool     // attributeSets without all/default/request: the always set only
	sortKey    func(map[string]any) string
	descending bool
}

func newDeviceQuery(q url.Values) (deviceQuery, *scimError) {
	var dq deviceQuery
	dq.attrs = queryValues(q, "attributes")
	if sets := queryValues(q, "attributeSets"); len(sets) > 0 {
		dq.alwaysOnly = true
		for _, set := range sets {
			switch strings.ToLower(set) {
			case "all", "default", "request":
				dq.alwaysOnly = false
			case "always", "never":
			default:
				return dq, errSCIMInvalidAttributeSet(set)
			}
		}
	}
	if by := strings.TrimSpace(q.Get("sortBy")); by != "" {
		dq.sortKey = myDeviceSortKeys[strings.ToLower(strings.TrimPrefix(by, scimDeviceSchema+":"))]
		if dq.sortKey == nil {
			return dq, errSCIMInvalidValue("sortBy " + strconv.Quote(truncate(by, maxEchoed)) + " is not an attribute the emulator sorts devices on (id, displayName, status, meta.created, meta.lastModified).")
		}
	}
	switch order := q.Get("sortOrder"); strings.ToLower(strings.TrimSpace(order)) {
	case "", "ascending":
	case "descending":
		dq.descending = true
	default:
		return dq, errSCIMInvalidValue("sortOrder " + strconv.Quote(truncate(order, maxEchoed)) + " is not ascending or descending.")
	}
	return dq, nil
}

// shape applies attributes and attributeSets to one device.
func (dq deviceQuery) shape(d map[string]any) map[string]any {
	if dq.alwaysOnly && len(dq.attrs) == 0 {
		return map[string]any{"schemas": d["schemas"], "id": d["id"]}
	}
	if len(dq.attrs) == 0 {
		return d
	}
	out := projectSettings(d, dq.attrs)
	if !containsFold(dq.attrs, "meta") {
		delete(out, "meta") // meta is returned=default on Device: only when asked for here
	}
	return out
}

// sort orders rendered devices by the sortBy attribute (stable: enrollment order breaks ties).
func (dq deviceQuery) sort(devices []map[string]any) {
	if dq.sortKey == nil {
		return
	}
	sort.SliceStable(devices, func(i, j int) bool {
		a, b := dq.sortKey(devices[i]), dq.sortKey(devices[j])
		if dq.descending {
			return a > b
		}
		return a < b
	})
}

func containsFold(list []string, v string) bool {
	for _, x := range list {
		if strings.EqualFold(x, v) {
			return true
		}
	}
	return false
}

// myDeviceList is one page of the user's devices, sorted and shaped, as a ListResponse.
func myDeviceList(r *http.Request, u *userState, dq deviceQuery, start, count int) (reply, error) {
	all := []map[string]any{}
	for _, f := range u.myDevices() {
		all = append(all, myDeviceLocked(u, f, baseURL(r)))
	}
	dq.sort(all)
	resources := []map[string]any{}
	for i := start - 1; i < len(all) && len(resources) < count; i++ {
		resources = append(resources, dq.shape(all[i]))
	}
	return scimOK(http.StatusOK, map[string]any{
		"schemas":      []string{scimListSchema},
		"totalResults": len(all),
		"Resources":    resources,
		"startIndex":   start,
		"itemsPerPage": count,
	})
}
