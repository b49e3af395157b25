package provider

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/echoprovider"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/emulator"
)

// verificationFactories serve the provider and the echo provider, which copies chosen
// results of the ephemeral resource into state where the test can check them.
var verificationFactories = map[string]func() (tfprotov6.ProviderServer, error){
	"idcsmfa": providerserver.NewProtocol6WithError(New("test")()),
	"echo":    echoprovider.NewProviderServer(),
}

// testKeyPair is a trusted client's key pair as PEM text.
type testKeyPair struct {
	keyPEM, certPEM string
	cert            *x509.Certificate
}

// newTestKeyPair makes a throwaway RSA key and self-signed certificate.
func newTestKeyPair(t *testing.T) testKeyPair {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	der := selfSigned(t, key, &key.PublicKey)
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return testKeyPair{
		keyPEM:  string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})),
		certPEM: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		cert:    cert,
	}
}

func selfSigned(t *testing.T, signer any, pub any) []byte {
	t.Helper()
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "idcsmfa acceptance test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// verificationConfig opens the ephemeral resource with the given arguments and echoes its
// non-secret results into echo.v.
func verificationConfig(env *testEnv, args string) string {
	return verificationConfigNamed(env, "v", args)
}

// verificationConfigNamed is verificationConfig with another name for the echo resource:
// a step that verifies another factor echoes into a new resource, since an echo resource
// keeps what it echoed when created.
func verificationConfigNamed(env *testEnv, echo, args string) string {
	return env.providerConfig() + fmt.Sprintf(`
variable "secret" {
  type      = string
  default   = null
  sensitive = true
}

variable "key_pem" {
  type      = string
  default   = null
  sensitive = true
}

variable "cert_pem" {
  type    = string
  default = null
}

ephemeral "idcsmfa_factor_verification" "v" {
%s
}

provider "echo" {
  data = {
    verified     = ephemeral.idcsmfa_factor_verification.v.verified
    user_id      = ephemeral.idcsmfa_factor_verification.v.user_id
    factor_id    = ephemeral.idcsmfa_factor_verification.v.factor_id
    method       = ephemeral.idcsmfa_factor_verification.v.method
    display_name = ephemeral.idcsmfa_factor_verification.v.display_name
  }
}

resource "echo" %q {}
`, args, echo)
}

func expectVerified(userID, factorID *string, method string) []statecheck.StateCheck {
	return expectVerifiedIn("v", userID, factorID, method)
}

func expectVerifiedIn(echo string, userID, factorID *string, method string) []statecheck.StateCheck {
	addr := "echo." + echo
	return []statecheck.StateCheck{
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("data").AtMapKey("verified"), knownvalue.Bool(true)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("data").AtMapKey("method"), knownvalue.StringExact(method)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("data").AtMapKey("user_id"), pointerValue(userID)),
		statecheck.ExpectKnownValue(addr, tfjsonpath.New("data").AtMapKey("factor_id"), pointerValue(factorID)),
	}
}

// pointerValue checks a string known only once earlier steps ran.
func pointerValue(p *string) knownvalue.Check { return laterString{p} }

type laterString struct{ p *string }

func (l laterString) CheckValue(v any) error {
	s, ok := v.(string)
	if !ok || s != *l.p {
		return fmt.Errorf("value %v, want %q", v, *l.p)
	}
	return nil
}

func (l laterString) String() string { return *l.p }

func enrollTOTP(t *testing.T, env *testEnv, userID, secret string) string {
	t.Helper()
	code, err := client.TOTPCode(secret, time.Now(), client.TOTPParams{})
	if err != nil {
		t.Fatal(err)
	}
	req, err := client.OfflineTOTPEnrollRequest(secret, code)
	if err != nil {
		t.Fatal(err)
	}
	return enrollDirect(t, env, userID, req)
}

// answersSent checks how many answers (V2) the service received.
func answersSent(env *testEnv, want int) error {
	if got := env.Emulator.Stats().Requests["PATCH /mfa/v1/requests/{requestId}"]; got != want {
		return fmt.Errorf("%d answers (PATCH /mfa/v1/requests/{requestId}) reached the service, want %d: %v", got, want, env.Emulator.Stats().Requests)
	}
	return nil
}

