package ocisdk

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/emulator"
	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/identitydomains"
)

// userToken is a user token of the password grant, with the emulator's Me application.
func (e *env) userToken(userName, password string) string {
	e.t.Helper()
	form := url.Values{"grant_type": {"password"}, "scope": {"urn:opc:idm:__myscopes__"}, "username": {userName}, "password": {password}}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/oauth2/v1/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(emulator.DefaultSelfServiceClientID, emulator.DefaultSelfServiceClientSecret)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if st := e.send(req, &tok); st != http.StatusOK || tok.AccessToken == "" {
		e.t.Fatalf("password grant for %s: status %d", userName, st)
	}
	return tok.AccessToken
}

// enrollSMS is MyAuthenticationFactorEnroller, which the Go SDK does not have (reference §8):
// plain HTTP with the user's token; it returns deviceId and requestId.
func (e *env) enrollSMS(tok, userID, number string) (string, string) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]any{
		"schemas": []string{"urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorEnroller"},
		"user":    map[string]any{"value": userID}, "authnFactors": []string{"SMS"},
		"countryCode": "+44", "phoneNumber": number,
	})
	req, _ := http.NewRequest(http.MethodPost, e.url+"/admin/v1/MyAuthenticationFactorEnroller", bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/scim+json")
	var m struct {
		DeviceID  string `json:"deviceId"`
		RequestID string `json:"requestId"`
	}
	if st := e.send(req, &m); st != http.StatusCreated || m.DeviceID == "" {
		e.t.Fatalf("enroller: %d %+v", st, m)
	}
	return m.DeviceID, m.RequestID
}

func validator(dev, rid, otp string) identitydomains.CreateMyAuthenticationFactorValidatorRequest {
	return identitydomains.CreateMyAuthenticationFactorValidatorRequest{MyAuthenticationFactorValidator: identitydomains.MyAuthenticationFactorValidator{
		Schemas:    []string{"urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorValidator"},
		AuthFactor: identitydomains.MyAuthenticationFactorValidatorAuthFactorSms,
		Scenario:   identitydomains.MyAuthenticationFactorValidatorScenarioEnrollment,
		DeviceId:   common.String(dev), RequestId: common.String(rid), OtpCode: common.String(otp),
	}}
}

