package provider

// Acceptance tests of the self-service mode (issue 19): the same factor resources, with a
// provider block that signs a user in (username + password, or a user's access token), manage
// that user's own factors through /admin/v1/Me and My*. They need the emulator: a user with a
// password, the "selfservice-client" application with the Me role, and the outbox.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

const selfServicePassword = "Self-Service-Passw0rd-1"

// selfServiceNeeds is why these tests skip against a real domain.
const selfServiceNeeds = "a user with a password, an application with the Me role (the emulator's selfservice-client) and the outbox"

// selfServiceUser is a user who signs in with a password, in an emulator of their own.
type selfServiceUser struct {
	env      *testEnv
	host     string // where the provider block points: the emulator, or a wrapper of it
	id, name string
}

// newSelfServiceUser starts an emulator with a user who has a password. backup, when set,
// enrolls that factor for the user first as an administrator would, so that the factor a
// test manages is not the user's only device (which the user may not delete).
func newSelfServiceUser(t *testing.T, backup *client.EnrollRequest) *selfServiceUser {
	t.Helper()
	return addSelfServiceUser(t, newTestEnv(t), backup)
}

// addSelfServiceUser adds such a user, holding adminRoles, to env's emulator.
func addSelfServiceUser(t *testing.T, env *testEnv, backup *client.EnrollRequest, adminRoles ...string) *selfServiceUser {
	t.Helper()
	env.requireEmulator(t, selfServiceNeeds)
	name := "tf-ss-" + randomSuffix(t)
	u, err := env.Emulator.AddUser(emulator.User{UserName: name, Email: name + "@example.com", Password: selfServicePassword, AdminRoles: adminRoles})
	if err != nil {
		t.Fatalf("adding emulator user: %s", err)
	}
	if backup != nil {
		enrollDirect(t, env, u.ID, *backup)
	}
	return &selfServiceUser{env: env, host: env.Host, id: u.ID, name: name}
}

// provider is the self-service provider block: the password grant through the Me-role client.
func (u *selfServiceUser) provider() string {
	return fmt.Sprintf("provider \"idcsmfa\" {\n  host          = %q\n  client_id     = %q\n  client_secret = %q\n"+
		"  username      = %q\n  password      = %q\n}\n", u.host, emulator.DefaultSelfServiceClientID,
		emulator.DefaultSelfServiceClientSecret, u.name, selfServicePassword)
}

// config is the self-service provider, the passcode variables and kind k's resource "test".
func (u *selfServiceUser) config(k passcodeKindCase, extra string) string {
	return k.configWith(u.provider(), u.id, extra)
}

// backupFor is a factor of the other kind, enrolled by an administrator, so that the user
// keeps a device when the test's factor is deleted.
func backupFor(k passcodeKindCase) *client.EnrollRequest {
	if k.method == client.MethodEmail {
		r := smsReq("7700900999", true)
		return &r
	}
	r := emailSkip()
	return &r
}

// token gets an access token from the emulator: an application's (client credentials) or
// the user's (password grant).
func (u *selfServiceUser) token(t *testing.T, form url.Values, clientID, secret string) string {
	return fetchToken(t, u.env.Host, form, clientID, secret)
}

// fetchToken asks host's token endpoint for a token with form, as clientID, the way a
// pipeline would outside the provider.
func fetchToken(t *testing.T, host string, form url.Values, clientID, secret string) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, host+"/oauth2/v1/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(clientID, secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("token request: %s", err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || out.AccessToken == "" {
		t.Fatalf("token answer (HTTP %d): %v", resp.StatusCode, err)
	}
	return out.AccessToken
}

func ssTest(t *testing.T, u *selfServiceUser, checkDestroy resource.TestCheckFunc, steps ...resource.TestStep) {
	t.Helper()
	accTest(t, checkDestroy, steps...)
}

