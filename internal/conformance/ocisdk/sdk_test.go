package ocisdk

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/emulator"
	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/identitydomains"
)

// getUser is GetUser through the SDK, failing the test on any error (the SDK's parsing
// included).
func (e *env) getUser(id string, attributes string, sets ...identitydomains.AttributeSetsEnum) identitydomains.User {
	e.t.Helper()
	req := identitydomains.GetUserRequest{UserId: common.String(id), AttributeSets: sets}
	if attributes != "" {
		req.Attributes = common.String(attributes)
	}
	resp, err := e.sdk.GetUser(ctx, req)
	if err != nil {
		e.t.Fatalf("GetUser %s attributes=%q sets=%v: %v", id, attributes, sets, err)
	}
	return resp.User
}

func (e *env) createUser(u identitydomains.User) identitydomains.User {
	e.t.Helper()
	resp, err := e.sdk.CreateUser(ctx, identitydomains.CreateUserRequest{User: u})
	if err != nil {
		e.t.Fatalf("CreateUser %s: %v", *u.UserName, err)
	}
	if resp.RawResponse.StatusCode != http.StatusCreated {
		e.t.Fatalf("CreateUser %s: status %d", *u.UserName, resp.RawResponse.StatusCode)
	}
	return resp.User
}

func newUser(name, email string) identitydomains.User {
	return identitydomains.User{
		Schemas:  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
		UserName: common.String(name),
		Name:     &identitydomains.UserName{GivenName: common.String("Given " + name), FamilyName: common.String("Family " + name)},
		Emails:   []identitydomains.UserEmails{{Value: common.String(email), Type: identitydomains.UserEmailsTypeWork, Primary: common.Bool(true)}},
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func num(p *int) int {
	if p == nil {
		return -1
	}
	return *p
}

// checkMatchesMFA compares the SDK's view of a user's MFA extension with /mfa/v1's E1 (enrolled
// factors, preferred factor) and E4 (each pending factor).
func (e *env) checkMatchesMFA(u identitydomains.User) {
	e.t.Helper()
	id := str(u.Id)
	e1 := e.factors(id)
	if e1.UserGUID != id {
		e.t.Errorf("E1 userGUID %s, SCIM id %s", e1.UserGUID, id)
	}
	// E2 resolves the SCIM userName to the same GUID.
	var e2 mfaUser
	if st := e.mfa(http.MethodGet, "/mfa/v1/users?userIdType=USER_NAME&attributes=factors&userId="+url.QueryEscape(str(u.UserName)), nil, &e2); st != 200 || e2.UserGUID != id {
		e.t.Errorf("E2 by userName %s: %d %s, want %s", str(u.UserName), st, e2.UserGUID, id)
	}
	ext := u.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser
	if ext == nil {
		e.t.Fatalf("user %s: no MFA extension", id)
	}
	enrolled := map[string]mfaFactor{}
	bypass := 0
	for _, f := range e1.Factors {
		switch f.FactorID {
		case emulator.BypassCodeFactorID:
			bypass++
		case emulator.SecurityQuestionsFactorID:
		default:
			enrolled[f.FactorID] = f
		}
	}
	wantStatus := identitydomains.ExtensionMfaUserMfaStatusUnEnrolled
	if len(enrolled) > 0 || slices.ContainsFunc(e1.Factors, func(f mfaFactor) bool { return f.FactorID == emulator.SecurityQuestionsFactorID }) {
		wantStatus = identitydomains.ExtensionMfaUserMfaStatusEnrolled
	}
	if ext.MfaStatus != wantStatus {
		e.t.Errorf("mfaStatus %s; E1 lists %d factors, want %s", ext.MfaStatus, len(e1.Factors), wantStatus)
	}
	if string(ext.PreferredAuthenticationFactor) != e1.PreferredMethod {
		e.t.Errorf("preferredAuthenticationFactor %q, E1 preferredMethod %q", ext.PreferredAuthenticationFactor, e1.PreferredMethod)
	}
	gotPreferred := ""
	if ext.PreferredDevice != nil {
		gotPreferred = str(ext.PreferredDevice.Value)
	}
	if wantPreferred := e1.PreferredFactorID; wantPreferred != emulator.SecurityQuestionsFactorID && gotPreferred != wantPreferred {
		e.t.Errorf("preferredDevice %q, E1 preferredFactorId %q", gotPreferred, wantPreferred)
	}
	seen := map[string]bool{}
	for _, d := range ext.Devices {
		fid := str(d.Value)
		seen[fid] = true
		if f, ok := enrolled[fid]; ok {
			if str(d.FactorStatus) != emulator.StatusEnrolled || str(d.Status) != "ENROLLED" || str(d.FactorType) != f.Methods[0] || str(d.Display) != f.DisplayName {
				e.t.Errorf("device %s: status %s/%s type %s display %q; E1 has methods %v display %q", fid, str(d.Status), str(d.FactorStatus), str(d.FactorType), str(d.Display), f.Methods, f.DisplayName)
			}
			continue
		}
		// Not in E1: it must be pending, and E4 must say so.
		var e4 map[string]any
		st := e.mfa(http.MethodGet, "/mfa/v1/users/"+id+"/factors/"+fid, nil, &e4)
		if st != 200 || e4["factorStatus"] != emulator.StatusInitiated || str(d.FactorStatus) != emulator.StatusInitiated || str(d.Status) != "INITIATED" {
			e.t.Errorf("device %s (%s/%s) is not in E1; E4 answered %d %v", fid, str(d.Status), str(d.FactorStatus), st, e4)
		}
	}
	for fid := range enrolled {
		if !seen[fid] {
			e.t.Errorf("E1 factor %s is not among the SCIM devices", fid)
		}
	}
	// E1 shows one BypassCode pseudo factor for any number of unused codes; SCIM lists each.
	if (bypass > 0) != (len(ext.BypassCodes) > 0) {
		e.t.Errorf("bypassCodes %d; E1 lists BypassCode %d times", len(ext.BypassCodes), bypass)
	}
}

// TestSDKGetUserMatchesMFA: GetUser's MFA extension, parsed by the SDK, says what /mfa/v1 says:
// status, preferred factor and device, every enrolled factor and every pending one.
func TestSDKGetUserMatchesMFA(t *testing.T) {
	e := newEnv(t)
	u := e.createUser(newUser("grace", "grace@example.com"))
	id := str(u.Id)
	all := mfaExt + ":devices," + mfaExt + ":bypassCodes," + mfaExt + ":preferredDevice," + mfaExt + ":mfaStatus," + mfaExt + ":preferredAuthenticationFactor"

	e.checkMatchesMFA(e.getUser(id, all))
	e.enroll(id, map[string]any{"method": "EMAIL", "skipFactorVerification": true})
	e.checkMatchesMFA(e.getUser(id, all))
	e.enroll(id, map[string]any{"method": "SMS", "countryCode": "+44", "mobileNumber": "7700900181"}) // pending
	e.enroll(id, map[string]any{"method": "TOTP", "offlineTOTP": true})                               // pending
	e.enroll(id, map[string]any{"method": "SMS", "countryCode": "+1", "mobileNumber": "2025550181", "skipFactorVerification": true})
	e.checkMatchesMFA(e.getUser(id, all))

	// Move the preference with E7, add a bypass code, then check again, also through the
	// whole extension and attributeSets=all.
	sms := e.factors(id).Factors[1]
	if st := e.mfa(http.MethodPatch, "/mfa/v1/users/"+id, map[string]any{"preferredFactorId": sms.FactorID, "preferredMethod": "SMS"}, nil); st != 200 {
		t.Fatalf("E7: %d", st)
	}
	if st := e.send(mustRequest(http.MethodPost, e.url+"/emulator/v1/users/"+id+"/bypasscodes"), nil); st != 200 {
		t.Fatalf("bypass code: %d", st)
	}
	for _, got := range []identitydomains.User{e.getUser(id, all), e.getUser(id, mfaExt), e.getUser(id, "", identitydomains.AttributeSetsAll)} {
		e.checkMatchesMFA(got)
		if got.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser.PreferredAuthenticationFactor != identitydomains.ExtensionMfaUserPreferredAuthenticationFactorSms {
			t.Errorf("preferred factor after E7: %v", got.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser.PreferredAuthenticationFactor)
		}
	}

	// By default devices and bypassCodes (returned: request) are left out, userName and id
	// (returned: always) are always there, and the rest of the default view parses.
	def := e.getUser(id, "")
	if ext := def.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser; ext == nil || ext.Devices != nil || ext.BypassCodes != nil || ext.MfaStatus != identitydomains.ExtensionMfaUserMfaStatusEnrolled {
		t.Errorf("default MFA extension: %+v", ext)
	}
	if str(def.UserName) != "grace" || str(def.Id) != id || def.Meta == nil || str(def.Meta.ResourceType) != "User" || !strings.HasSuffix(str(def.Meta.Location), "/admin/v1/Users/"+id) ||
		def.Name == nil || str(def.Name.GivenName) != "Given grace" || def.Active == nil || !*def.Active {
		t.Errorf("default view: %v", def)
	}
	if def.UrnIetfParamsScimSchemasOracleIdcsExtensionUserStateUser == nil || def.UrnIetfParamsScimSchemasOracleIdcsExtensionUserStateUser.Locked == nil ||
		*def.UrnIetfParamsScimSchemasOracleIdcsExtensionUserStateUser.Locked.On {
		t.Errorf("userState extension: %+v", def.UrnIetfParamsScimSchemasOracleIdcsExtensionUserStateUser)
	}
	only := e.getUser(id, "emails")
	if str(only.UserName) != "grace" || str(only.Id) != id || only.Meta != nil || len(only.Emails) != 1 || only.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser != nil {
		t.Errorf("attributes=emails: %v", only)
	}
	always := e.getUser(id, "", identitydomains.AttributeSetsAlways)
	if str(always.UserName) != "grace" || always.Emails != nil || always.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser != nil {
		t.Errorf("attributeSets=always: %v", always)
	}

	// A lock shows in SCIM and in /mfa/v1 alike.
	if err := e.emu.SetLocked(id, true); err != nil {
		t.Fatal(err)
	}
	var v1 map[string]any
	if st := e.mfa(http.MethodPost, "/mfa/v1/requests", map[string]any{"userId": id, "userIdType": "USER_GUID"}, &v1); st != 401 || !strings.Contains(fmt.Sprint(v1), "AUTH-1010") {
		t.Errorf("V1 of a locked user: %d %v", st, v1)
	}
	if locked := e.getUser(id, "").UrnIetfParamsScimSchemasOracleIdcsExtensionUserStateUser.Locked; !*locked.On {
		t.Errorf("locked.on is false for a locked user")
	}
}

func mustRequest(method, url string) *http.Request {
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		panic(err)
	}
	return req
}

// TestSDKListUsers: ListUsers with filter, paging, attributes, attributeSets and sorting.
func TestSDKListUsers(t *testing.T) {
	e := newEnv(t)
	var names []string
	for i := 0; i < 23; i++ {
		name := fmt.Sprintf("load%02d", (i*7)%23) // created out of order
		names = append(names, name)
		e.createUser(newUser(name, name+"@example.com"))
	}
	sort.Sort(sort.Reverse(sort.StringSlice(names)))

	// Paging through a descending sort visits every user once, in order.
	var got []string
	for start := 1; ; start += 5 {
		resp, err := e.sdk.ListUsers(ctx, identitydomains.ListUsersRequest{
			Filter: common.String(`userName sw "load"`), SortBy: common.String("userName"), SortOrder: identitydomains.ListUsersSortOrderDescending,
			StartIndex: common.Int(start), Count: common.Int(5), Attributes: common.String("emails"),
		})
		if err != nil {
			t.Fatalf("ListUsers start %d: %v", start, err)
		}
		if num(resp.TotalResults) != 23 || num(resp.StartIndex) != start || num(resp.ItemsPerPage) != 5 {
			t.Fatalf("page at %d: total %d, startIndex %d, itemsPerPage %d", start, num(resp.TotalResults), num(resp.StartIndex), num(resp.ItemsPerPage))
		}
		for _, u := range resp.Resources {
			if len(u.Emails) != 1 || str(u.Emails[0].Value) != str(u.UserName)+"@example.com" || u.Emails[0].Type != identitydomains.UserEmailsTypeWork || u.Meta != nil {
				t.Errorf("attributes=emails: %v", u)
			}
			got = append(got, str(u.UserName))
		}
		if len(resp.Resources) < 5 {
			break
		}
	}
	if strings.Join(got, ",") != strings.Join(names, ",") {
		t.Errorf("paged and sorted:\n got %v\nwant %v", got, names)
	}

	// Default page size, the demo users found by a filter on the MFA extension, and the
	// attributeSets request view (id, userName and the returned-request attributes only).
	resp, err := e.sdk.ListUsers(ctx, identitydomains.ListUsersRequest{
		Filter:        common.String(mfaExt + `:mfaStatus eq "UN_ENROLLED" and not (userName sw "load")`),
		AttributeSets: []identitydomains.AttributeSetsEnum{identitydomains.AttributeSetsRequest},
		SortBy:        common.String("name.givenName"), SortOrder: identitydomains.ListUsersSortOrderAscending,
	})
	if err != nil {
		t.Fatal(err)
	}
	if num(resp.TotalResults) != 3 || num(resp.ItemsPerPage) != 50 || len(resp.Resources) != 3 || str(resp.Resources[0].UserName) != "alice" {
		t.Fatalf("demo users: %v", resp.Users)
	}
	for _, u := range resp.Resources {
		if u.Emails != nil || u.Name != nil || u.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser == nil || u.UrnIetfParamsScimSchemasOracleIdcsExtensionMfaUser.Devices == nil {
			t.Errorf("attributeSets=request: %v", u)
		}
		e.checkMatchesMFA(e.getUser(str(u.Id), mfaExt))
	}

	// A filter the emulator cannot take is a 400 the SDK reports as a ServiceError.
	_, err = e.sdk.ListUsers(ctx, identitydomains.ListUsersRequest{Filter: common.String(strings.Repeat("(", 40) + `userName eq "a"` + strings.Repeat(")", 40))})
	if se := serviceError(t, "nested filter", err); se.GetHTTPStatusCode() != 400 {
		t.Errorf("nested filter: %d", se.GetHTTPStatusCode())
	}
}

// TestSDKSearchUsers: SearchUsers (POST /admin/v1/Users/.search) answers what ListUsers does.
func TestSDKSearchUsers(t *testing.T) {
	e := newEnv(t)
	e.createUser(newUser("csaladna", "csaladna@example.com"))
	search, err := e.sdk.SearchUsers(ctx, identitydomains.SearchUsersRequest{UserSearchRequest: identitydomains.UserSearchRequest{
		Schemas:    []string{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"},
		Attributes: []string{"displayName", "userName"},
		Filter:     common.String(`userName sw "c"`),
		SortBy:     common.String("userName"), SortOrder: identitydomains.SortOrderDescending,
		StartIndex: common.Int(1), Count: common.Int(10),
	}})
	if err != nil {
		t.Fatalf("SearchUsers: %v", err)
	}
	list, err := e.sdk.ListUsers(ctx, identitydomains.ListUsersRequest{
		Filter: common.String(`userName sw "c"`), Attributes: common.String("displayName,userName"),
		SortBy: common.String("userName"), SortOrder: identitydomains.ListUsersSortOrderDescending, StartIndex: common.Int(1), Count: common.Int(10),
	})
	if err != nil {
		t.Fatal(err)
	}
	names := func(us []identitydomains.User) string {
		var out []string
		for _, u := range us {
			out = append(out, str(u.UserName)+"/"+str(u.Id))
		}
		return strings.Join(out, ",")
	}
	if num(search.TotalResults) != 2 || num(search.ItemsPerPage) != 10 || names(search.Resources) != names(list.Resources) || !strings.HasPrefix(names(search.Resources), "csaladna/") {
		t.Errorf("search %v, list %v", search.Users, list.Users)
	}
	for _, u := range search.Resources {
		if u.Emails != nil || u.Meta != nil {
			t.Errorf("attributes [displayName userName]: %v", u)
		}
	}
	_, err = e.sdk.SearchUsers(ctx, identitydomains.SearchUsersRequest{UserSearchRequest: identitydomains.UserSearchRequest{
		Schemas: []string{"urn:ietf:params:scim:api:messages:2.0:SearchRequest"}, Filter: common.String("   "),
	}})
	if se := serviceError(t, "blank filter", err); se.GetHTTPStatusCode() != 400 {
		t.Errorf("blank filter: %d", se.GetHTTPStatusCode())
	}
}

// TestSDKCreateAndDeleteUser: Oracle's "Create a user" sample through CreateUser (both of its
// e-mails are kept), then DeleteUser; /mfa/v1 sees the user come and go.
func TestSDKCreateAndDeleteUser(t *testing.T) {
	e := newEnv(t)
	u := newUser("csaladna@example.com", "csaladna@example.com")
	u.Name = &identitydomains.UserName{GivenName: common.String("Clarence"), FamilyName: common.String("Saladna")}
	u.Emails = append(u.Emails, identitydomains.UserEmails{Value: common.String("csaladna@example.com"), Type: identitydomains.UserEmailsTypeRecovery, Primary: common.Bool(false)})
	created := e.createUser(u)
	id := str(created.Id)
	if len(id) != 32 || str(created.UserName) != "csaladna@example.com" || len(created.Emails) != 2 || created.Emails[1].Type != identitydomains.UserEmailsTypeRecovery ||
		created.Name == nil || str(created.Name.Formatted) != "Clarence Saladna" {
		t.Fatalf("created: %v", created)
	}
	if got := e.getUser(strings.ToUpper(id), ""); str(got.Id) != id || len(got.Emails) != 2 {
		t.Errorf("GetUser by the id in capitals: %v", got)
	}
	// /mfa/v1 knows the user at once; EMAIL goes to the primary address.
	if r := e.enroll(id, map[string]any{"method": "EMAIL", "skipFactorVerification": true}); r["displayName"] != "csaladna@example.com" {
		t.Errorf("EMAIL enrollment: %v", r)
	}
	e.checkMatchesMFA(e.getUser(id, mfaExt))

	_, err := e.sdk.CreateUser(ctx, identitydomains.CreateUserRequest{User: u})
	if se := serviceError(t, "duplicate", err); se.GetHTTPStatusCode() != 409 {
		t.Errorf("duplicate userName: %d", se.GetHTTPStatusCode())
	}
	bad := newUser("bad", "not-an-address")
	_, err = e.sdk.CreateUser(ctx, identitydomains.CreateUserRequest{User: bad})
	if se := serviceError(t, "invalid e-mail", err); se.GetHTTPStatusCode() != 400 {
		t.Errorf("invalid e-mail: %d", se.GetHTTPStatusCode())
	}

	del, err := e.sdk.DeleteUser(ctx, identitydomains.DeleteUserRequest{UserId: common.String(id), ForceDelete: common.Bool(true)})
	if err != nil || del.RawResponse.StatusCode != http.StatusNoContent {
		t.Fatalf("DeleteUser: %v %v", del.RawResponse, err)
	}
	_, err = e.sdk.GetUser(ctx, identitydomains.GetUserRequest{UserId: common.String(id)})
	if se := serviceError(t, "GetUser after delete", err); se.GetHTTPStatusCode() != 404 {
		t.Errorf("GetUser after DeleteUser: %d", se.GetHTTPStatusCode())
	}
	_, err = e.sdk.DeleteUser(ctx, identitydomains.DeleteUserRequest{UserId: common.String(id)})
	if se := serviceError(t, "second delete", err); se.GetHTTPStatusCode() != 404 || se.GetCode() == "MethodNotImplemented" {
		t.Errorf("second DeleteUser: %d %s", se.GetHTTPStatusCode(), se.GetCode())
	}
	var e1 map[string]any
	if st := e.mfa(http.MethodGet, "/mfa/v1/users/"+id+"/factors", nil, &e1); st != 404 || !strings.Contains(fmt.Sprint(e1), "AUTH-3018") {
		t.Errorf("E1 of a deleted user: %d %v", st, e1)
	}
}

// TestSDKNotEmulated: identitydomains operations the emulator does not implement get its
// distinct answer: 401 without a token, then 501 with code NotEmulated, never a 404.
func TestSDKNotEmulated(t *testing.T) {
	e := newEnv(t)
	remover := identitydomains.AuthenticationFactorsRemover{
		Schemas: []string{"urn:ietf:params:scim:schemas:oracle:idcs:AuthenticationFactorsRemover"},
		User:    &identitydomains.AuthenticationFactorsRemoverUser{Value: common.String(emulator.AliceID)},
	}
	var alicia interface{} = "Alicia"
	patch := identitydomains.PatchOp{
		Schemas:    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
		Operations: []identitydomains.Operations{{Op: identitydomains.OperationsOpReplace, Path: common.String("name.givenName"), Value: &alicia}},
	}
	ops := map[string]func(c identitydomains.IdentityDomainsClient) error{
		"PatchUser": func(c identitydomains.IdentityDomainsClient) error {
			_, err := c.PatchUser(ctx, identitydomains.PatchUserRequest{UserId: common.String(emulator.AliceID), PatchOp: patch})
			return err
		},
		"PutUser": func(c identitydomains.IdentityDomainsClient) error {
			_, err := c.PutUser(ctx, identitydomains.PutUserRequest{UserId: common.String(emulator.AliceID), User: newUser("alice", "alice@example.com")})
			return err
		},
		"PutMe": func(c identitydomains.IdentityDomainsClient) error {
			_, err := c.PutMe(ctx, identitydomains.PutMeRequest{Me: identitydomains.Me{Schemas: []string{"urn:ietf:params:scim:schemas:core:2.0:User"}, UserName: common.String("alice")}})
			return err
		},
		"ListMyApiKeys": func(c identitydomains.IdentityDomainsClient) error {
			_, err := c.ListMyApiKeys(ctx, identitydomains.ListMyApiKeysRequest{})
			return err
		},
		"CreateAuthenticationFactorsRemover": func(c identitydomains.IdentityDomainsClient) error {
			_, err := c.CreateAuthenticationFactorsRemover(ctx, identitydomains.CreateAuthenticationFactorsRemoverRequest{AuthenticationFactorsRemover: remover})
			return err
		},
		"ListGroups": func(c identitydomains.IdentityDomainsClient) error {
			_, err := c.ListGroups(ctx, identitydomains.ListGroupsRequest{})
			return err
		},
		"PatchSecurityQuestionSetting": func(c identitydomains.IdentityDomainsClient) error {
			_, err := c.PatchSecurityQuestionSetting(ctx, identitydomains.PatchSecurityQuestionSettingRequest{SecurityQuestionSettingId: common.String("SecurityQuestionSettings"), PatchOp: patch})
			return err
		},
		"ListMyTrustedUserAgents": func(c identitydomains.IdentityDomainsClient) error {
			_, err := c.ListMyTrustedUserAgents(ctx, identitydomains.ListMyTrustedUserAgentsRequest{})
			return err
		},
	}
	anonymous := e.client("")
	for name, op := range ops {
		se := serviceError(t, name+" without a token", op(anonymous))
		if se.GetHTTPStatusCode() != 401 {
			t.Errorf("%s without a token: %d %s", name, se.GetHTTPStatusCode(), se.GetMessage())
		}
		se = serviceError(t, name, op(e.sdk))
		if se.GetHTTPStatusCode() != http.StatusNotImplemented || se.GetCode() != "MethodNotImplemented" || !strings.Contains(se.GetMessage(), "does not emulate") {
			t.Errorf("%s: %d %s %q, want 501 MethodNotImplemented", name, se.GetHTTPStatusCode(), se.GetCode(), se.GetMessage())
		}
	}
	// The SDK's default retry policy retries every 5xx but OCI's 501 MethodNotImplemented: a
	// "not emulated" call is sent once.
	e.emu.ResetStats()
	policy := common.DefaultRetryPolicy()
	_, err := e.sdk.ListMyTrustedUserAgents(ctx, identitydomains.ListMyTrustedUserAgentsRequest{RequestMetadata: common.RequestMetadata{RetryPolicy: &policy}})
	if se := serviceError(t, "ListMyTrustedUserAgents with the default retry policy", err); se.GetHTTPStatusCode() != 501 {
		t.Errorf("ListMyTrustedUserAgents with the default retry policy: %d", se.GetHTTPStatusCode())
	}
	if n := e.emu.Stats().Requests["GET /admin/v1/"]; n != 1 {
		t.Errorf("ListMyTrustedUserAgents with the default retry policy was sent %d times (stats %v), want once", n, e.emu.Stats().Requests)
	}
	// The user the PATCH and PUT named is unchanged.
	if u := e.getUser(emulator.AliceID, ""); str(u.Name.GivenName) != "Alice" {
		t.Errorf("alice after PatchUser/PutUser: %v", u.Name)
	}
	// Every emulated operation answers 401 without a token too.
	_, err = anonymous.ListUsers(ctx, identitydomains.ListUsersRequest{})
	if se := serviceError(t, "ListUsers without a token", err); se.GetHTTPStatusCode() != 401 {
		t.Errorf("ListUsers without a token: %d", se.GetHTTPStatusCode())
	}
}
