// Package personalizetest runs Amazon Personalize, AWS KMS and Amazon S3
// in-process, behind one HTTPS endpoint on 127.0.0.1, so that tests and
// examples exercise the real aws-sdk-go-v2 clients, serializers and TLS
// without an AWS account or a network.
//
// # Starting a server
//
// In tests, [New] starts a [Server] and closes it when the test ends. The
// AWS SDK's Personalize package is imported as awspersonalize, as everywhere
// in this module's documentation, beside the guard's own personalize
// package:
//
//	import (
//		awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
//
//		"github.com/personalizeguard/personalizeguard/personalize"
//		"github.com/personalizeguard/personalizeguard/personalizetest"
//	)
//
//	s := personalizetest.New(t)
//	bare := awspersonalize.NewFromConfig(s.Config())
//	guarded, err := personalize.New(s.Config(), personalize.Policy{...})
//
// Options are set the SDK's way, by functions:
//
//	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
//
// Programs use [Start] and [Server.Close]. [Server.Config] returns an
// aws.Config with the Region, static test credentials, the endpoint and an
// HTTP client that trusts the server's own certificate authority; S3 clients
// built from it use path-style addressing on their own.
//
// The endpoint routes each request by its X-Amz-Target header:
// "AmazonPersonalize.*" to the Personalize emulator, "TrentService.*" to KMS
// (an in-memory emulator with key states, policies, aliases, grants and
// AES-256-GCM envelopes), anything else to S3 (gofakes3 behind a front handler that
// stores bucket encryption, policies, public access blocks, ownership
// controls and object encryption as AWS does).
//
// # Personalize
//
// The Personalize emulator serves all 71 control-plane operations. It
// validates every request from the official service model (lengths,
// patterns, enums, ranges, required members, nested configurations, list
// elements, map keys and values), then as AWS does beyond the model (RoleArn
// only with KmsKeyArn, KMS keys that exist and are enabled in the local KMS,
// S3 buckets that exist in the local S3), and answers only the error types
// each operation declares, so the SDK types them. Resources move from CREATE PENDING through CREATE IN_PROGRESS to
// ACTIVE over [Options].StatusSteps Describe calls. Import jobs read their CSV
// from the local S3 and fail when it is missing or empty; export jobs write
// a CSV (see [ExportObjectKey]); batch inference jobs write results (see
// [BatchOutputKey]).
//
// # Proving what reached "AWS"
//
// Every request is recorded before any emulator sees it: [Server.Requests]
// returns them with service, operation, body and negotiated TLS version, and
// [Server.Seen] tells whether a value occurs in any of them. A test of a
// client-side safeguard asserts that a rejected value was never Seen.
//
// # Failing on purpose
//
// [Server.Deny] answers an operation with AWS's access-denied error, to test
// that checks which cannot run fail closed. [Options].MinTLSVersion and MaxTLSVersion build an
// endpoint that offers only old TLS versions, to test that clients refuse
// it.
//
// # Seeding
//
// [Server.SeedScene] creates, through the SDK, a KMS key and an encrypted,
// TLS-only, private bucket holding an interactions CSV: the setting AWS's
// data-protection guidance asks for.
//
// # Fidelity
//
// Signatures are not verified; IAM is not emulated (bucket policies, key
// policies and grants are stored and listed, not enforced); the Personalize
// emulator covers the control plane only; the KMS emulator does no asymmetric
// or HMAC cryptography. Each Server has its own KMS keys.
package personalizetest