func TestAccFactorVerification_totpByIDAndPreferredByName(t *testing.T) {
	t.Parallel()
	env, userID := newEnvAndUser(t)
	factorID := enrollTOTP(t, env, userID, testTOTPSecret)
	if err := env.Client.SetPreferredFactor(context.Background(), userID, factorID, client.MethodTOTP); err != nil {
		t.Fatal(err)
	}
	userName := userNameOf(t, env, userID)

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: verificationFactories,
		TerraformVersionChecks:   skipBelow1_11,
		Steps: []resource.TestStep{
			{
				// A backup factor named by id and method, the user by id.
				Config: verificationConfig(env, fmt.Sprintf(
					"  user_id = %q\n  factor_id = %q\n  method = \"TOTP\"\n  totp_secret = var.secret", userID, factorID)),
				ConfigVariables:   config.Variables{"secret": config.StringVariable(testTOTPSecret)},
				ConfigStateChecks: expectVerified(&userID, &factorID, "TOTP"),
			},
			{
				// The preferred factor, the user by name: the same user and factor come back.
				Config:            verificationConfigNamed(env, "by_name", fmt.Sprintf("  user_name = %q\n  totp_secret = var.secret", userName)),
				ConfigVariables:   config.Variables{"secret": config.StringVariable(testTOTPSecret)},
				ConfigStateChecks: expectVerifiedIn("by_name", &userID, &factorID, "TOTP"),
			},
		},
	})
}

func userNameOf(t *testing.T, env *testEnv, userID string) string {
	t.Helper()
	page, err := env.Client.ListUsers(context.Background(), client.ListUsersRequest{Filter: fmt.Sprintf("id eq %q", userID)})
	if err != nil || len(page.Resources) != 1 {
		t.Fatalf("looking up user %s: %v %+v", userID, err, page)
	}
	return page.Resources[0].UserName
}

// TestAccFactorVerification_encryptedPasscode verifies SMS and email factors through the
// passcode the service returns encrypted for the trusted client: nothing reaches the outbox.
// An untrusted certificate stops before answering, with the explanation.
func TestAccFactorVerification_encryptedPasscode(t *testing.T) {
	t.Parallel()
	trusted, untrusted := newTestKeyPair(t), newTestKeyPair(t)
	env, userID := newEmulatorUser(t, "a trusted client certificate registered in the emulated domain", func(c *emulator.Config) { c.TrustedCerts = []*x509.Certificate{trusted.cert} })
	smsID := enrollDirect(t, env, userID, smsReq("7700900555", true))
	emailID := enrollDirect(t, env, userID, emailSkip())
	keys := func(k testKeyPair) config.Variables {
		return config.Variables{"key_pem": config.StringVariable(k.keyPEM), "cert_pem": config.StringVariable(k.certPEM)}
	}
	args := func(factorID, method string) string {
		return fmt.Sprintf("  user_id = %q\n  factor_id = %q\n  method = %q\n  private_key_pem = var.key_pem\n  certificate_pem = var.cert_pem",
			userID, factorID, method)
	}
	outboxEmpty := func(*terraform.State) error {
		if m := env.Emulator.Messages(userID); len(m) != 0 {
			return fmt.Errorf("the encrypted path sent %d messages to the user", len(m))
		}
		return nil
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: verificationFactories,
		TerraformVersionChecks:   skipBelow1_11,
		Steps: []resource.TestStep{
			{
				Config: verificationConfig(env, args(smsID, "SMS")), ConfigVariables: keys(trusted),
				ConfigStateChecks: expectVerified(&userID, &smsID, "SMS"),
				Check:             outboxEmpty,
			},
			{
				Config: verificationConfigNamed(env, "email", args(emailID, "EMAIL")), ConfigVariables: keys(trusted),
				ConfigStateChecks: expectVerifiedIn("email", &userID, &emailID, "EMAIL"),
				Check:             outboxEmpty,
			},
			{
				PreConfig:       func() { env.Emulator.ResetStats() },
				Config:          verificationConfigNamed(env, "untrusted", args(smsID, "SMS")),
				ConfigVariables: keys(untrusted),
				ExpectError: diagRE("not registered as a trusted client certificate", "passcode may have been sent",
					"Nothing was submitted", "Trusted Client Certificate"),
			},
			{
				// Nothing was answered after the refusal.
				PreConfig: func() {
					if err := answersSent(env, 0); err != nil {
						t.Fatal(err)
					}
				},
				Config: verificationConfig(env, args(smsID, "SMS")), ConfigVariables: keys(trusted),
				ConfigStateChecks: expectVerified(&userID, &smsID, "SMS"),
			},
		},
	})
}

