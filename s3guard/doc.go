// Package s3guard parses the S3 locations Personalize reads and writes and
// checks the posture of their buckets and objects at the moment a job is
// about to use them.
//
// # Locations
//
// [ParseLocation] is the module's only S3 location parser. It takes s3://
// locations and https URLs of Amazon S3 endpoints and rejects plain http://,
// credentials in the URL, presigned and other query strings, fragments and
// invalid bucket names, each with its own rule in a *[LocationError] whose
// message never repeats the input.
//
//	loc, err := s3guard.ParseLocation("s3://amzn-personalize-data/imports/")
//
// # Bucket posture
//
// [CheckBucket] (and [CheckLocation], which scopes the grant check to one
// location) returns a [posture.Report] for the bucket: Region, default
// encryption, TLS-only bucket policy, public statements, public access block,
// object ownership, and the grant personalize.amazonaws.com needs for the
// [Direction]. The bucket policy is evaluated with package iampolicy, which
// never assumes a condition it cannot evaluate passes. [CheckObjects] checks
// the encryption of an import's source objects; [Checker.CheckListedObjects]
// does so from a listing its caller reads anyway (the guard's import scan),
// so that one check lists a prefix once.
//
// # Listings
//
// [ListObjects] is the module's only lister of an S3 location: the object
// checks, the guard's import scan and the command's scan of s3:// sources
// all read a location through it, with one set of rules. A listing that
// holds a key outside the prefix or a key twice (a proxy or an
// S3-compatible store that ignores Prefix) is refused with a
// *[ListingError]; empty objects (folder and _SUCCESS markers) are not
// data, and an object with bytes is, whatever its key.
//
// A missing configuration is a finding. Only a check that could not run
// returns an error, a *[CheckError] that names the operation and the IAM
// permission it needs, so the caller can fail closed. Finding IDs are the
// Finding… constants; their severities are documented there.
//
// # Caching
//
// A [Checker] caches per guard: one round of S3 calls per bucket for a TTL,
// shared by concurrent callers, with failed checks not cached unless
// [CheckerOptions.FailureBackoff] is set. The bucket policy's grant is
// evaluated once per class of locations (those that pass the same Resource
// patterns and s3:prefix conditions), so a new import prefix costs pattern
// matches rather than a policy evaluation (BenchmarkCheckLocationNewPrefix).
//
// # Generators
//
// [PersonalizeBucketPolicy] writes the bucket policy Personalize needs, with
// confused-deputy conditions and the TLS-only deny; [TLSOnlyStatement] writes
// the deny alone.
package s3guard
