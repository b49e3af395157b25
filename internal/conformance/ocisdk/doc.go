// Package ocisdk is the emulator's second real client: a conformance suite that drives the
// idcs-emulator with Oracle's own generated Go client for the identity domain's SCIM API,
// github.com/oracle/oci-go-sdk/v65/identitydomains (issue #18).
//
// It is a module of its own, so that the provider's module never depends on the OCI SDK; its
// go.mod replaces the provider's module with the checkout it sits in. The tests start the
// emulator in-process (the public package emulator), sign every SDK request with a bearer
// token from the emulator's /oauth2/v1/token instead of an OCI API key (the SDK's own
// HTTPRequestSigner hook), call every identitydomains operation the emulator implements, and
// check that the SDK parses each answer and that the values agree with what /mfa/v1 reports
// for the same user. Operations the emulator does not implement must get its distinct "not
// emulated" answer (501), never a 404.
//
// Run it with `make conformance-sdk` (or `go test ./...` in this folder).
package ocisdk
