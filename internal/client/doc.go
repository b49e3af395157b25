// Package client is the API client of an Oracle identity domain's MFA API: /mfa/v1 (factor
// enrollment E1-E7 and verification V1-V3), the SCIM Users list and create, and the OAuth
// client-credentials token. It speaks HTTP and JSON only and imports no Terraform package.
//
// Layers, from the caller down:
//
//   - the typed calls (factors.go, enroll.go, verification.go, users.go), which know which
//     calls are idempotent and, for those that are not, how to check the server's state after
//     an ambiguous failure instead of repeating the call blindly (settle.go);
//   - do (client.go): bearer token (auth.go), one renewal after a 401 that says the token
//     expired, decoding of answers and of the three error formats (parse.go, errors.go);
//   - rateLimitWaiter (retry.go): 429s waited out (Retry-After), up to RateLimitRetryMax;
//   - go-retryablehttp, one client per retry policy, chosen by the request's retry field:
//     failures retried up to RetryMax (retry.go);
//   - exchangeTransport (transport.go): User-Agent, whole-body reads, one redacted log entry
//     per attempt (redact.go);
//   - the go-cleanhttp transport.
package client
