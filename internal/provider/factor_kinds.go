package provider

import (
	"strings"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// factorKind names one kind of factor the provider manages, for schemas and messages. The
// factorKinds registry is the only place these names are written.
type factorKind struct {
	method   string // the /mfa/v1 method: client.MethodSMS, ...
	typeName string // the Terraform resource type
	label    string // in sentences: "SMS", "email", "TOTP"
	article  string // "a" or "an", before label
}

var (
	smsKind   = factorKind{method: client.MethodSMS, typeName: "idcsmfa_sms_factor", label: "SMS", article: "an"}
	emailKind = factorKind{method: client.MethodEmail, typeName: "idcsmfa_email_factor", label: "email", article: "an"}
	totpKind  = factorKind{method: client.MethodTOTP, typeName: "idcsmfa_totp_factor", label: "TOTP", article: "a"}
)

// factorKinds lists every kind of factor a resource manages.
var factorKinds = []factorKind{smsKind, emailKind, totpKind}

// typeSuffix is the resource type after the provider's "idcsmfa_".
func (k factorKind) typeSuffix() string { return strings.TrimPrefix(k.typeName, "idcsmfa_") }

// aLabel is the label with its article: "an SMS", "an email".
func (k factorKind) aLabel() string { return k.article + " " + k.label }

// resourceTypesByMethod says which resource type manages which method, for messages that
// send the user to the right one: "idcsmfa_sms_factor for SMS, idcsmfa_email_factor for EMAIL".
func resourceTypesByMethod() string {
	parts := make([]string, 0, len(factorKinds))
	for _, k := range factorKinds {
		parts = append(parts, k.typeName+" for "+k.method)
	}
	return strings.Join(parts, ", ")
}
