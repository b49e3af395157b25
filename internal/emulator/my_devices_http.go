package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
)

const scimDeviceSchema = "urn:ietf:params:scim:schemas:oracle:idcs:Device"

// myDeviceLocked renders a factor as Oracle's Device resource (reference §6.6, PM-REST
// "Search for devices"): status ENROLLED, or INITIATED while pending; one
// authenticationFactors entry per method; phoneNumber is the string "null" for a device
// without a phone, as in Oracle's samples. As in that sample, an enrolled PUSH device's PUSH
// factor is INPROGRESS beside its ENROLLED TOTP, and an EMAIL device's name is the masked
// address ("joeXXXXX@example.com").
func myDeviceLocked(u *userState, f *factor, base string) map[string]any {
	status := "ENROLLED"
	if f.Status != StatusEnrolled {
		status = "INITIATED"
	}
	factors := make([]map[string]any, 0, len(f.Methods))
	for _, m := range f.Methods {
		st := status
		if m == MethodPush && status == "ENROLLED" {
			st = "INPROGRESS"
		}
		factors = append(factors, map[string]any{"type": m, "status": st})
	}
	name := f.DisplayName
	if f.method() == MethodEmail {
		name = maskEmail(name)
	}
	userRef := base + "/admin/v1/Users/" + u.ID
	by := map[string]any{"type": "User", "value": u.ID, "display": meDisplayName(u), "$ref": userRef}
	created, modified := f.created.UTC().Format(scimTimestampLayout), f.created.UTC().Format(scimTimestampLayout)
	if !f.modified.IsZero() {
		modified = f.modified.UTC().Format(scimTimestampLayout)
	}
	d := map[string]any{
		"schemas":               []string{scimDeviceSchema},
		"id":                    f.ID,
		"meta":                  map[string]any{"created": created, "lastModified": modified, "resourceType": "MyDevice", "location": base + "/admin/v1/MyDevices/" + f.ID},
		"displayName":           name,
		"status":                status,
		"phoneNumber":           "null",
		"user":                  map[string]any{"value": u.ID, "$ref": userRef},
		"authenticationFactors": factors,
		"isAccRecEnabled":       false,
		"lastSyncTime":          modified,
		"idcsCreatedBy":         by,
		"idcsLastModifiedBy":    by,
	}
	if f.MobileNumber != "" {
		d["phoneNumber"] = f.MobileNumber
		d["countryCode"] = f.CountryCode
	}
	return d
}

// maskEmail masks an address as Oracle's device sample does: the first three characters of
// the local part, then XXXXX, then the domain.
func maskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok {
		return addr
	}
	if r := []rune(local); len(r) > 3 {
		local = string(r[:3])
	}
	return local + "XXXXX@" + domain
}

// myDevicesLocked is the user's devices in enrollment order: every factor but the security
// questions, pending ones included.
func (u *userState) myDevices() []*factor {
	var out []*factor
	for _, id := range u.factorOrder {
		if f := u.factors[id]; f.ID != SecurityQuestionsFactorID {
			out = append(out, f)
		}
	}
	return out
}

// handleListMyDevices is GET /admin/v1/MyDevices: a SCIM ListResponse of the caller's
// devices, paged by startIndex and count like the Users list. A filter is not emulated (501).
func (s *Server) handleListMyDevices(r *http.Request, userID string) (reply, error) {
	q := r.URL.Query()
	if q.Has("filter") {
		return reply{}, errMyNotEmulated("a filter on GET /admin/v1/MyDevices")
	}
	start, count, e := pageParams(q)
	if e != nil {
		return reply{}, e
	}
	dq, e := newDeviceQuery(q)
	if e != nil {
		return reply{}, e
	}
	start, count = max(start, 1), min(max(count, 0), scimMaxCount)
	return s.asMe(userID, func(u *userState) (reply, error) {
		return myDeviceList(r, u, dq, start, count)
	})
}

// myDeviceByIDLocked is the caller's device with this id; another user's is not found.
func (s *Server) myDeviceByIDLocked(userID, id string) (*userState, *factor, *scimError) {
	u, e := s.myUserLocked(userID)
	if e != nil {
		return nil, nil, e
	}
	f := u.factors[id]
	if f == nil || f.ID == SecurityQuestionsFactorID {
		return nil, nil, errMyDeviceNotFound(id)
	}
	return u, f, nil
}

