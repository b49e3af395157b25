// SCIM Users creation: POST /admin/v1/Users and the checks of what it accepts.

package emulator

import (
	"errors"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

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
