package emulator

import (
	"encoding/json"
	"net/http"
	"strings"
)

// Self-service SCIM (reference §6): /admin/v1/Me and the My* endpoints act for the user a
// user token (password grant) was issued to. They share the one state of the domain with
// /mfa/v1: a device is a factor, and its id is the factorId.

const (
	scimUserExtension   = "urn:ietf:params:scim:schemas:oracle:idcs:extension:user:User"
	scimPatchOpSchema   = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	mePreferredFactor   = scimMFAExtension + ":preferredAuthenticationFactor"
	mePreferredDevice   = scimMFAExtension + ":preferredDevice"
	emulatorAppID       = "e0a1a7012345678900000000000000ee"
	emulatorAppName     = "idcs-emulator"
	meCreationMechanism = "api"
)

// myHandler is a self-service handler: userID is the user the request's token acts for.
type myHandler func(r *http.Request, userID string) (reply, error)

// withUserToken authenticates a self-service call: a missing, unknown or expired token is
// SCIM's 401; an application's token (client credentials) is 403, since there is no "me".
func (s *Server) withUserToken(h myHandler) handler {
	return func(r *http.Request) (reply, error) {
		t := s.bearer(r)
		if t == nil {
			return reply{}, errSCIMInvalidToken()
		}
		if !t.isUser() {
			return reply{}, errMyClientToken()
		}
		return h(r, t.userID)
	}
}

// myUserLocked is the token's user; a user deleted since the token was issued makes the
// token invalid (401).
func (s *Server) myUserLocked(userID string) (*userState, *scimError) {
	u := s.users[userID]
	if u == nil {
		return nil, errSCIMInvalidToken()
	}
	return u, nil
}

// asMe runs fn with the domain locked and the token's user (see myUserLocked).
func (s *Server) asMe(userID string, fn func(u *userState) (reply, error)) (reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, e := s.myUserLocked(userID)
	if e != nil {
		return reply{}, e
	}
	return fn(u)
}

// mySchemas is the schemas attribute every self-service request body carries.
type mySchemas struct {
	Schemas []string `json:"schemas"`
}

func (m *mySchemas) schemaList() []string { return m.Schemas }

// decodeMyRequest reads a self-service request body into req, whose schemas must name
// schema (or its "My" form, see hasMySchema).
func decodeMyRequest(r *http.Request, req interface{ schemaList() []string }, schema string) *scimError {
	if e := decodeSCIMBody(r, req); e != nil {
		return e
	}
	if !hasMySchema(req.schemaList(), schema) {
		return errSCIMSchemas(schema)
	}
	return nil
}

// decodeMyPatch decodes the PatchOp body of a self-service PATCH: a SCIM 400 for a body that
// is not one, or that has no Operations.
func decodeMyPatch(r *http.Request) (patchOp, *scimError) {
	var req patchOp
	if e := decodeMyRequest(r, &req, scimPatchOpSchema); e != nil {
		return req, e
	}
	if len(req.Operations) == 0 {
		return req, errSCIMMissingAttribute("Operations")
	}
	return req, nil
}

// handleGetMe is GET /admin/v1/Me: the caller's SCIM user with the MFA extension, shaped by
// attributes, excludedAttributes and attributeSets like GET /admin/v1/Users/{id}.
func (s *Server) handleGetMe(r *http.Request, userID string) (reply, error) {
	proj, e := projectionFromQuery(r.URL.Query())
	if e != nil {
		return reply{}, e
	}
	return s.asMe(userID, func(u *userState) (reply, error) {
		return scimOK(http.StatusOK, proj.apply(s.meResourceLocked(u, r)))
	})
}

// meResourceLocked is the user as /admin/v1/Me shows it: the SCIM user, with the resource
// type "Me", the Me location and the attributes Oracle's Me samples carry besides.
func (s *Server) meResourceLocked(u *userState, r *http.Request) map[string]any {
	base := baseURL(r)
	me := s.scimUserLocked(u, r)
	meta, _ := me["meta"].(map[string]any)
	meta["resourceType"] = "Me"
	meta["location"] = base + "/admin/v1/Me/" + u.ID
	emails, _ := me["emails"].([]map[string]any)
	for _, e := range emails {
		e["verified"] = false // the emulator verifies no address
		e["secondary"] = false
	}
	me["displayName"] = meDisplayName(u)
	app := map[string]any{"type": "App", "value": emulatorAppID, "display": emulatorAppName, "$ref": base + "/admin/v1/Apps/" + emulatorAppID}
	me["idcsCreatedBy"] = app
	me["idcsLastModifiedBy"] = app
	me[scimUserExtension] = map[string]any{"creationMechanism": meCreationMechanism}
	schemas := []string{scimUserSchema, scimUserExtension, scimUserStateExt, scimMFAExtension}
	if _, ok := me[scimSecQuestionsExt]; ok {
		schemas = append(schemas, scimSecQuestionsExt)
	}
	me["schemas"] = schemas
	return me
}

