// Package audit checks an AWS account and Region against AWS's guidance
// "Data protection in Amazon Personalize": the identity that runs it, the
// service roles Personalize resources use, CloudTrail, Amazon Macie, and every
// Personalize resource (its key, its jobs' S3 locations, its name and tags).
// Security Hub and Prowler have no Personalize checks; this package is one.
//
// # Running it
//
// [Run] takes one client per service ([Clients]: the SDK's own clients, built
// from an aws.Config by [NewClients] with the module's transport rules, or
// anything with the same methods) and
// returns a [Result] whose Report is a posture.Report: findings with stable
// IDs (the Finding… constants, and the kms.… and s3.… IDs of packages kms and
// s3guard), severities, resources, remediations and the Security Hub control
// each maps to. Print it with Report.WriteTable, WriteJSON or WriteSARIF;
// the command `personalizeguard audit` does.
//
// # What it checks
//
//   - Identity: the caller is not the root user (STS GetCallerIdentity, read
//     with the module's root-credentials classifier); the root user has MFA
//     (IAM GetAccountSummary).
//   - Service roles (every roleArn of a dataset group, job or metric
//     attribution): the trust policy lets only personalize.amazonaws.com
//     assume the role, and only
//     for this account (aws:SourceAccount / aws:SourceArn, evaluated with the
//     module's IAM policy evaluator, for this account and for another);
//     inline and attached policies allow no S3 or KMS action by wildcard,
//     on no "*" or wildcard bucket or key, on no bucket or key that no
//     Personalize resource of the role uses, and every action Personalize
//     needs on what it does use. [RolePolicy] writes that least-privilege
//     policy.
//   - CloudTrail: a trail logging read and write management events in the
//     Region, multi-Region, with log file validation, encrypted with a KMS
//     key, into a bucket that passes s3guard's encryption, TLS-only,
//     public-access and ACL checks. A trail whose latest delivery to its
//     bucket failed (GetTrailStatus LatestDeliveryError) is a finding and
//     does not count as the Region's logging trail.
//   - Personalize: every dataset group encrypted with a customer managed key
//     that passes package kms's check; the S3 locations of every import,
//     export, batch inference, batch segment and data deletion job, and of
//     every metric attribution's metrics output, valid
//     (s3guard.ParseLocation) and their buckets passing s3guard's check; the
//     names and tags of every resource free of identifying values (package
//     sensitive).
//   - Macie: enabled, and every bucket Personalize imports from covered by
//     automated discovery or an active classification job.
//
// # Failing closed
//
// A read that is refused or fails is a finding (FindingReadDenied or
// FindingReadFailed) naming the permission it needs, never a pass: the
// AWS managed policy SecurityAudit grants every read. A read not answered
// within Options.Timeout (30 s by default) has failed: an endpoint that
// takes the connection and never answers cannot hold the audit. Such findings are
// High, so a Report can pass at Critical while its Critical checks never
// ran: [Result.Unread] counts them, and a caller fails on any (the CLI's
// audit does, whatever -fail-on says). Findings name
// resources and fields, never values: an ARN whose name holds an identifying
// value is shown with that value replaced by its kind.
//
// # Cost
//
// Everything is paginated; at most Options.Concurrency reads are in flight,
// and the SDK's retryer backs off when AWS throttles. Each remote answer is
// read once: a role that 50 dataset groups use is read once, a key once (by
// a kms.Checker), a bucket once (by an s3guard.Checker). BenchmarkAudit
// measures about two calls per dataset group or job.
package audit