// handleGetMyDevice is GET /admin/v1/MyDevices/{id}: 200 with the device, 404 for an id
// that is not one of the caller's devices.
func (s *Server) handleGetMyDevice(r *http.Request, userID string) (reply, error) {
	dq, qe := newDeviceQuery(r.URL.Query())
	if qe != nil {
		return reply{}, qe
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, f, e := s.myDeviceByIDLocked(userID, r.PathValue("id"))
	if e != nil {
		return reply{}, e
	}
	return scimOK(http.StatusOK, dq.shape(myDeviceLocked(u, f, baseURL(r))))
}

// handleDeleteMyDevice is DELETE /admin/v1/MyDevices/{id}: 204, the factor is gone from
// /mfa/v1 too. The user's only enrolled device is kept (400 cannotDeleteOnlyExistingDevice,
// PM-REST "Delete a device") unless forceDelete=true. A pending device can always go.
func (s *Server) handleDeleteMyDevice(r *http.Request, userID string) (reply, error) {
	force := strings.EqualFold(r.URL.Query().Get("forceDelete"), "true")
	s.mu.Lock()
	defer s.mu.Unlock()
	u, f, e := s.myDeviceByIDLocked(userID, r.PathValue("id"))
	if e != nil {
		return reply{}, e
	}
	if f.Status == StatusEnrolled && u.enrolledDeviceCount() == 1 && !force {
		return reply{}, errMyOnlyDevice()
	}
	s.deleteFactorLocked(u, f.ID)
	return noContent()
}

// Paths of PATCH /admin/v1/MyDevices/{id} that rename the device (Oracle's sample uses the
// first); compared ignoring case.
var myDeviceNamePaths = []string{strings.ToLower(scimDeviceSchema + ":displayName"), "displayname"}

// handlePatchMyDevice is PATCH /admin/v1/MyDevices/{id} with a PatchOp that replaces
// displayName (PM-REST "Update my device"): the rules of E5's rename apply (authenticator-app
// devices only, trimmed, not blank, at most 255 characters) and /mfa/v1 shows the new name.
// Other paths are Oracle's but not emulated (501). 200 with the device.
func (s *Server) handlePatchMyDevice(r *http.Request, userID string) (reply, error) {
	req, pe := decodeMyPatch(r)
	if pe != nil {
		return reply{}, pe
	}
	var name *string
	for _, op := range req.Operations {
		if o := strings.ToLower(op.Op); (o != "replace" && o != "add") || !contains(myDeviceNamePaths, strings.ToLower(op.Path)) {
			return reply{}, errMyNotEmulated("PATCH /admin/v1/MyDevices/{id} with op " + truncate(op.Op, 20) + " on path " + truncate(op.Path, 200))
		}
		var v string
		if json.Unmarshal(op.Value, &v) != nil {
			return reply{}, errSCIMInvalidValue("displayName must be a string.")
		}
		name = &v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, f, e := s.myDeviceByIDLocked(userID, r.PathValue("id"))
	if e != nil {
		return reply{}, e
	}
	if u.Locked {
		return reply{}, mySCIMError(errLocked())
	}
	if e := s.renameLocked(f, *name); e != nil {
		return reply{}, mySCIMError(e)
	}
	f.modified = s.now()
	u.modified = f.modified
	return scimOK(http.StatusOK, myDeviceLocked(u, f, baseURL(r)))
}

// myRemoverRequest is MyAuthenticationFactorsRemover's body (reference §6.7).
type myRemoverRequest struct {
	mySchemas
	User myRef  `json:"user"`
	Type string `json:"type"`
}

// handleMyRemover is POST /admin/v1/MyAuthenticationFactorsRemover: with no type, MFA or ALL
// it removes every factor of the caller (devices, security questions, bypass codes), as
// /mfa/v1 disableMFA does; KMSI has nothing to remove in the emulator; ACCOUNTRECOVERY is
// not emulated (501). 201 with the request echoed, as Oracle's sample.
func (s *Server) handleMyRemover(r *http.Request, userID string) (reply, error) {
	var req myRemoverRequest
	if e := decodeMyRequest(r, &req, schemaRemover); e != nil {
		return reply{}, e
	}
	if req.User.Value == "" {
		return reply{}, errSCIMMissingAttribute("user.value")
	}
	typ := strings.ToUpper(strings.TrimSpace(req.Type))
	switch typ {
	case "", "MFA", "ALL", "KMSI":
	case "ACCOUNTRECOVERY":
		return reply{}, errMyNotEmulated("MyAuthenticationFactorsRemover with type ACCOUNTRECOVERY")
	default:
		return reply{}, errSCIMInvalidValue("type must be one of KMSI, MFA, ACCOUNTRECOVERY, ALL.")
	}
	return s.asMe(userID, func(u *userState) (reply, error) {
		return myRemoverLocked(r, s, u, req.User.Value, typ)
	})
}

// myRemoverLocked is the remover's work once the request is read.
func myRemoverLocked(r *http.Request, s *Server, u *userState, userRef, typ string) (reply, error) {
	if !strings.EqualFold(userRef, u.ID) {
		return reply{}, errMyInvalidReference("user.value", userRef)
	}
	if typ != "KMSI" {
		_ = s.disableMFALocked(u) // a user with nothing to remove is not an error here
	}
	base := baseURL(r)
	body := map[string]any{
		"schemas": []string{schemaRemover},
		"user":    map[string]any{"value": u.ID, "$ref": base + "/admin/v1/Users/" + u.ID},
		"meta":    map[string]any{"resourceType": "MyAuthenticationFactorsRemover", "location": base + "/admin/v1/MyAuthenticationFactorsRemover"},
	}
	if typ != "" {
		body["type"] = typ
	}
	return scimOK(http.StatusCreated, body)
}

// handleSCIMGetDevice is GET /admin/v1/Devices/{id}, where the $ref of a user's device
// points: the Device resource of §6.6 (meta.created, meta.lastModified included) for an
// application that reads users. A device id is a factor id of some user.
func (s *Server) handleSCIMGetDevice(r *http.Request) (reply, error) {
	id := r.PathValue("id")
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if f := u.factors[id]; f != nil && f.ID != SecurityQuestionsFactorID {
			d := myDeviceLocked(u, f, baseURL(r))
			d["meta"] = map[string]any{"created": stringAt(d, "meta", "created"), "lastModified": stringAt(d, "meta", "lastModified"),
				"resourceType": "Device", "location": baseURL(r) + "/admin/v1/Devices/" + f.ID}
			return scimOK(http.StatusOK, d)
		}
	}
	return reply{}, errSCIMResourceNotFound(id, "Device")
}
