// Package fakes3 serves Amazon S3 in-process: gofakes3
// (github.com/johannesboyne/gofakes3, in-memory backend) behind a front
// handler that answers what gofakes3 answers wrongly.
//
// # What the front handler adds
//
//   - Bucket subresources ?encryption, ?policy, ?publicAccessBlock and
//     ?ownershipControls (GET, PUT, DELETE) are stored here and answered with
//     AWS's shapes and not-found codes (ServerSideEncryptionConfigurationNotFoundError,
//     NoSuchBucketPolicy, NoSuchPublicAccessBlockConfiguration,
//     OwnershipControlsNotFoundError; NoSuchBucket when the bucket is absent).
//     gofakes3 would list the bucket, re-create it, or delete it.
//   - ?location answers the LocationConstraint given at CreateBucket (empty
//     for us-east-1), and HeadBucket carries x-amz-bucket-region.
//   - Server-side encryption of objects is tracked here: a PUT (or copy, or
//     multipart upload) takes its x-amz-server-side-encryption headers, or
//     the bucket's default encryption, checks an SSE-KMS key against the
//     local KMS, and HeadObject/GetObject return the headers AWS returns.
//     gofakes3 would keep stale headers across overwrites.
//   - GET and HEAD honour If-Match (412 PreconditionFailed when the object's
//     ETag is not one it names); gofakes3 honours it on PUT only.
//   - aws-chunked request bodies (the SDK's trailing checksums over TLS) are
//     decoded and their checksums verified; gofakes3 would store the framing.
//   - Subresources neither gofakes3 nor this handler implement (?tagging,
//     ?acl, ?lifecycle, ...) answer 501 NotImplemented instead of being
//     mistaken for object or bucket operations.
//
// # Deviations from S3
//
// Requests must be path-style (https://host/bucket/key), which is what the
// SDK's endpoint rules choose for an IP-address endpoint. Signatures are not
// verified and bucket policies and public-access blocks are stored but not
// enforced. New buckets start bare (no default encryption, no public access
// block, no ownership controls), as before AWS's 2023 defaults, so that tests
// can reach every not-found path; objects stored without SSE headers in a
// bucket without default encryption report no encryption.
//
// [Handler] also offers in-process access ([Handler.GetObject],
// [Handler.PutObject], ...) for the Personalize fake's import and export
// jobs, which read and write the same store.
package fakes3