// TestSDKSelfService drives the self-service endpoints with the SDK operations that exist for
// them (GetMe, CreateMyAuthenticationFactorInitiator, CreateMyAuthenticationFactorValidator,
// ListMyDevices, GetMyDevice, PatchMyDevice, DeleteMyDevice, CreateMyAuthenticationFactorsRemover) and a user
// token, and checks that the SDK parses each answer and that /mfa/v1 agrees.
func TestSDKSelfService(t *testing.T) {
	e := newEnv(t)
	tok := e.userToken("alice", emulator.DemoPassword)
	me := e.client(tok)

	got, err := me.GetMe(ctx, identitydomains.GetMeRequest{})
	if err != nil {
		t.Fatalf("GetMe: %v", err)
	}
	mfa := got.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser
	if str(got.Id) != emulator.AliceID || str(got.UserName) != "alice" || got.Meta == nil || str(got.Meta.ResourceType) != "Me" ||
		mfa == nil || mfa.MfaStatus != identitydomains.ExtensionMfaUserMfaStatusUnEnrolled {
		t.Fatalf("GetMe: %+v", got.Me)
	}

	dev, rid := e.enrollSMS(tok, emulator.AliceID, "7700900123")
	init, err := me.CreateMyAuthenticationFactorInitiator(ctx, identitydomains.CreateMyAuthenticationFactorInitiatorRequest{MyAuthenticationFactorInitiator: identitydomains.MyAuthenticationFactorInitiator{
		Schemas:    []string{"urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorInitiator"},
		AuthFactor: identitydomains.MyAuthenticationFactorInitiatorAuthFactorSms,
		DeviceId:   common.String(dev), RequestId: common.String(rid),
	}})
	if err != nil || str(init.DeviceId) != dev || str(init.RequestId) != rid || str(init.UserName) != "alice" || init.AuthFactor != identitydomains.MyAuthenticationFactorInitiatorAuthFactorSms {
		t.Fatalf("CreateMyAuthenticationFactorInitiator: %+v %v", init.MyAuthenticationFactorInitiator, err)
	}
	otp, ok := e.emu.LastOTP(emulator.AliceID, dev)
	if !ok {
		t.Fatal("no passcode sent")
	}
	wrong := "000000"
	if otp == wrong {
		wrong = "111111"
	}
	_, err = me.CreateMyAuthenticationFactorValidator(ctx, validator(dev, rid, wrong))
	if se := serviceError(t, "validator with a wrong passcode", err); se.GetHTTPStatusCode() != http.StatusUnauthorized {
		t.Fatalf("validator with a wrong passcode: %d", se.GetHTTPStatusCode())
	}
	v, err := me.CreateMyAuthenticationFactorValidator(ctx, validator(dev, rid, otp))
	if err != nil || v.Status != identitydomains.MyAuthenticationFactorValidatorStatusSuccess || str(v.DeviceId) != dev || str(v.DisplayName) != "+44XXXXXXX123" {
		t.Fatalf("CreateMyAuthenticationFactorValidator: %+v %v", v.MyAuthenticationFactorValidator, err)
	}

	// The device is the factor /mfa/v1 lists.
	if f := e.factors(emulator.AliceID); len(f.Factors) != 1 || f.Factors[0].FactorID != dev || f.PreferredFactorID != dev {
		t.Fatalf("E1 after self-service enrollment: %+v", f)
	}
	list, err := me.ListMyDevices(ctx, identitydomains.ListMyDevicesRequest{})
	if err != nil || list.TotalResults == nil || *list.TotalResults != 1 || len(list.Resources) != 1 {
		t.Fatalf("ListMyDevices: %+v %v", list.MyDevices, err)
	}
	d := list.Resources[0]
	if str(d.Id) != dev || d.Status != identitydomains.MyDeviceStatusEnrolled || str(d.PhoneNumber) != "7700900123" || str(d.CountryCode) != "+44" ||
		d.User == nil || str(d.User.Value) != emulator.AliceID || len(d.AuthenticationFactors) != 1 || d.AuthenticationFactors[0].Type != identitydomains.MyDeviceAuthenticationFactorsTypeSms {
		t.Fatalf("ListMyDevices resource: %+v", d)
	}
	one, err := me.GetMyDevice(ctx, identitydomains.GetMyDeviceRequest{MyDeviceId: common.String(dev)})
	if err != nil || str(one.Id) != dev || one.Meta == nil || str(one.Meta.ResourceType) != "MyDevice" {
		t.Fatalf("GetMyDevice: %+v %v", one.MyDevice, err)
	}
	got, err = me.GetMe(ctx, identitydomains.GetMeRequest{})
	if err != nil || got.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser.PreferredDevice == nil ||
		str(got.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser.PreferredDevice.Value) != dev {
		t.Fatalf("GetMe after enrollment: %+v %v", got.Me, err)
	}

	// PatchMyDevice renames an authenticator-app device; /mfa/v1 lists the new name.
	totp := e.enroll(emulator.AliceID, map[string]any{"method": "TOTP", "offlineTOTP": true, "skipFactorVerification": true, "sharedSecret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"})["factorId"].(string)
	var name interface{} = "Alice's tablet"
	renamed, err := me.PatchMyDevice(ctx, identitydomains.PatchMyDeviceRequest{MyDeviceId: common.String(totp), PatchOp: identitydomains.PatchOp{
		Schemas: []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		Operations: []identitydomains.Operations{{Op: identitydomains.OperationsOpReplace,
			Path: common.String("urn:ietf:params:scim:schemas:oracle:idcs:Device:displayName"), Value: &name}},
	}})
	if err != nil || str(renamed.Id) != totp || str(renamed.DisplayName) != "Alice's tablet" {
		t.Fatalf("PatchMyDevice: %+v %v", renamed.MyDevice, err)
	}
	if f := e.factors(emulator.AliceID); len(f.Factors) != 2 || f.Factors[1].DisplayName != "Alice's tablet" {
		t.Fatalf("E1 after PatchMyDevice: %+v", f)
	}
	if _, err := me.DeleteMyDevice(ctx, identitydomains.DeleteMyDeviceRequest{MyDeviceId: common.String(totp)}); err != nil {
		t.Fatalf("DeleteMyDevice of one of two devices: %v", err)
	}

	// The only device: refused without forceDelete, deleted with it.
	_, err = me.DeleteMyDevice(ctx, identitydomains.DeleteMyDeviceRequest{MyDeviceId: common.String(dev)})
	if se := serviceError(t, "DeleteMyDevice of the only device", err); se.GetHTTPStatusCode() != http.StatusBadRequest {
		t.Fatalf("DeleteMyDevice of the only device: %d", se.GetHTTPStatusCode())
	}
	if _, err := me.DeleteMyDevice(ctx, identitydomains.DeleteMyDeviceRequest{MyDeviceId: common.String(dev), ForceDelete: common.Bool(true)}); err != nil {
		t.Fatalf("DeleteMyDevice with forceDelete: %v", err)
	}
	if f := e.factors(emulator.AliceID); len(f.Factors) != 0 {
		t.Fatalf("E1 after DeleteMyDevice: %+v", f)
	}

	// The remover: every factor goes, /mfa/v1 sees none.
	e.enroll(emulator.AliceID, map[string]any{"method": "EMAIL", "skipFactorVerification": true})
	rm, err := me.CreateMyAuthenticationFactorsRemover(ctx, identitydomains.CreateMyAuthenticationFactorsRemoverRequest{MyAuthenticationFactorsRemover: identitydomains.MyAuthenticationFactorsRemover{
		Schemas: []string{"urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorsRemover"},
		User:    &identitydomains.MyAuthenticationFactorsRemoverUser{Value: common.String(emulator.AliceID)},
	}})
	if err != nil || rm.User == nil || str(rm.User.Value) != emulator.AliceID {
		t.Fatalf("CreateMyAuthenticationFactorsRemover: %+v %v", rm.MyAuthenticationFactorsRemover, err)
	}
	if f := e.factors(emulator.AliceID); len(f.Factors) != 0 {
		t.Fatalf("E1 after the remover: %+v", f)
	}
}