func TestAccFactorVerification_bypassCodeQuestionsAndPush(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	env.requireEmulator(t, "bypass codes and PUSH approval are played by the emulator")
	ctx := context.Background()
	userID := env.newUser(t)
	bypass, err := env.Emulator.AddBypassCode(userID)
	if err != nil {
		t.Fatal(err)
	}
	answers := []client.SecurityAnswer{
		{ID: "FirstCar", Answer: "ford pinto"}, {ID: "FavoriteBook", Answer: "dune rising"},
		{ID: "FirstPet", Answer: "rex the dog"}, {ID: "FavoriteFood", Answer: "dal makhani"},
	}
	if _, err := env.Client.Enroll(ctx, userID, client.EnrollRequest{Method: client.MethodSecurityQuestions}); err != nil {
		t.Fatal(err)
	}
	if err := env.Client.SetSecurityQuestions(ctx, userID, answers); err != nil {
		t.Fatal(err)
	}
	push, err := env.Client.Enroll(ctx, userID, client.EnrollRequest{Method: client.MethodPush})
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Emulator.CompleteEnrollment(userID, push.FactorID); err != nil {
		t.Fatal(err)
	}
	questionsID, pushID := securityQuestionsFactorID, push.FactorID

	// A bypass code is used up by one verification, and Terraform opens an ephemeral resource
	// in every plan and again in every apply: verified by one `terraform plan`, the smoke-check
	// pattern of the guide.
	cli := newCLIRun(t)
	cli.writeProviderConfig(env.providerConfig() + fmt.Sprintf(`
variable "bypass_code" {
  type      = string
  sensitive = true
  ephemeral = true
}

ephemeral "idcsmfa_factor_verification" "bypass" {
  user_id     = %q
  factor_id   = "BypassCode"
  method      = "BYPASSCODE"
  bypass_code = var.bypass_code
}
`, userID))
	cli.mustRun(0, []string{"TF_VAR_bypass_code=" + bypass}, "plan", "-input=false", "-no-color")
	if _, err := env.Client.Verify(ctx, client.VerifyRequest{UserID: userID, FactorID: "BypassCode",
		Method: client.MethodBypassCode, BypassCode: bypass}); !errors.Is(err, client.ErrInvalidPasscode) && !errors.Is(err, client.ErrNotFound) {
		// Used up: refused, or (the user's last code) no bypass-code factor left at all.
		t.Fatalf("after the plan, the bypass code gave %v, want it used up", err)
	}

	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: verificationFactories,
		TerraformVersionChecks:   skipBelow1_11,
		Steps: []resource.TestStep{
			{
				Config: verificationConfigNamed(env, "questions", fmt.Sprintf(`  user_id = %q
  factor_id = "SecurityQuestions"
  method = "SECURITY_QUESTIONS"
  security_answers = {
    FirstCar = "ford pinto"
    FavoriteBook = "dune rising"
    FirstPet = "rex the dog"
    FavoriteFood = "dal makhani"
  }`, userID)),
				ConfigStateChecks: expectVerifiedIn("questions", &userID, &questionsID, "SECURITY_QUESTIONS"),
			},
			{
				// PUSH waits for the user: a goroutine plays the user and approves.
				PreConfig: func() { approvePushes(t, env, userID) },
				Config: verificationConfigNamed(env, "push", fmt.Sprintf(
					"  user_id = %q\n  factor_id = %q\n  method = \"PUSH\"\n  timeouts = { open = \"1m\" }", userID, pushID)),
				ConfigStateChecks: expectVerifiedIn("push", &userID, &pushID, "PUSH"),
			},
		},
	})
}