// TestAccSelfService_enrollWithWriteOnlyPasscode: enrollment, the passcode in otp_code_wo,
// an empty plan, import, the user-factors data source by user name, and destroy, for each
// kind. The kinds run together (kindStepsTogether): one user holds a factor of each, and an
// administrator's backup (another SMS number), so that the user keeps a device when both go.
func TestAccSelfService_enrollWithWriteOnlyPasscode(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, backupFor(emailCase))
	env := u.env
	steps, checkDestroy := kindStepsTogether(t, env, func(k passcodeKindCase, _ string) ([]resource.TestStep, resource.TestCheckFunc) {
		addr := k.addr()
		var factorID, otp string
		otpVar := config.Variables{"otp": lazyVariable(func() string { return otp })}
		// A data source per kind: two with one address would make terraform refuse the configuration.
		dsAddr := "data.idcsmfa_user_factors.me_" + strings.ToLower(k.method)
		dataSource := `
data "idcsmfa_user_factors" "me_` + strings.ToLower(k.method) + `" {
  user_name  = "` + u.name + `"
  depends_on = [` + addr + `]
}
`
		return []resource.TestStep{
			{
				Config: u.config(k, ""),
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", emulator.StatusInitiated),
					resource.TestCheckResourceAttr(addr, "methods.#", "1"),
					resource.TestCheckResourceAttr(addr, "methods.0", k.method),
					resource.TestMatchResourceAttr(addr, "id", regexp.MustCompile("^"+u.id+"/[0-9a-f]{32}$")),
					captureAttr(addr, "factor_id", &factorID),
					checkRecordedSecrets(env),
					env.checkNoSecretsInState(),
					checkEmulatorFactor(env, u.id, &factorID, emulator.StatusInitiated),
					checkFactorMessages(env, u.id, &factorID, 1),
				),
			},
			{
				PreConfig:       func() { otp = env.otp(t, u.id, factorID) },
				Config:          u.config(k, otpV1) + dataSource,
				ConfigVariables: otpVar,
				Check: resource.ComposeTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "status", emulator.StatusEnrolled),
					resource.TestCheckNoResourceAttr(addr, "otp_code_wo"),
					resource.TestCheckResourceAttr(dsAddr, "user_id", u.id),
					env.checkNoSecretsInState(&otp),
					checkEmulatorFactor(env, u.id, &factorID, emulator.StatusEnrolled),
					// The data source lists the caller's three devices: the backup and one of each kind.
					resource.TestCheckResourceAttr(dsAddr, "factors.#", "3"),
				),
				// Its post-apply plans (without and with refresh) must be empty.
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: append([]string{"otp_code_wo_version"}, k.importVerifyIgnore...),
			},
		}, env.checkDestroy(k.typeName)
	}, u.id, u.id)
	ssTest(t, u, checkDestroy, steps...)
}

// TestAccSelfService_resendWrongThenRightPasscode: a resend sends a new passcode through the
// initiator; a wrong passcode fails with the SCIM 401 and its detail and keeps the factor
// pending; the right one enrolls it.
func TestAccSelfService_resendWrongThenRightPasscode(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, backupFor(smsCase))
	env, addr := u.env, smsCase.addr()
	var factorID string
	ssTest(t, u, env.checkDestroy(smsCase.typeName),
		resource.TestStep{Config: u.config(smsCase, ""), Check: captureAttr(addr, "factor_id", &factorID)},
		resource.TestStep{
			Config: u.config(smsCase, "  otp_resend_version = 1"),
			Check: resource.ComposeTestCheckFunc(
				checkMessages(env, u.id, 2),
				resource.TestCheckResourceAttr(addr, "status", "ENROLLMENT_INITIATED"),
				env.checkNoSecretsInState(),
			),
		},
		resource.TestStep{
			Config:          u.config(smsCase, "  otp_resend_version = 1\n"+otpV1),
			ConfigVariables: config.Variables{"otp": env.wrongOTP(t, u.id, &factorID)},
			ExpectError: diagRE("Wrong passcode", "HTTP 401 error.ssocommon.auth.invalidPasscode:",
				"ENROLLMENT_INITIATED", "keeps the previous otp_code_wo_version"),
		},
		resource.TestStep{
			Config:          u.config(smsCase, "  otp_resend_version = 1\n"+otpV1),
			ConfigVariables: config.Variables{"otp": env.lazyOTP(t, u.id, &factorID)},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "status", "ENROLLED"),
				resource.TestCheckResourceAttr(addr, "otp_code_wo_version", "1"),
				checkEmulatorFactor(env, u.id, &factorID, emulator.StatusEnrolled),
			),
		},
	)
}

// TestAccSelfService_outOfBandActivation: idcsmfa_factor_activation waits, polling the
// caller's device, while the user finishes the enrollment elsewhere.
func TestAccSelfService_outOfBandActivation(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, backupFor(emailCase))
	env := u.env
	done := make(chan error, 1)
	cfg := u.provider() + emailResource("test", u.id, "") + `
resource "idcsmfa_factor_activation" "test" {
  user_id   = idcsmfa_email_factor.test.user_id
  factor_id = idcsmfa_email_factor.test.factor_id
}
`
	ssTest(t, u, env.checkDestroy(emailCase.typeName), resource.TestStep{
		PreConfig: func() { go completeWhenPolled(t, env, u.id, "GET /admin/v1/MyDevices/{id}", done) },
		Config:    cfg,
		Check: resource.ComposeTestCheckFunc(
			func(*terraform.State) error { return <-done },
			resource.TestCheckResourceAttr("idcsmfa_factor_activation.test", "status", "ENROLLED"),
		),
		// The factor resource learns it on its next refresh, which plans nothing.
		ConfigPlanChecks: resource.ConfigPlanChecks{PostApplyPostRefresh: []plancheck.PlanCheck{
			plancheck.ExpectEmptyPlan(), expectRefreshed{emailAddr, "status", emulator.StatusEnrolled},
		}},
	})
}

