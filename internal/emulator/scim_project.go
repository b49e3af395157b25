package emulator

import (
	"strings"
)

// Which attributes of a SCIM user an answer carries (RFC 7644 §3.4.2.5 and §3.9, RFC 7643 §7
// "returned"), with Oracle's attributeSets parameter. The "returned" characteristic of each
// attribute is Oracle's, as the OCI Go SDK's identitydomains structs record it (user.go,
// extension_mfa_user.go, extension_user_state_user.go).

type returned int

const (
	returnedDefault returned = iota // returned unless attributes or attributeSets narrow the answer
	returnedAlways                  // returned whatever is asked (id, userName)
	returnedRequest                 // returned only when named, or with attributeSets=request/all
	returnedNever                   // never returned
)

// scimAttr is an attribute of the emulated User resource: a core attribute, or an extension
// whose sub-attributes each have their own characteristic.
type scimAttr struct {
	name     string
	returned returned
	sub      []scimAttr // an extension's attributes
}

const scimCoreUserPrefix = scimUserSchema + ":"

// scimUserAttrs is every attribute the emulator renders, with Oracle's "returned":
//   - schemas: RFC 7643 §3 makes it REQUIRED in every representation, so it is always kept;
//   - id, userName: returned always (SDK user.go);
//   - the MFA extension's devices and bypassCodes: returned request (SDK extension_mfa_user.go).
var scimUserAttrs = []scimAttr{
	{name: "schemas", returned: returnedAlways},
	{name: "id", returned: returnedAlways},
	{name: "userName", returned: returnedAlways},
	{name: "name"},
	{name: "emails"},
	{name: "active"},
	{name: "meta"},
	{name: scimMFAExtension, sub: []scimAttr{
		{name: "preferredAuthenticationFactor"},
		{name: "mfaStatus"},
		{name: "loginAttempts"},
		{name: "preferredDevice"},
		{name: "devices", returned: returnedRequest},
		{name: "bypassCodes", returned: returnedRequest},
	}},
	{name: scimUserStateExt, sub: []scimAttr{{name: "locked"}}},
	// Returned on request: Oracle's sample of PATCH /admin/v1/Me that sets the questions
	// answers without them (see secQuestionsLocked).
	{name: scimSecQuestionsExt, sub: []scimAttr{{name: "secQuestions", returned: returnedRequest}}},
	// Rendered for /admin/v1/Me only, as Oracle's Me samples show them (see meResourceLocked).
	{name: "displayName"},
	{name: "idcsCreatedBy"},
	{name: "idcsLastModifiedBy"},
	{name: scimUserExtension, sub: []scimAttr{{name: "creationMechanism"}}},
}

// attributeSets values Oracle accepts (SDK AttributeSetsEnum), case-insensitive.
var scimAttributeSets = map[string]bool{"all": true, "always": true, "default": true, "never": true, "request": true}

// projection says which attributes to return: those named in attributes, minus those in
// excludedAttributes, plus the attributeSets; returned-always ones in every case.
type projection struct {
	named    map[string]bool // normalised names (see attrKey) from attributes
	excluded map[string]bool // from excludedAttributes
	sets     map[string]bool // lower-cased attributeSets
}

// newProjection builds a projection; an attributeSets value Oracle does not know is an error.
func newProjection(attributes, excluded, sets []string) (projection, *scimError) {
	p := projection{}
	for _, a := range attributes {
		if k := attrKey(a); k != "" {
			if p.named == nil {
				p.named = map[string]bool{}
			}
			p.named[k] = true
		}
	}
	for _, a := range excluded {
		if k := attrKey(a); k != "" {
			if p.excluded == nil {
				p.excluded = map[string]bool{}
			}
			p.excluded[k] = true
		}
	}
	for _, s := range sets {
		s = strings.ToLower(strings.TrimSpace(s))
		if s == "" {
			continue
		}
		if !scimAttributeSets[s] {
			return projection{}, errSCIMInvalidAttributeSet(s)
		}
		if p.sets == nil {
			p.sets = map[string]bool{}
		}
		p.sets[s] = true
	}
	return p, nil
}

// attrKey normalises an attribute name to the key of the attribute it selects: the core
// attribute in lower case ("emails.value" and "urn:…:core:2.0:User:emails" select "emails"),
// an extension URN in lower case (the whole extension), or "<urn>:<attr>" in lower case for
// one of an extension's attributes (a sub-attribute after a dot selects that attribute).
func attrKey(name string) string {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		return ""
	}
	n = strings.TrimPrefix(n, strings.ToLower(scimCoreUserPrefix))
	for _, a := range scimUserAttrs {
		if a.sub == nil {
			continue
		}
		urn := strings.ToLower(a.name)
		if n == urn {
			return urn
		}
		if rest, ok := strings.CutPrefix(n, urn+":"); ok {
			if i := strings.IndexByte(rest, '.'); i >= 0 {
				rest = rest[:i]
			}
			return urn + ":" + rest
		}
	}
	if i := strings.IndexByte(n, '.'); i >= 0 {
		n = n[:i]
	}
	return n
}

// include says whether an attribute with characteristic r, selected by key (and by the key of
// its extension, ext, for an extension attribute), is in the answer.
func (p projection) include(key, ext string, r returned) bool {
	switch {
	case r == returnedNever:
		return false
	case r == returnedAlways:
		return true
	case p.excluded[key] || (ext != "" && p.excluded[ext]):
		return false
	case p.named[key] || (ext != "" && p.named[ext]):
		// Naming an extension names all its attributes, returned-request ones included.
		return true
	case p.sets["all"]:
		return true
	case p.sets["default"] && r == returnedDefault, p.sets["request"] && r == returnedRequest:
		return true
	}
	// Without attributes or attributeSets, the answer has the default attributes.
	return len(p.named) == 0 && len(p.sets) == 0 && r == returnedDefault
}

// apply keeps the attributes of the full user the projection selects.
func (p projection) apply(user map[string]any) map[string]any {
	out := make(map[string]any, len(user))
	for _, a := range scimUserAttrs {
		v, ok := user[a.name]
		if !ok {
			continue
		}
		key := strings.ToLower(a.name)
		if a.sub == nil {
			if p.include(key, "", a.returned) {
				out[a.name] = v
			}
			continue
		}
		ext, _ := v.(map[string]any)
		kept := map[string]any{}
		for _, s := range a.sub {
			sv, ok := ext[s.name]
			if ok && p.include(key+":"+strings.ToLower(s.name), key, s.returned) {
				kept[s.name] = sv
			}
		}
		if len(kept) > 0 {
			out[a.name] = kept
		}
	}
	return out
}
