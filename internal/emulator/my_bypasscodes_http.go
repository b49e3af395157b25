package emulator

import (
	"fmt"
	"net/http"
	"strings"
)

const scimBypassCodeSchema = "urn:ietf:params:scim:schemas:oracle:idcs:BypassCode"

// The self-service bypass codes (reference §6.7, PM-REST "Bypass Codes Self Service"): the
// caller's unused one-time codes, the same ones /mfa/v1 V1/V2 accept with method BYPASSCODE
// and the SCIM MFA extension lists. A code used once is gone (see EMULATOR.md).

// myBypassCodeLocked renders a code as Oracle's BypassCode resource, the code included (as
// Oracle's samples show it to its owner).
func myBypassCodeLocked(u *userState, c bypassCode, base string) map[string]any {
	ts := c.created.UTC().Format(scimTimestampLayout)
	by := map[string]any{"type": "User", "value": u.ID, "display": meDisplayName(u), "$ref": base + "/admin/v1/Users/" + u.ID}
	return map[string]any{
		"schemas":            []string{scimBypassCodeSchema},
		"id":                 c.ID,
		"code":               c.Code,
		"maxUsageCount":      1,
		"actualUsageCount":   0,
		"user":               map[string]any{"value": u.ID, "$ref": base + "/admin/v1/Users/" + u.ID},
		"meta":               map[string]any{"created": ts, "lastModified": ts, "resourceType": "MyBypassCode", "location": base + "/admin/v1/MyBypassCodes/" + c.ID},
		"idcsCreatedBy":      by,
		"idcsLastModifiedBy": by,
	}
}

// myBypassCodeRequest is POST /admin/v1/MyBypassCodes's body.
type myBypassCodeRequest struct {
	mySchemas
	User myRef `json:"user"`
}

// handleCreateMyBypassCode is POST /admin/v1/MyBypassCodes: 201 with a new code of the caller.
func (s *Server) handleCreateMyBypassCode(r *http.Request, userID string) (reply, error) {
	var req myBypassCodeRequest
	if e := decodeMyRequest(r, &req, scimBypassCodeSchema); e != nil {
		return reply{}, e
	}
	return s.asMe(userID, func(u *userState) (reply, error) {
		if req.User.Value != "" && !strings.EqualFold(req.User.Value, u.ID) {
			return reply{}, errMyInvalidReference("user.value", req.User.Value)
		}
		if u.Locked {
			return reply{}, mySCIMError(errLocked())
		}
		if !s.enabled[MethodBypassCode] {
			return reply{}, mySCIMError(errFactorDisabled(MethodBypassCode))
		}
		if n := s.cfg.BypassCodeMaxActive; len(u.bypassCodes) >= n {
			return reply{}, errMyMaxBypassCodes(n)
		}
		return scimOK(http.StatusCreated, myBypassCodeLocked(u, s.addBypassCodeLocked(u), baseURL(r)))
	})
}

// handleListMyBypassCodes is GET /admin/v1/MyBypassCodes and POST …/.search (a SearchRequest
// without filter): a ListResponse of the caller's unused codes, paged by startIndex and count
// (query or body) like the other lists. A filter is not emulated.
func (s *Server) handleListMyBypassCodes(r *http.Request, userID string) (reply, error) {
	start, count, e := pageParams(r.URL.Query())
	if e != nil {
		return reply{}, e
	}
	if r.Method == http.MethodPost {
		var req scimSearchRequest
		if e := decodeSCIMBody(r, &req); e != nil {
			return reply{}, e
		}
		if !hasSchema(req.Schemas, scimSearchSchema) {
			return reply{}, errSCIMSchemas(scimSearchSchema)
		}
		if req.Filter != nil {
			return reply{}, errMyNotEmulated("a filter on /admin/v1/MyBypassCodes")
		}
		start, count = ptrOr(req.StartIndex, start), ptrOr(req.Count, count)
	} else if r.URL.Query().Has("filter") {
		return reply{}, errMyNotEmulated("a filter on /admin/v1/MyBypassCodes")
	}
	start, count = max(start, 1), min(max(count, 0), scimMaxCount)
	return s.asMe(userID, func(u *userState) (reply, error) {
		resources := []map[string]any{}
		for i := start - 1; i < len(u.bypassCodes) && len(resources) < count; i++ {
			resources = append(resources, myBypassCodeLocked(u, u.bypassCodes[i], baseURL(r)))
		}
		return scimOK(http.StatusOK, map[string]any{
			"schemas": []string{scimListSchema}, "totalResults": len(u.bypassCodes), "Resources": resources,
			"startIndex": start, "itemsPerPage": count,
		})
	})
}

func ptrOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// errMyMaxBypassCodes is one more bypass code than bypassCodeSettings.maxActive allows.
// Oracle's answer is not documented: this one is the emulator's (EMULATOR.md, inferences).
func errMyMaxBypassCodes(n int) *scimError {
	return newSCIMError(http.StatusBadRequest, "invalidValue", fmt.Sprintf("You already have %d unused bypass codes, the most this domain allows (bypassCodeSettings.maxActive); delete one first.", n), msgMaxBypassCodes)
}

// handleMyBypassCode is GET and DELETE /admin/v1/MyBypassCodes/{id}: 200 with the code, or 204;
// 404 for an id that is not one of the caller's unused codes.
func (s *Server) handleMyBypassCode(r *http.Request, userID string) (reply, error) {
	return s.asMe(userID, func(u *userState) (reply, error) {
		id := r.PathValue("id")
		for i, c := range u.bypassCodes {
			if c.ID != id {
				continue
			}
			if r.Method == http.MethodDelete {
				u.bypassCodes = append(u.bypassCodes[:i:i], u.bypassCodes[i+1:]...)
				u.modified = s.now()
				return noContent()
			}
			return scimOK(http.StatusOK, myBypassCodeLocked(u, c, baseURL(r)))
		}
		return reply{}, newSCIMError(http.StatusNotFound, "", "Resource "+truncate(id, 100)+" of type MyBypassCode not found.", msgDeviceNotFound)
	})
}
