package ocisdk

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/idcsmfa/terraform-provider-idcsmfa/emulator"
	"github.com/oracle/oci-go-sdk/v65/common"
	"github.com/oracle/oci-go-sdk/v65/identitydomains"
)

const mfaExt = "urn:ietf:params:scim:schemas:oracle:idcs:extension:mfa:User"

// bearerSigner is the SDK's HTTPRequestSigner hook used as an identity domain's OAuth client
// uses it: it puts a bearer token on the request instead of an OCI API-key signature.
type bearerSigner struct{ token string }

func (b bearerSigner) Sign(r *http.Request) error {
	if b.token != "" {
		r.Header.Set("Authorization", "Bearer "+b.token)
	}
	return nil
}

// offlineConfig is a common.ConfigurationProvider for a client that never signs with an API
// key: the SDK's constructor insists on a well-formed configuration, so it gets a throwaway
// RSA key that signs nothing (bearerSigner replaces the signer built from it).
type offlineConfig struct{ key *rsa.PrivateKey }

var (
	configOnce sync.Once
	config     offlineConfig
)

func (c offlineConfig) PrivateRSAKey() (*rsa.PrivateKey, error) { return c.key, nil }
func (offlineConfig) KeyID() (string, error) {
	return "ocid1.tenancy.oc1..emulator/ocid1.user.oc1..emulator/00:00", nil
}
func (offlineConfig) TenancyOCID() (string, error)    { return "ocid1.tenancy.oc1..emulator", nil }
func (offlineConfig) UserOCID() (string, error)       { return "ocid1.user.oc1..emulator", nil }
func (offlineConfig) KeyFingerprint() (string, error) { return "00:00", nil }
func (offlineConfig) Region() (string, error)         { return "us-ashburn-1", nil }
func (offlineConfig) AuthType() (common.AuthConfig, error) {
	return common.AuthConfig{AuthType: common.UserPrincipal}, nil
}

// env is an emulator served over HTTP, an OAuth token of its default application (MFA Client
// and User Administrator) and an SDK client pointed at it.
type env struct {
	t     *testing.T
	emu   *emulator.Server
	url   string
	token string
	sdk   identitydomains.IdentityDomainsClient
}

func newEnv(t *testing.T) *env {
	t.Helper()
	emu := emulator.New(emulator.Config{Seed: 18})
	ts := httptest.NewServer(emu)
	t.Cleanup(ts.Close)
	e := &env{t: t, emu: emu, url: ts.URL}
	e.token = e.fetchToken(emulator.DefaultClientID, emulator.DefaultClientSecret)
	e.sdk = e.client(e.token)
	return e
}

// client builds an identitydomains client the way a new user would (the SDK's constructor
// with a configuration provider and the domain's URL), then sets its signer to the bearer
// token ("" sends no Authorization header).
func (e *env) client(token string) identitydomains.IdentityDomainsClient {
	e.t.Helper()
	configOnce.Do(func() {
		key, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		config = offlineConfig{key: key}
	})
	c, err := identitydomains.NewIdentityDomainsClientWithConfigurationProvider(config, e.url)
	if err != nil {
		e.t.Fatalf("NewIdentityDomainsClientWithConfigurationProvider: %v", err)
	}
	c.Signer = bearerSigner{token: token}
	return c
}

func (e *env) fetchToken(id, secret string) string {
	e.t.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"urn:opc:idm:__myscopes__"}}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/oauth2/v1/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(id, secret)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if st := e.send(req, &tok); st != http.StatusOK || tok.AccessToken == "" {
		e.t.Fatalf("token: status %d", st)
	}
	return tok.AccessToken
}

func (e *env) send(req *http.Request, out any) int {
	e.t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", req.Method, req.URL.Path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %d %s: %v", req.Method, req.URL.Path, resp.StatusCode, raw, err)
		}
	}
	return resp.StatusCode
}

// mfa calls /mfa/v1 (which the OCI SDK does not cover) with plain HTTP and the same token.
func (e *env) mfa(method, path string, body any, out any) int {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.url+path, rd)
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Content-Type", "application/json")
	return e.send(req, out)
}

// mfaFactor is one factor of E1's answer.
type mfaFactor struct {
	FactorID    string   `json:"factorId"`
	Methods     []string `json:"methods"`
	DisplayName string   `json:"displayName"`
}

// mfaUser is E1's (and E2's) answer.
type mfaUser struct {
	UserGUID          string      `json:"userGUID"`
	PreferredFactorID string      `json:"preferredFactorId"`
	PreferredMethod   string      `json:"preferredMethod"`
	Factors           []mfaFactor `json:"factors"`
}

func (e *env) factors(userID string) mfaUser {
	e.t.Helper()
	var m mfaUser
	if st := e.mfa(http.MethodGet, "/mfa/v1/users/"+userID+"/factors", nil, &m); st != http.StatusOK {
		e.t.Fatalf("E1 for %s: %d", userID, st)
	}
	return m
}

func (e *env) enroll(userID string, body map[string]any) map[string]any {
	e.t.Helper()
	var m map[string]any
	if st := e.mfa(http.MethodPost, "/mfa/v1/users/"+userID+"/factors", body, &m); st != http.StatusOK {
		e.t.Fatalf("E3 %v: %d %v", body, st, m)
	}
	return m
}

// serviceError returns the SDK's ServiceError, failing the test when err is something else.
func serviceError(t *testing.T, what string, err error) common.ServiceError {
	t.Helper()
	var se common.ServiceError
	if err == nil || !errors.As(err, &se) {
		t.Fatalf("%s: error %v, want a ServiceError", what, err)
	}
	return se
}

var ctx = context.Background()