// completeWhenPolled plays the user: once the activation has polled the pending factor
// (pollKey in the emulator's stats) a few times, the enrollment is completed out of band.
func completeWhenPolled(t *testing.T, env *testEnv, userID, pollKey string, done chan<- error) {
	deadline := time.Now().Add(2 * time.Minute)
	for time.Now().Before(deadline) && t.Context().Err() == nil {
		time.Sleep(20 * time.Millisecond)
		for _, f := range env.Emulator.Factors(userID) {
			if f.Status != emulator.StatusInitiated || env.Emulator.Stats().Requests[pollKey] < 2 {
				continue
			}
			done <- env.Emulator.CompleteEnrollment(userID, f.ID)
			return
		}
	}
	done <- fmt.Errorf("the activation never polled a pending factor of user %s through %s", userID, pollKey)
}

// TestAccSelfService_invalidPhoneNumber: the SCIM 400 of the enroller, with its detail and
// the hint. The emulator judges numbers by the same rules as the provider's plan-time
// validators, so the answer Oracle documents (API doc section 6) is given by a wrapper for
// one number that passes them, as a real domain does for a number it cannot reach.
func TestAccSelfService_invalidPhoneNumber(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	const refused = "7700900000"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/admin/v1/MyAuthenticationFactorEnroller" {
			body, _ := readAll(r)
			if strings.Contains(string(body), refused) {
				w.Header().Set("Content-Type", "application/scim+json")
				w.WriteHeader(http.StatusBadRequest)
				_, _ = fmt.Fprint(w, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error",`+
					`"urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error"],"detail":"Invalid phone number +44`+refused+`.",`+
					`"status":"400","urn:ietf:params:scim:api:oracle:idcs:extension:messages:Error":`+
					`{"messageId":"error.ssocommon.auth.invalidPhoneNumber"}}`)
				return
			}
		}
		u.env.Emulator.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	u.host = srv.URL
	ssTest(t, u, checkNoFactorsLeft(u.env, u.id),
		resource.TestStep{
			Config: u.provider() + otpVariables + smsResource("test", u.id, "+44", refused, ""),
			ExpectError: diagRE("Could not enroll the SMS factor", "HTTP 400 error.ssocommon.auth.invalidPhoneNumber: Invalid phone number",
				"Check country_code"),
		},
		resource.TestStep{
			PreConfig: func() {
				if fs := u.env.emulatorFactors(u.id); len(fs) != 0 {
					t.Errorf("the refused enrollment left %d factor(s): %+v", len(fs), fs)
				}
			},
			Config:             u.provider() + otpVariables + smsResource("test", u.id, "+44", refused, ""),
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
	)
}

// TestAccSelfService_importAndDrift: a factor an administrator enrolled is imported by the
// user; deleted outside Terraform, it is planned again.
func TestAccSelfService_importAndDrift(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, backupFor(smsCase))
	env := u.env
	factorID := enrollDirect(t, env, u.id, smsCase.enrollRequest)
	cfg := u.config(smsCase, "")
	ssTest(t, u, env.checkDestroy(smsCase.typeName),
		resource.TestStep{
			ResourceName:       smsAddr,
			ImportState:        true,
			ImportStateId:      u.id + "/" + factorID,
			ImportStatePersist: true,
			Config:             cfg,
		},
		stepKeepsEnrolledSMS(cfg, factorID, "+44XXXXXXX456", "7700900456"),
		resource.TestStep{
			PreConfig: func() {
				if err := env.Client.DeleteFactor(t.Context(), u.id, factorID); err != nil {
					t.Fatalf("deleting the factor outside Terraform: %s", err)
				}
			},
			Config:             cfg,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
			ConfigPlanChecks: resource.ConfigPlanChecks{
				PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectResourceAction(smsAddr, plancheck.ResourceActionCreate)},
			},
		},
	)
}