// TestSDKSelfServiceTokenKinds: an application's token on a self-service operation is 403, a
// user token on the Users administration is 403 too, and no token is 401.
func TestSDKSelfServiceTokenKinds(t *testing.T) {
	e := newEnv(t)
	_, err := e.sdk.GetMe(ctx, identitydomains.GetMeRequest{})
	if se := serviceError(t, "GetMe with an application's token", err); se.GetHTTPStatusCode() != http.StatusForbidden {
		t.Errorf("GetMe with an application's token: %d", se.GetHTTPStatusCode())
	}
	_, err = e.sdk.ListMyDevices(ctx, identitydomains.ListMyDevicesRequest{})
	if se := serviceError(t, "ListMyDevices with an application's token", err); se.GetHTTPStatusCode() != http.StatusForbidden {
		t.Errorf("ListMyDevices with an application's token: %d", se.GetHTTPStatusCode())
	}
	_, err = e.client("").GetMe(ctx, identitydomains.GetMeRequest{})
	if se := serviceError(t, "GetMe without a token", err); se.GetHTTPStatusCode() != http.StatusUnauthorized {
		t.Errorf("GetMe without a token: %d", se.GetHTTPStatusCode())
	}
	user := e.client(e.userToken("bob", emulator.DemoPassword))
	_, err = user.ListUsers(ctx, identitydomains.ListUsersRequest{})
	if se := serviceError(t, "ListUsers with a user token", err); se.GetHTTPStatusCode() != http.StatusForbidden {
		t.Errorf("ListUsers with a user token: %d", se.GetHTTPStatusCode())
	}
}
