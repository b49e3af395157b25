// Package examplescheck holds the test that every example configuration under examples/
// passes `terraform validate` against the locally built provider. It has no other code.
package examplescheck