// TestAccSelfService_onlyDeviceRefusal: deleting the user's only device is refused with
// Oracle's message and what to do; once the user has another factor, the delete goes through.
func TestAccSelfService_onlyDeviceRefusal(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	env := u.env
	var factorID string
	ssTest(t, u, checkNoFactorsLeft(env, u.id),
		resource.TestStep{Config: u.config(emailCase, ""), Check: captureAttr(emailAddr, "factor_id", &factorID)},
		resource.TestStep{
			Config:          u.config(emailCase, otpV1),
			ConfigVariables: config.Variables{"otp": env.lazyOTP(t, u.id, &factorID)},
			Check:           checkEmulatorFactor(env, u.id, &factorID, emulator.StatusEnrolled),
		},
		resource.TestStep{
			Config: u.provider(),
			ExpectError: diagRE("Could not delete email factor", "HTTP 400 error.ssocommon.ssoadmin.mfa.cannotDeleteOnlyExistingDevice",
				"At least one device is required", "Enroll another factor first"),
		},
		resource.TestStep{
			// The refused delete kept the factor on the server and in state (the plan is empty).
			PreConfig: func() { runCheck(t, checkEmulatorFactor(env, u.id, &factorID, emulator.StatusEnrolled)) },
			Config:    u.config(emailCase, otpV1),
			PlanOnly:  true,
		},
		resource.TestStep{
			PreConfig: func() { enrollDirect(t, env, u.id, smsReq("7700900999", true)) },
			Config:    u.provider(),
			Check: func(*terraform.State) error {
				for _, f := range env.emulatorFactors(u.id) {
					if f.ID == factorID {
						return fmt.Errorf("factor %s still exists after the delete", factorID)
					}
				}
				// The backup SMS stays: remove it so CheckDestroy sees no factor left.
				for _, f := range env.emulatorFactors(u.id) {
					if err := env.Client.DeleteFactor(t.Context(), u.id, f.ID); err != nil {
						return err
					}
				}
				return nil
			},
		},
	)
}

// TestAccSelfService_refusedAtPlan: what self-service cannot do is refused at plan time,
// naming the attribute; nothing is created. idcsmfa_users and the verification ephemeral
// resource are refused too (they need administrator credentials), and none of the refused
// plans sends a request of the administrator's API (it used to be a 401/403 with role advice).
func TestAccSelfService_refusedAtPlan(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	other := u.env.newUser(t)
	totp := u.provider() + `
resource "idcsmfa_totp_factor" "app" {
  user_id                  = "` + u.id + `"
  shared_secret_wo         = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
  shared_secret_wo_version = 1
}
`
	ssTest(t, u, checkNoFactorsLeft(u.env, u.id, other),
		resource.TestStep{
			Config:      u.provider() + otpVariables + emailResource("test", other, ""),
			PlanOnly:    true,
			ExpectError: diagRE("user_id is not the signed-in user", `The user_id "`+other+`"`, `Set user_id to "`+u.id+`"`),
		},
		resource.TestStep{
			Config:      u.config(emailCase, "  skip_verification = true"),
			PlanOnly:    true,
			ExpectError: diagRE("skip_verification is not possible in self-service mode", "always sends a passcode"),
		},
		resource.TestStep{
			Config:      totp,
			PlanOnly:    true,
			ExpectError: diagRE("TOTP enrollment from a known secret is not possible in self-service mode", "takes no secret"),
		},
		resource.TestStep{
			Config:      u.provider() + "data \"idcsmfa_users\" \"all\" {}\n",
			PlanOnly:    true,
			ExpectError: diagRE(adminOnlyRefusal("idcsmfa_users", "User Administrator")...),
		},
		resource.TestStep{
			Config: u.provider() + fmt.Sprintf(`
ephemeral "idcsmfa_factor_verification" "v" {
  user_id     = %q
  factor_id   = "BypassCode"
  method      = "BYPASSCODE"
  bypass_code = "12345678"
}
`, u.id),
			PlanOnly:    true,
			ExpectError: diagRE(adminOnlyRefusal("idcsmfa_factor_verification", "POST /mfa/v1/requests")...),
		},
	)
	runCheck(t, checkNoAdminRequests(u))
}