// patchOp is a SCIM PatchOp (RFC 7644 §3.5.2).
type patchOp struct {
	mySchemas
	Operations []struct {
		Op    string          `json:"op"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	} `json:"Operations"`
}

// handlePatchMe is PATCH /admin/v1/Me with the PatchOp paths of reference §6.2 and §6.3:
// replace (or add) preferredAuthenticationFactor and preferredDevice {"value": deviceId} of
// the MFA extension, and the security questions (secQuestions, see setMySecurityQuestionsLocked;
// remove of the whole attribute removes them, see removeMySecurityQuestionsLocked). Other paths are Oracle's but not emulated (501). 200 with the Me resource, shaped
// by attributes, excludedAttributes and attributeSets like GET.
func (s *Server) handlePatchMe(r *http.Request, userID string) (reply, error) {
	proj, e := projectionFromQuery(r.URL.Query())
	if e != nil {
		return reply{}, e
	}
	req, pe := decodeMyPatch(r)
	if pe != nil {
		return reply{}, pe
	}
	var method, device string
	var questions []meSecQuestion
	removeQuestions := false
	for _, op := range req.Operations {
		o := strings.ToLower(op.Op)
		if o == "remove" && strings.EqualFold(op.Path, meSecQuestionsPath) {
			removeQuestions = true
			continue
		}
		if o != "replace" && o != "add" {
			return reply{}, errMyNotEmulated("PATCH /admin/v1/Me with op " + truncate(op.Op, 20))
		}
		switch strings.ToLower(op.Path) {
		case strings.ToLower(mePreferredFactor):
			if json.Unmarshal(op.Value, &method) != nil || method == "" {
				return reply{}, errSCIMInvalidValue(mePreferredFactor + " must be a method name such as SMS, EMAIL or TOTP.")
			}
		case strings.ToLower(mePreferredDevice):
			var ref struct {
				Value string `json:"value"`
			}
			if json.Unmarshal(op.Value, &ref) != nil || ref.Value == "" {
				return reply{}, errSCIMInvalidValue(mePreferredDevice + " must be {\"value\": \"<device id>\"}.")
			}
			device = ref.Value
		case strings.ToLower(meSecQuestionsPath):
			if json.Unmarshal(op.Value, &questions) != nil || len(questions) == 0 {
				return reply{}, errSCIMInvalidValue(meSecQuestionsPath + " must be a list of {\"value\": question id, \"answer\", \"hintText\"}.")
			}
		default:
			return reply{}, errMyNotEmulated("PATCH /admin/v1/Me with path " + truncate(op.Path, 200))
		}
	}
	return s.asMe(userID, func(u *userState) (reply, error) {
		if removeQuestions {
			if e := s.removeMySecurityQuestionsLocked(u); e != nil {
				return reply{}, e
			}
		}
		if questions != nil {
			if e := s.setMySecurityQuestionsLocked(u, questions); e != nil {
				return reply{}, e
			}
		}
		if method != "" || device != "" {
			if e := s.setMyPreferredLocked(u, strings.ToUpper(method), device); e != nil {
				return reply{}, e
			}
		}
		return scimOK(http.StatusOK, proj.apply(s.meResourceLocked(u, r)))
	})
}

// setMyPreferredLocked sets the preferred device and method. With a device only, its first
// method; with a method only, the current preferred device when it has that method, else the
// oldest enrolled device that has it. The rules of E7 (setPreferredLocked) apply then.
func (s *Server) setMyPreferredLocked(u *userState, method, device string) *scimError {
	if u.Locked {
		return mySCIMError(errLocked())
	}
	if device != "" {
		f := u.factors[device]
		if f == nil || f.ID == SecurityQuestionsFactorID {
			return errMyInvalidReference(mePreferredDevice, device)
		}
		if method == "" {
			method = f.method()
		}
	} else {
		device = u.deviceWithMethod(method)
		if device == "" {
			return errSCIMInvalidValue("No enrolled device of the user has the method " + truncate(method, 50) + ".")
		}
	}
	if e := s.setPreferredLocked(u, device, method); e != nil {
		return mySCIMError(e)
	}
	return nil
}

// deviceWithMethod is the preferred factor when it has method, else the oldest enrolled
// factor that has it, else "".
func (u *userState) deviceWithMethod(method string) string {
	if f := u.factors[u.preferredID]; f != nil && f.hasMethod(method) {
		return f.ID
	}
	for _, id := range u.factorOrder {
		if f := u.factors[id]; f.Status == StatusEnrolled && f.hasMethod(method) {
			return f.ID
		}
	}
	return ""
}

// meDisplayName is the user's display name: the formatted name, or the userName.
func meDisplayName(u *userState) string {
	if n := formattedName(u); n != "" {
		return n
	}
	return u.UserName
}
