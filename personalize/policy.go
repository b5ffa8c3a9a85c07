package personalize

import (
	"crypto/tls"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/personalizeguard/personalizeguard/internal/auditlog"
	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/s3guard"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// Policy configures the guard. The zero value has every safeguard on: TLS 1.2
// or later over https only, sensitive values refused in every free-form field,
// AWS's own field constraints enforced, S3 locations parsed strictly and their
// buckets' posture checked before Personalize is asked to use them, the data
// of every import scanned for identifying values, and no dataset group
// created without a customer managed key. Set KMSKeyARN and
// RoleARN to have that key injected and checked; with the zero value, each
// CreateDatasetGroup must name its key and role itself.
//
// Fields named Insecure… switch a safeguard off. Each says what is lost.
type Policy struct {
	// KMSKeyARN is the customer managed key (a key ARN, not an alias) that
	// encrypts dataset groups and S3 data. It is injected wherever the API
	// takes a key and the caller left it empty: CreateDatasetGroup and the
	// seven S3DataConfig places of batch, export and metric jobs. Before the
	// first request that uses it, the key's readiness is checked (state,
	// Region, rotation, key policy grants for Personalize and RoleARN).
	KMSKeyARN string

	// RoleARN is the IAM role Personalize assumes to use the key. It is
	// injected into CreateDatasetGroup alongside the key and required when
	// KMSKeyARN is set.
	RoleARN string

	// AllowedKMSKeyARNs are further keys a caller may name explicitly in a
	// request. When KMSKeyARN or this list is set, a key outside them is
	// refused; when neither is, a caller may name any key ARN, which is
	// still checked for readiness.
	AllowedKMSKeyARNs []string

	// MinTLSVersion is the lowest TLS version the client negotiates: 0 means
	// tls.VersionTLS12; tls.VersionTLS13 is allowed; anything below 1.2 is a
	// configuration error.
	MinTLSVersion uint16

	// Logger receives one audit event per call. Nil means slog.Default(),
	// as it is at each call: the audit is a safeguard, on unless
	// InsecureNoAuditLog turns it off.
	Logger *slog.Logger

	// Detector judges free-form values. Nil means sensitive.Default() with
	// the AWS account IDs of KMSKeyARN and RoleARN on its AllowList: they
	// are in every ARN the guard's calls carry, and an auto-tagger's
	// {AccountId: <account>} would otherwise be an account number after its
	// keyword.
	// The guard remembers values it found clean (tag values, role names,
	// header values) and does not ask again: see sensitive.Rule.
	Detector *sensitive.Detector

	// AllowedOutputBuckets, when not empty, are the only buckets that
	// exports, batch output and metric reports may be written to.
	AllowedOutputBuckets []string

	// CheckTTL is how long a passed posture check (key, bucket, dataset
	// group) is trusted. Zero means 5 minutes. A failed check is never
	// trusted.
	CheckTTL time.Duration

	// CheckCacheEntries bounds each posture cache (keys, buckets, import
	// sources, dataset groups); the least recently used entry makes room.
	// Zero means 1024.
	CheckCacheEntries int

	// CheckFailureBackoff is how long a check that could not run (KMS or S3
	// throttling, unreachable, denied) keeps refusing before the guard asks
	// AWS again: calls in between fail closed at once instead of adding
	// load to a service that is shedding it. It is jittered over its upper
	// half and doubles with each consecutive failure, up to 30 seconds.
	// Zero means 1 second; a negative value asks AWS again on every call.
	CheckFailureBackoff time.Duration

	// KMSClient, S3Client and PersonalizeClient run the guard's own posture
	// checks. Nil means clients built from the aws.Config given to New, with
	// the same transport rules as the guarded client; a client given here is
	// used as it is, so give it those rules yourself. Unless
	// InsecureSkipImportScan is set, S3Client must also be an
	// ImportReadAPIClient and PersonalizeClient a SchemaAPIClient, as the
	// SDK's clients are.
	KMSClient         kms.CheckAPIClient
	S3Client          s3guard.CheckAPIClient
	PersonalizeClient DescribeAPIClient

	// ImportScanBytes bounds what the import scan reads from S3 per
	// CreateDatasetImportJob, shared among the sampled objects (each gets at
	// least 64 KiB; what a small object leaves goes to the larger ones) and
	// read from each object's start with ranged GETs; only whole records are
	// scanned. Zero means DefaultImportScanBytes (8 MiB). Results are cached
	// per object ETag: importing the same objects again reads nothing.
	ImportScanBytes int64

	// ImportScanObjects bounds how many objects of a prefix the import scan
	// reads per import: the first and the last of the listing's first 10,000
	// keys (at most ten ListObjectsV2 pages) and the rest drawn at random, so
	// that which objects are read cannot be known in advance. When the
	// prefix holds files and sub folders, each gets half, the files the
	// larger (AWS documents sub folders as read only by data deletion jobs).
	// Zero means DefaultImportScanObjects (8).
	ImportScanObjects int

	// STSClient asks STS GetCallerIdentity who the client's credentials
	// stand for, once per access key ID, signing with those credentials.
	// Nil means a client built from the aws.Config, as KMSClient is.
	STSClient GetCallerIdentityAPIClient

	// InsecureAllowUnencryptedDatasetGroups lets CreateDatasetGroup go out
	// without a customer managed key when neither KMSKeyARN nor the request
	// names one, and, when KMSKeyARN is empty, lets imports write into a
	// group that has none. The group's data is then encrypted with a key AWS owns and
	// you cannot revoke, and since a group's key is fixed at creation, it
	// stays so for the group's life.
	InsecureAllowUnencryptedDatasetGroups bool

	// InsecureAllowRootCredentials lets the client run with the AWS
	// account's root user's credentials, which are otherwise refused on
	// every call before anything is sent. The root user has every
	// permission and IAM cannot limit it: a leaked or misused key can do
	// anything in the account, including read and delete every dataset.
	// InsecureSkipPostureChecks, which skips every network check, skips
	// this one too.
	InsecureAllowRootCredentials bool

	// InsecureNoAuditLog writes no audit events; it cannot be set with a
	// Logger.
	// AWS's page asks to log API activity: CloudTrail records the calls
	// AWS receives, not those the guard refused or the safeguards that
	// acted, which only these events tell.
	InsecureNoAuditLog bool

	// InsecureReportOnly logs what the content, key, S3, import-scan and
	// identity safeguards would refuse instead of refusing it, for a gradual
	// roll-out: each rule a value breaks is logged, an identifying value in
	// a value too long or out of pattern included. Transport rules still
	// refuse. Sensitive values then reach AWS's logs: use it only to
	// measure. It reports through the audit log, so InsecureNoAuditLog
	// cannot be set with it. What a hook changes after the checks is
	// refused all the same: a key, S3 location, role or dataset changed, a
	// key or role removed.
	InsecureReportOnly bool

	// InsecureSkipPostureChecks skips the network checks: key readiness,
	// the dataset group's key before imports, bucket and object posture,
	// the import scan and the root-credentials check. Requests then go out
	// without knowing whether the key is usable, the bucket is encrypted,
	// TLS-only and private, the import's data is clean or the caller is the
	// root user.
	InsecureSkipPostureChecks bool

	// InsecureSkipImportScan skips the import scan. By default, before
	// CreateDatasetImportJob goes out, the guard reads a bounded sample of
	// the source (ImportScanBytes, ImportScanObjects) through its own
	// hardened S3 client and scans it with package datascan against the
	// dataset's schema; it refuses the import when a column other than
	// USER_ID or SESSION_ID holds identifying values, or when those hold raw
	// e-mail addresses, phones, cards or account numbers.
	//
	// It is on by default because an import is the one place where
	// personal data enters Personalize in bulk, and where it cannot be taken
	// back short of deleting the dataset. What it costs is small next to the
	// import itself, which is rare and reads every byte: a HeadObject or a
	// listing and at most ImportScanObjects GETs per import (no GET for an
	// object version already scanned), ImportScanBytes of transfer and a
	// few milliseconds of CPU. It needs s3:GetObject, which the object
	// posture check (HeadObject) needs already, and
	// personalize:DescribeSchema. The data is read only into this process,
	// over the guard's TLS client, and kept nowhere: findings hold positions
	// and counts, never values.
	//
	// Skipping it lets personal data into Personalize, which keeps it in the
	// dataset and returns metadata columns with recommendations. To accept
	// one kind of finding instead, list its ID in InsecureIgnoreFindings
	// ("datascan.column.phone"). InsecureSkipPostureChecks skips the scan
	// too.
	InsecureSkipImportScan bool

	// InsecureIgnoreFindings lists posture finding IDs (for example
	// "kms.rotation-disabled") that do not block. Each one is a control you
	// decided not to have.
	InsecureIgnoreFindings []string

	// InsecureAllowSSES3Buckets accepts buckets encrypted with SSE-S3 when
	// KMSKeyARN is set. The data is encrypted at rest, but with a key AWS
	// manages and you cannot revoke.
	InsecureAllowSSES3Buckets bool

	// InsecureAllowUnverifiableHTTPClient accepts an aws.Config.HTTPClient
	// whose TLS settings the guard cannot inspect or raise (anything other
	// than *awshttp.BuildableClient or an *http.Client over *http.Transport).
	// The TLS floor is then only checked after each response, when the
	// request has already been sent.
	InsecureAllowUnverifiableHTTPClient bool
}

// settings is a validated Policy, with the parsed forms the middleware needs.
type settings struct {
	Policy
	minTLS      uint16
	key         kms.KeyARN // zero when no key is configured
	roleAccount string     // RoleARN's account, "" when none
	// sourcePrefix is "arn:<key's partition>:personalize:<region>:<role's
	// account>:", the aws:SourceArn of a resource the configured key is
	// used for through the configured role, less the resource; "" without
	// a configured key.
	sourcePrefix string
	// groupSource is sourcePrefix and "dataset-group/": the head of the
	// SourceARN of nearly every key check (CreateDatasetGroup's), joined
	// once so that a call appends only the name; "" without sourcePrefix.
	groupSource string
	allowedKeys []string // KMSKeyARN first, then AllowedKMSKeyARNs
	region      string

	importScanBytes   int64
	importScanObjects int
}

// groupSourceOf is the aws:SourceArn checkInput writes for a resource of
// kind and name used with the configured key and role, when it is a
// dataset group's; "" otherwise (checkInput then joins its own, or none).
func (s *settings) groupSourceOf(kind, name string) string {
	if kind != groupKind || s.groupSource == "" || name == "" || strings.HasSuffix(name, "/") {
		return ""
	}
	return s.groupSource + name
}

// audit returns the logger of the call's audit event, nil for none: the
// Policy's Logger, or slog.Default() as it is now, so that a program that
// sets its default logger after building its clients gets their events.
func (s *settings) audit() *slog.Logger { return auditlog.Logger(s.Logger, s.InsecureNoAuditLog) }

func (p Policy) validate(region string) (*settings, error) {
	s := &settings{Policy: p, region: region, minTLS: p.MinTLSVersion}
	// The guard keeps its own copies, of the strings too: a caller changing
	// a slice, or the bytes of a string it built with unsafe, later must
	// neither bypass validation nor race with calls.
	s.AllowedKMSKeyARNs = cloneStrings(p.AllowedKMSKeyARNs)
	s.AllowedOutputBuckets = cloneStrings(p.AllowedOutputBuckets)
	s.InsecureIgnoreFindings = cloneStrings(p.InsecureIgnoreFindings)
	// And of the key and role it injects: bytes nothing else holds, which
	// the call states note as they are (see callState.own).
	s.KMSKeyARN, s.RoleARN = strings.Clone(p.KMSKeyARN), strings.Clone(p.RoleARN)
	if region == "" {
		return nil, &ConfigError{Field: "aws.Config.Region", Reason: "is empty; the guard checks keys and buckets against it"}
	}
	switch {
	case s.minTLS == 0:
		s.minTLS = tls.VersionTLS12
	case s.minTLS != tls.VersionTLS12 && s.minTLS != tls.VersionTLS13:
		return nil, &ConfigError{Field: "MinTLSVersion", Reason: "must be tls.VersionTLS12 or tls.VersionTLS13; AWS requires TLS 1.2 or later"}
	}
	if p.KMSKeyARN != "" {
		k, err := kms.ParseKeyARN(s.KMSKeyARN)
		if err != nil {
			return nil, &ConfigError{Field: "KMSKeyARN", Reason: "needs a key ARN", Err: err}
		}
		if k.Region != region {
			return nil, &ConfigError{Field: "KMSKeyARN", Reason: "key is in Region " + k.Region + " but the client is in " + region + "; Personalize needs a key in its own Region"}
		}
		if p.RoleARN == "" {
			return nil, &ConfigError{Field: "RoleARN", Reason: "is required with KMSKeyARN: Personalize needs a role to use the key"}
		}
		s.key = k
		s.allowedKeys = append(s.allowedKeys, k.String())
	} else if p.RoleARN != "" {
		return nil, &ConfigError{Field: "RoleARN", Reason: "is only used together with KMSKeyARN; set both or neither"}
	}
	acct, ok := awsarn.RoleAccount(s.RoleARN)
	s.roleAccount = acct
	if p.RoleARN != "" && !ok {
		return nil, &ConfigError{Field: "RoleARN", Reason: "is not an IAM role ARN (arn:<partition>:iam::<account>:role/<name>)"}
	}
	if p.KMSKeyARN != "" && acct != "" {
		s.sourcePrefix = "arn:" + s.key.Partition + ":personalize:" + region + ":" + acct + ":"
		s.groupSource = s.sourcePrefix + groupKind + "/"
	}
	for i, a := range s.AllowedKMSKeyARNs {
		k, err := kms.ParseKeyARN(a)
		if err != nil {
			return nil, &ConfigError{Field: "AllowedKMSKeyARNs[" + strconv.Itoa(i) + "]", Reason: "needs a key ARN", Err: err}
		}
		if !slices.Contains(s.allowedKeys, k.String()) {
			s.allowedKeys = append(s.allowedKeys, k.String())
		}
	}
	for i, b := range s.AllowedOutputBuckets {
		if err := s3guard.ValidateBucketName(b); err != nil {
			return nil, &ConfigError{Field: "AllowedOutputBuckets[" + strconv.Itoa(i) + "]", Reason: "is not a valid bucket name", Err: err}
		}
	}
	if p.CheckTTL < 0 {
		return nil, &ConfigError{Field: "CheckTTL", Reason: "is negative"}
	}
	if p.CheckCacheEntries < 0 {
		return nil, &ConfigError{Field: "CheckCacheEntries", Reason: "is negative"}
	}
	switch {
	case p.CheckFailureBackoff == 0:
		s.CheckFailureBackoff = time.Second
	case p.CheckFailureBackoff < 0:
		s.CheckFailureBackoff = 0
	}
	if p.ImportScanBytes < 0 {
		return nil, &ConfigError{Field: "ImportScanBytes", Reason: "is negative"}
	}
	if p.ImportScanObjects < 0 {
		return nil, &ConfigError{Field: "ImportScanObjects", Reason: "is negative"}
	}
	s.importScanBytes, s.importScanObjects = p.ImportScanBytes, p.ImportScanObjects
	if s.importScanBytes == 0 {
		s.importScanBytes = DefaultImportScanBytes
	}
	if s.importScanObjects == 0 {
		s.importScanObjects = DefaultImportScanObjects
	}
	if p.Detector == nil {
		s.Detector = sensitive.Default()
		if own := s.ownAccounts(); len(own) > 0 {
			// The configured key's and role's AWS account IDs are in
			// every ARN the guard's calls carry: one in a tag after an
			// account keyword ({AccountId: <account>}, as auto-taggers
			// write) tells nobody anything new, and is not a customer's
			// account number.
			d, err := sensitive.New(func(o *sensitive.Options) { o.AllowList = own })
			if err != nil {
				return nil, &ConfigError{Field: "Detector", Reason: "the default detector with the configured accounts allowed could not be built", Err: err}
			}
			s.Detector = d
		}
	}
	if err := auditlog.CheckPolicy(p.Logger, p.InsecureNoAuditLog, p.InsecureReportOnly); err != nil {
		return nil, err
	}
	return s, nil
}

// cloneStrings returns a copy of list whose strings are copies too (nil
// for nil, as slices.Clone).
func cloneStrings(list []string) []string {
	out := slices.Clone(list)
	for i := range out {
		out[i] = strings.Clone(out[i])
	}
	return out
}

// ownAccounts returns the AWS account IDs of the configured key and role.
func (s *settings) ownAccounts() []string {
	var out []string
	for _, a := range []string{s.key.AccountID, s.roleAccount} {
		if a != "" && !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

func (s *settings) keyAllowed(arn string) bool {
	return len(s.allowedKeys) == 0 || slices.Contains(s.allowedKeys, arn)
}

func (s *settings) ignored(id string) bool { return slices.Contains(s.InsecureIgnoreFindings, id) }