// TestAccSelfService_wrongTokenKind: an application's token in self-service mode, and a
// user's token in the administrator's mode, each refused with the grant or role needed.
func TestAccSelfService_wrongTokenKind(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	appToken := u.token(t, url.Values{"grant_type": {"client_credentials"}, "scope": {client.DefaultScope}},
		u.env.ClientID, u.env.ClientSecret)
	userToken := u.token(t, url.Values{"grant_type": {"password"}, "scope": {client.DefaultScope}, "username": {u.name},
		"password": {selfServicePassword}}, emulator.DefaultSelfServiceClientID, emulator.DefaultSelfServiceClientSecret)
	withToken := func(tok, extra string) string {
		return fmt.Sprintf("provider \"idcsmfa\" {\n  host         = %q\n  access_token = %q\n%s}\n", u.host, tok, extra) +
			otpVariables + emailResource("test", u.id, "")
	}
	ssTest(t, u, checkNoFactorsLeft(u.env, u.id),
		resource.TestStep{
			Config:   withToken(appToken, "  self_service = true\n"),
			PlanOnly: true,
			ExpectError: diagRE("Could not read the signed-in user", "HTTP 403", "needs a token issued to a user",
				`"Me" app role`, "remove self_service"),
		},
		resource.TestStep{
			Config:      withToken(userToken, ""),
			ExpectError: diagRE("Could not enroll the email factor", "AUTH-1034", "set self_service = true"),
		},
		resource.TestStep{
			// The same user token in self-service mode works.
			Config: withToken(userToken, "  self_service = true\n"),
			Check:  resource.TestCheckResourceAttr(emailAddr, "status", "ENROLLMENT_INITIATED"),
		},
		resource.TestStep{
			// A pending email factor is not an enrolled device, so destroy may delete it.
			Config: fmt.Sprintf("provider \"idcsmfa\" {\n  host         = %q\n  access_token = %q\n  self_service = true\n}\n", u.host, userToken),
		},
	)
}

// readAll reads a request's body and puts it back for the next handler.
func readAll(r *http.Request) ([]byte, error) {
	if r.Body == nil {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, err
}

// TestAccSelfService_preferredFactor: the user makes one of their factors the preferred one
// (PATCH /admin/v1/Me), as the administrator's /mfa/v1 sees it; refresh reads it back.
func TestAccSelfService_preferredFactor(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, nil)
	env := u.env
	smsID := enrollDirect(t, env, u.id, smsReq("7700900999", true))
	emailID := enrollDirect(t, env, u.id, emailSkip())
	cfg := func(factorID string) string {
		return u.provider() + fmt.Sprintf("\nresource \"idcsmfa_preferred_factor\" \"test\" {\n  user_id   = %q\n  factor_id = %q\n}\n", u.id, factorID)
	}
	ssTest(t, u, nil,
		resource.TestStep{
			Config: cfg(emailID),
			Check: resource.ComposeTestCheckFunc(
				checkServerPreferred(env, u.id, &emailID, client.MethodEmail),
				resource.TestCheckResourceAttr(preferredAddr, "method", client.MethodEmail),
			),
		},
		// Refresh reads it back: this step's post-apply plans (without and with refresh) are
		// empty.
		resource.TestStep{Config: cfg(smsID), Check: checkServerPreferred(env, u.id, &smsID, client.MethodSMS)},
	)
}

// TestAccSelfService_modeSwitchWithPendingFactor: a factor left pending by the
// administrator's mode is finished in self-service mode by changing only the provider block.
// The stored /mfa/v1 requestState means nothing to the self-service validator, so the first
// passcode restarts the enrollment (same device) and says so; the new passcode enrolls it.
func TestAccSelfService_modeSwitchWithPendingFactor(t *testing.T) {
	t.Parallel()
	u := newSelfServiceUser(t, backupFor(smsCase))
	env := u.env
	var factorID string
	ssTest(t, u, env.checkDestroy(smsCase.typeName),
		resource.TestStep{
			Config: smsCase.configWith(env.providerConfig(), u.id, ""),
			Check:  captureAttr(smsAddr, "factor_id", &factorID),
		},
		resource.TestStep{
			Config:          u.config(smsCase, otpV1),
			ConfigVariables: config.Variables{"otp": env.lazyOTP(t, u.id, &factorID)},
			ExpectError:     diagRE("Enrollment restarted: passcode not submitted", "was restarted and a new passcode was sent"),
		},
		resource.TestStep{
			Config:          u.config(smsCase, otpV1),
			ConfigVariables: config.Variables{"otp": env.lazyOTP(t, u.id, &factorID)},
			Check: resource.ComposeTestCheckFunc(
				resource.TestCheckResourceAttrPtr(smsAddr, "factor_id", &factorID),
				resource.TestCheckResourceAttr(smsAddr, "status", "ENROLLED"),
				checkEmulatorFactor(env, u.id, &factorID, emulator.StatusEnrolled),
				checkMessages(env, u.id, 2),
			),
		},
	)
}