// approvePushes approves the user's PUSH verifications as they arrive, until the test ends.
func approvePushes(t *testing.T, env *testEnv, userID string) {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go func() {
		for ctx.Err() == nil {
			for _, id := range env.Emulator.PendingPushRequests(userID) {
				_ = env.Emulator.ApproveRequest(id)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}()
}

// TestAccFactorVerification_whatDoesNotVerify: a wrong answer fails with the service's code,
// says how it counts, and is sent once; a locked and an unknown user give clear errors.
func TestAccFactorVerification_whatDoesNotVerify(t *testing.T) {
	t.Parallel()
	env, userID := newEmulatorUser(t, "locking a user")
	factorID := enrollTOTP(t, env, userID, testTOTPSecret)
	totp := func(user string) string {
		return verificationConfig(env, fmt.Sprintf(
			"  user_id = %q\n  factor_id = %q\n  method = \"TOTP\"\n  totp_secret = var.secret", user, factorID))
	}
	secret := config.Variables{"secret": config.StringVariable(testTOTPSecret)}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: verificationFactories,
		TerraformVersionChecks:   skipBelow1_11,
		Steps: []resource.TestStep{
			{
				PreConfig:       func() { env.Emulator.ResetStats() },
				Config:          totp(userID),
				ConfigVariables: config.Variables{"secret": config.StringVariable(testTOTPSecretOther)},
				ExpectError:     diagRE("Factor verification failed", "AUTH-1105", "Check that totp_secret is this factor's secret", "counts each wrong answer towards locking the user"),
			},
			{
				PreConfig: func() {
					if err := answersSent(env, 1); err != nil {
						t.Fatal(err)
					}
					if err := env.Emulator.SetLocked(userID, true); err != nil {
						t.Fatal(err)
					}
				},
				Config: totp(userID), ConfigVariables: secret,
				// The verification has no otp_resend_version: its hint says to verify again once
				// unlocked (issue 25, item 5).
				ExpectError: diagRE("Factor verification failed", "AUTH-1010", "An administrator unlocks the user",
					"then verify again (open the ephemeral resource"),
			},
			{Config: totp("0000000000000000000000000000dead"), ConfigVariables: secret,
				ExpectError: diagRE("Factor verification failed", "AUTH-3018", "Check user_id")},
		},
	})
}

func TestAccFactorVerification_badInputAtPlanTime(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t)
	pair := newTestKeyPair(t)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecCert := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: selfSigned(t, ecKey, &ecKey.PublicKey)}))
	const user = "  user_id = \"7b3d902ab05b4214bae6b2924ca6be21\"\n  factor_id = \"88178d80636a428393a5674ba46dc867\"\n"
	steps := []resource.TestStep{
		{Config: verificationConfig(env, user+`  method = "TOTP"`), ExpectError: diagRE("Missing answer for TOTP", "totp_secret")},
		{Config: verificationConfig(env, user+`  method = "SMS"`), ExpectError: diagRE("Missing answer for SMS", "private_key_pem", "certificate_pem")},
		{Config: verificationConfig(env, user+`  method = "BYPASSCODE"`), ExpectError: diagRE("Missing answer for BYPASSCODE", "bypass_code")},
		{
			Config:          verificationConfig(env, user+"  method = \"SMS\"\n  private_key_pem = var.key_pem\n  certificate_pem = var.cert_pem"),
			ConfigVariables: config.Variables{"key_pem": config.StringVariable("not a key"), "cert_pem": config.StringVariable(pair.certPEM)},
			ExpectError:     diagRE("Invalid trusted client key pair", "private key is not an unencrypted PEM RSA private key"),
		},
		{
			Config:          verificationConfig(env, user+"  method = \"SMS\"\n  private_key_pem = var.key_pem\n  certificate_pem = var.cert_pem"),
			ConfigVariables: config.Variables{"key_pem": config.StringVariable(pair.keyPEM), "cert_pem": config.StringVariable(ecCert)},
			ExpectError:     diagRE("Invalid trusted client key pair", "not an RSA key"),
		},
		{
			Config:          verificationConfig(env, user+"  method = \"SMS\"\n  private_key_pem = var.key_pem\n  certificate_pem = var.cert_pem"),
			ConfigVariables: config.Variables{"key_pem": config.StringVariable(newTestKeyPair(t).keyPEM), "cert_pem": config.StringVariable(pair.certPEM)},
			ExpectError:     diagRE("Invalid trusted client key pair", "does not belong to the certificate"),
		},
		{
			Config:      verificationConfig(env, "  user_name = \"alice\"\n  user_id = \"7b3d902ab05b4214bae6b2924ca6be21\""),
			ExpectError: diagRE("user_id", "user_name"),
		},
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: verificationFactories,
		TerraformVersionChecks:   skipBelow1_11,
		Steps:                    steps,
	})
}
