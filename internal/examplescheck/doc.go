// Package examplescheck holds the tests that keep what users read working as written. It has
// no other code.
//
//   - TestExamplesValidate (always, in make test): every configuration under examples/ passes
//     `terraform validate` against the locally built provider and declares its provider source.
//   - TestExamplesRun (make examples): every example folder runs as it is, against a fresh
//     idcs-emulator seeded with examples/emulator-users.json: init with the locally built
//     provider from a filesystem mirror, apply, a second plan that must be empty, destroy, and
//     nothing left on the emulator.
//   - TestDocSnippets (make snippets): the fenced blocks of README.md, EMULATOR.md and
//     docs/guides marked runnable are run, in order, as one shell script per session, against
//     the emulator (see snippets_test.go for the marker).
//
// The last two need the terraform CLI and build the provider and the emulator; they skip
// unless IDCSMFA_RUN_DOCS=1, which the make targets set, so that `go test ./...` stays quick.
package examplescheck
