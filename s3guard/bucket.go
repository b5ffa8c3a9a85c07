package s3guard

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
	"github.com/personalizeguard/personalizeguard/posture"
)

// CheckBucket checks the posture of the bucket Personalize is about to read
// (dir [Read]) or write (dir [Write]) and returns its findings:
//
//   - the bucket exists and is in req.Region (GetBucketLocation);
//   - default encryption is SSE-KMS or DSSE-KMS with an allowed key, or
//     SSE-S3 where [Requirements] accept it (GetBucketEncryption);
//   - the bucket policy denies plain HTTP to every principal on the bucket
//     and its objects, has no public Allow, and grants personalize.amazonaws.com
//     what the direction needs on the whole bucket (GetBucketPolicy);
//   - all four public-access-block flags are on (GetPublicAccessBlock);
//   - object ownership is BucketOwnerEnforced, which disables ACLs
//     (GetBucketOwnershipControls).
//
// A missing configuration is a finding. The error is non-nil only when a
// check could not run — a *[CheckError] naming the operation and the
// permission, or an *[ArgumentError] / *[LocationError] found before any
// call. When the bucket is missing or in another Region the remaining checks
// are not run (S3 would redirect them) and the report says so.
func CheckBucket(ctx context.Context, c BucketAPIClient, bucket string, dir Direction, req Requirements) (posture.Report, error) {
	if err := checkBucketArgs(bucket, dir, &req); err != nil {
		return posture.Report{}, err
	}
	st, err := fetchBucket(ctx, c, bucket, &req)
	if err != nil {
		return posture.Report{}, err
	}
	return st.evaluate(newScope(bucket, req.Region, dir), &req), nil
}

// CheckLocation is [CheckBucket] with the Personalize grant evaluated for the
// objects of loc rather than the whole bucket, so a grant scoped to a prefix
// (arn:aws:s3:::B/imports/*) is recognised. The TLS-only deny is still
// required on the whole bucket.
func CheckLocation(ctx context.Context, c BucketAPIClient, loc Location, dir Direction, req Requirements) (posture.Report, error) {
	if err := checkLocationArgs(loc, dir, &req); err != nil {
		return posture.Report{}, err
	}
	st, err := fetchBucket(ctx, c, loc.Bucket, &req)
	if err != nil {
		return posture.Report{}, err
	}
	return st.evaluate(newScope(loc.Bucket, req.Region, dir).forLocation(loc), &req), nil
}

func checkBucketArgs(bucket string, dir Direction, req *Requirements) error {
	if err := req.Validate(); err != nil {
		return err
	}
	if !dir.valid() {
		return &ArgumentError{Field: "dir", Reason: "must be Read or Write"}
	}
	return ValidateBucketName(bucket)
}

func checkLocationArgs(loc Location, dir Direction, req *Requirements) error {
	if err := req.Validate(); err != nil {
		return err
	}
	if !dir.valid() {
		return &ArgumentError{Field: "dir", Reason: "must be Read or Write"}
	}
	return loc.Validate()
}

// bucketState is what the S3 calls returned. It is immutable once fetched;
// the Checker caches it and derives reports from it.
type bucketState struct {
	bucket string
	// missing: NoSuchBucket.
	missing bool
	region  string
	// wrongRegion: the remaining fields were not fetched.
	wrongRegion bool

	encryption *types.ServerSideEncryptionConfiguration // nil: none
	policyDoc  *iampolicy.Document                      // nil: none or unparseable
	policyErr  error                                    // parse error
	pab        *types.PublicAccessBlockConfiguration    // nil: none
	ownership  types.ObjectOwnership                    // "": no ownership controls

	// locPreds are the tests a location goes through when the policy's
	// grant is evaluated for it; see [bucketState.locationReport].
	locPreds []locationPredicate

	// memo holds reports derived from this state, per direction and
	// location; classes holds evaluations per direction and location class.
	mu      sync.Mutex
	memo    map[memoKey]posture.Report
	classes map[locationClass]*evaluation
}

// memoKey identifies a derived report; it is cheap to build, so the cached
// path allocates no ARNs.
type memoKey struct {
	dir    Direction
	loc    Location
	hasLoc bool
}

func (k memoKey) scope(region string) policyScope {
	s := newScope(k.loc.Bucket, region, k.dir)
	if k.hasLoc {
		s = s.forLocation(k.loc)
	}
	return s
}

// maxMemo bounds the reports kept per bucket state (one per direction and
// location checked).
const maxMemo = 128

// memoized returns the report memoized for k, a copy, if there is one.
func (st *bucketState) memoized(k memoKey) (posture.Report, bool) {
	st.mu.Lock()
	r, ok := st.memo[k]
	st.mu.Unlock()
	if !ok {
		return posture.Report{}, false
	}
	return cloneReport(r), true
}

func (st *bucketState) report(k memoKey, req *Requirements) posture.Report {
	r, ok := st.memoized(k)
	if ok {
		return r
	}
	if k.hasLoc {
		r = st.locationReport(k, req)
	} else {
		r = st.evaluate(k.scope(req.Region), req)
	}
	st.mu.Lock()
	if st.memo == nil {
		st.memo = make(map[memoKey]posture.Report)
	}
	stored := len(st.memo) < maxMemo
	if stored {
		st.memo[k] = r
	}
	st.mu.Unlock()
	if stored {
		return cloneReport(r)
	}
	return r // the caller's own
}

// maxLocationPredicates is how many location tests a class records; a
// policy with more (none written by hand has) is evaluated per location.
const maxLocationPredicates = 256

// locationClass identifies the locations that get the same evaluation:
// those that pass the same tests of [bucketState.locPreds].
type locationClass struct {
	dir Direction
	// sig has a bit per test, and one more per Resource pattern for
	// matching some of a prefix's keys (NotResource decides on that).
	sig [2 * maxLocationPredicates / 64]uint64
}

// locationReport is the report for a location, evaluated once per location
// class: a new prefix costs a few pattern matches and the wording of its
// findings, not a policy evaluation.
func (st *bucketState) locationReport(k memoKey, req *Requirements) posture.Report {
	s := k.scope(req.Region)
	if st.policyDoc == nil || len(st.locPreds) > maxLocationPredicates {
		// Without a policy nothing depends on the location but the
		// findings' wording; with too many tests, evaluate each location.
		return st.evaluate(s, req)
	}
	cl := locationClass{dir: k.dir}
	for i, p := range st.locPreds {
		var match bool
		if p.op == "" {
			// As the evaluator reads it, or locations it tells apart
			// would share a report.
			var some bool
			match, some = st.policyDoc.MatchResource(p.want, s.object, s.objectIsPrefix)
			if some {
				cl.sig[(maxLocationPredicates+i)/64] |= 1 << ((maxLocationPredicates + i) % 64)
			}
		} else {
			match, _ = iampolicy.ValueMatch(p.op, p.want, s.prefix)
		}
		if match {
			cl.sig[i/64] |= 1 << (i % 64)
		}
	}
	st.mu.Lock()
	ev, ok := st.classes[cl]
	st.mu.Unlock()
	if !ok {
		ev = st.evaluateParts(s, req)
		st.mu.Lock()
		if st.classes == nil {
			st.classes = make(map[locationClass]*evaluation)
		}
		if len(st.classes) < maxMemo {
			st.classes[cl] = ev
		}
		st.mu.Unlock()
	}
	return ev.report(st.bucket, s, req)
}

// cloneReport copies the findings so that callers cannot change a cached
// report.
func cloneReport(r posture.Report) posture.Report {
	if r.Findings != nil {
		r.Findings = append([]posture.Finding(nil), r.Findings...)
	}
	return r
}

func fetchBucket(ctx context.Context, c BucketAPIClient, bucket string, req *Requirements) (*bucketState, error) {
	st := &bucketState{bucket: bucket}
	loc, err := c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)})
	switch {
	case err == nil && loc == nil:
		// A client that answers nothing names no Region: the check cannot run.
		return nil, &CheckError{Operation: "GetBucketLocation", Permission: "s3:GetBucketLocation", Resource: bucket, Err: errNoLocation}
	case err == nil:
		st.region = normalizeRegion(loc.LocationConstraint)
	case errorCode(err) == codeNoSuchBucket:
		st.missing = true
		return st, nil
	case redirectRegion(err) != "":
		// Asked in the wrong Region, S3 redirects and names the right one.
		st.region = redirectRegion(err)
	default:
		return nil, &CheckError{Operation: "GetBucketLocation", Permission: "s3:GetBucketLocation", Resource: bucket, Err: err}
	}
	if st.region != req.Region {
		st.wrongRegion = true
		return st, nil
	}

	// The four reads are independent: run them together, then judge the
	// results in a fixed order so reports and errors are deterministic.
	var (
		wg                             sync.WaitGroup
		encOut                         *s3.GetBucketEncryptionOutput
		polOut                         *s3.GetBucketPolicyOutput
		pabOut                         *s3.GetPublicAccessBlockOutput
		ownOut                         *s3.GetBucketOwnershipControlsOutput
		encErr, polErr, pabErr, ownErr error
		in                             = aws.String(bucket)
	)
	wg.Add(4)
	go func() {
		defer wg.Done()
		encOut, encErr = c.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: in})
	}()
	go func() {
		defer wg.Done()
		polOut, polErr = c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: in})
	}()
	go func() {
		defer wg.Done()
		pabOut, pabErr = c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: in})
	}()
	go func() {
		defer wg.Done()
		ownOut, ownErr = c.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: in})
	}()
	wg.Wait()

	for _, call := range []struct {
		op, permission, notFound string
		err                      error
	}{
		{"GetBucketEncryption", "s3:GetEncryptionConfiguration", codeNoEncryption, encErr},
		{"GetBucketPolicy", "s3:GetBucketPolicy", codeNoPolicy, polErr},
		{"GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock", codeNoPublicAccessBlock, pabErr},
		{"GetBucketOwnershipControls", "s3:GetBucketOwnershipControls", codeNoOwnershipControls, ownErr},
	} {
		switch code := errorCode(call.err); {
		case call.err == nil, code == call.notFound:
		case code == codeNoSuchBucket:
			// Deleted since GetBucketLocation.
			return &bucketState{bucket: bucket, missing: true}, nil
		default:
			return nil, &CheckError{Operation: call.op, Permission: call.permission, Resource: bucket, Err: call.err}
		}
	}
	if encErr == nil && encOut != nil {
		st.encryption = encOut.ServerSideEncryptionConfiguration
	}
	if polErr == nil && polOut != nil && polOut.Policy != nil {
		st.policyDoc, st.policyErr = iampolicy.Parse([]byte(aws.ToString(polOut.Policy)))
		if st.policyErr == nil {
			st.locPreds = locationPredicates(st.policyDoc)
		}
	}
	if pabErr == nil && pabOut != nil {
		st.pab = pabOut.PublicAccessBlockConfiguration
	}
	if ownErr == nil && ownOut != nil && ownOut.OwnershipControls != nil && len(ownOut.OwnershipControls.Rules) > 0 {
		st.ownership = ownOut.OwnershipControls.Rules[0].ObjectOwnership
	}
	return st, nil
}

// errNoLocation stands for a GetBucketLocation call that answered nothing,
// which the SDK's client never does.
var errNoLocation = errors.New("GetBucketLocation answered without output")

// normalizeRegion maps GetBucketLocation's answer to a Region: empty means
// us-east-1 and the legacy "EU" means eu-west-1.
func normalizeRegion(c types.BucketLocationConstraint) string {
	switch c {
	case "":
		return "us-east-1"
	case types.BucketLocationConstraintEu:
		return "eu-west-1"
	}
	return string(c)
}

// evaluation is a report in three parts: the findings before and after the
// grant's, which do not depend on the location, and the grant's outcome,
// worded per location. Once built it is not changed.
type evaluation struct {
	pre, post []posture.Finding
	grant     *grantResult // nil: no grant findings
}

func (ev *evaluation) report(bucket string, s policyScope, req *Requirements) posture.Report {
	r := posture.Report{Check: "s3.bucket", Resource: bucket}
	var grant []posture.Finding
	if ev.grant != nil {
		grant = ev.grant.findings(s, req)
	}
	if n := len(ev.pre) + len(grant) + len(ev.post); n > 0 {
		r.Findings = make([]posture.Finding, 0, n)
		r.Findings = append(append(append(r.Findings, ev.pre...), grant...), ev.post...)
	}
	return r
}

func (st *bucketState) evaluate(s policyScope, req *Requirements) posture.Report {
	return st.evaluateParts(s, req).report(st.bucket, s, req)
}

func (st *bucketState) evaluateParts(s policyScope, req *Requirements) *evaluation {
	ev := &evaluation{}
	r := &posture.Report{}
	if st.missing {
		r.Add(posture.Finding{
			ID: FindingBucketNotFound, Severity: posture.Critical, Resource: st.bucket,
			Message:     fmt.Sprintf("Bucket %s does not exist: Personalize would fail, and anyone could create a bucket with this name and receive the data.", st.bucket),
			Remediation: "Create the bucket in your account, or correct the location.",
		})
		ev.pre = r.Findings
		return ev
	}
	if st.wrongRegion {
		r.Add(posture.Finding{
			ID: FindingBucketRegionMismatch, Severity: posture.High, Resource: st.bucket,
			Message: fmt.Sprintf("Bucket %s is in %s, not in %s where Personalize runs; Personalize uses buckets in its own Region only. The other bucket checks were not run.",
				st.bucket, st.region, req.Region),
			Remediation: "Use a bucket in " + req.Region + ", or run Personalize in the bucket's Region.",
		})
		ev.pre = r.Findings
		return ev
	}
	r.Add(encryptionFindings(st.bucket, st.encryption, req)...)
	switch {
	case st.policyErr != nil:
		r.Add(posture.Finding{
			ID: FindingPolicyUnparsable, Severity: posture.High, Resource: st.bucket,
			Message:     fmt.Sprintf("The bucket policy of %s could not be evaluated (%v), so neither its TLS-only deny nor its Personalize grant can be confirmed.", st.bucket, st.policyErr),
			Remediation: "Rewrite the policy in the standard IAM grammar.",
		})
	case st.policyDoc == nil:
		r.Add(posture.Finding{
			ID: FindingPolicyMissing, Severity: posture.High, Resource: st.bucket,
			Message: fmt.Sprintf("Bucket %s has no bucket policy: nothing denies plain-HTTP access, and nothing grants %s the access a %s job needs.",
				st.bucket, iampolicy.PersonalizeService, s.dir),
			Remediation: "Attach the policy that s3guard.PersonalizeBucketPolicy generates: a TLS-only Deny and the Personalize grant.",
			Control:     "Security Hub S3.5",
		})
	default:
		r.Add(bucketWideFindings(st.policyDoc, s, req)...)
		ev.grant = evaluateGrants(st.policyDoc, s, req)
	}
	ev.pre = r.Findings
	r = &posture.Report{}
	r.Add(publicAccessBlockFindings(st.bucket, st.pab)...)
	if st.ownership != types.ObjectOwnershipBucketOwnerEnforced {
		msg := fmt.Sprintf("Bucket %s has no object ownership controls, so ACLs are enabled and objects may be owned by other accounts.", st.bucket)
		if st.ownership != "" {
			msg = fmt.Sprintf("Bucket %s has object ownership %s rather than BucketOwnerEnforced, so ACLs are enabled.", st.bucket, st.ownership)
		}
		r.Add(posture.Finding{
			ID: FindingACLsEnabled, Severity: posture.Medium, Resource: st.bucket, Message: msg,
			Remediation: "Set object ownership to BucketOwnerEnforced (PutBucketOwnershipControls), which disables ACLs.",
			Control:     "Security Hub S3.12",
		})
	}
	ev.post = r.Findings
	return ev
}

func encryptionFindings(bucket string, cfg *types.ServerSideEncryptionConfiguration, req *Requirements) []posture.Finding {
	var def *types.ServerSideEncryptionByDefault
	if cfg != nil {
		for _, rule := range cfg.Rules {
			if rule.ApplyServerSideEncryptionByDefault != nil {
				def = rule.ApplyServerSideEncryptionByDefault
				break
			}
		}
	}
	f := posture.Finding{Resource: bucket, Control: "Security Hub S3.17"}
	if def == nil {
		f.ID, f.Severity = FindingEncryptionMissing, posture.High
		f.Message = fmt.Sprintf("Bucket %s has no default encryption configuration.", bucket)
		f.Remediation = "Configure default encryption with SSE-KMS and your key (PutBucketEncryption)."
		return []posture.Finding{f}
	}
	key := aws.ToString(def.KMSMasterKeyID)
	switch classifySSE(def.SSEAlgorithm, key, req) {
	case sseOK:
		return nil
	case sseS3NotAllowed:
		f.ID, f.Severity = FindingEncryptionSSES3, posture.Medium
		f.Message = fmt.Sprintf("Bucket %s encrypts new objects with SSE-S3, but a KMS key is required.", bucket)
		f.Remediation = "Configure default encryption with SSE-KMS and one of the allowed keys, or set Requirements.InsecureAllowSSES3."
	case sseKeyNotAllowed:
		f.ID, f.Severity = FindingEncryptionKeyNotAllowed, posture.High
		f.Message = fmt.Sprintf("Bucket %s encrypts new objects with KMS key %s, which is not one of the allowed keys.", bucket, key)
		if key == "" {
			f.Message = fmt.Sprintf("Bucket %s encrypts new objects with the AWS managed key aws/s3, which is not one of the allowed keys.", bucket)
		}
		f.Remediation = "Configure default encryption with one of the allowed key ARNs."
	case sseKeyUnverified:
		f.ID, f.Severity = FindingEncryptionKeyUnverified, posture.Medium
		f.Message = fmt.Sprintf("Bucket %s names its default KMS key by the alias %s, so the guard cannot tell whether it is an allowed key.", bucket, key)
		f.Remediation = "Configure default encryption with the key ARN rather than an alias."
	default:
		f.ID, f.Severity = FindingEncryptionMissing, posture.High
		f.Message = fmt.Sprintf("Bucket %s has default encryption %q, which is neither SSE-S3 nor SSE-KMS.", bucket, def.SSEAlgorithm)
		f.Remediation = "Configure default encryption with SSE-KMS and your key (PutBucketEncryption)."
	}
	return []posture.Finding{f}
}

type sseClass int

const (
	sseOK sseClass = iota
	sseNone
	sseS3NotAllowed
	sseKeyNotAllowed
	sseKeyUnverified
	sseUnrecognized
)

// classifySSE judges an encryption algorithm and KMS key (ARN, key ID, alias
// or "" for the AWS managed key) against req; see [Requirements].
func classifySSE(alg types.ServerSideEncryption, key string, req *Requirements) sseClass {
	switch alg {
	case "":
		return sseNone
	case types.ServerSideEncryptionAes256:
		if len(req.AllowedKMSKeys) > 0 && !req.InsecureAllowSSES3 {
			return sseS3NotAllowed
		}
		return sseOK
	case types.ServerSideEncryptionAwsKms, types.ServerSideEncryptionAwsKmsDsse:
		switch {
		case len(req.AllowedKMSKeys) == 0:
			return sseOK
		case kmsKeyAllowed(req.AllowedKMSKeys, key):
			return sseOK
		case isKMSAlias(key):
			return sseKeyUnverified
		}
		return sseKeyNotAllowed
	}
	return sseUnrecognized
}

func publicAccessBlockFindings(bucket string, pab *types.PublicAccessBlockConfiguration) []posture.Finding {
	f := posture.Finding{
		Resource:    bucket,
		Severity:    posture.High,
		Remediation: "Turn on all four public access block settings for the bucket (PutPublicAccessBlock).",
		Control:     "Security Hub S3.8",
	}
	if pab == nil {
		f.ID = FindingPublicAccessBlockMissing
		f.Message = fmt.Sprintf("Bucket %s has no public access block configuration.", bucket)
		return []posture.Finding{f}
	}
	var off []string
	for _, flag := range []struct {
		name string
		on   *bool
	}{
		{"BlockPublicAcls", pab.BlockPublicAcls},
		{"IgnorePublicAcls", pab.IgnorePublicAcls},
		{"BlockPublicPolicy", pab.BlockPublicPolicy},
		{"RestrictPublicBuckets", pab.RestrictPublicBuckets},
	} {
		if !aws.ToBool(flag.on) {
			off = append(off, flag.name)
		}
	}
	if len(off) == 0 {
		return nil
	}
	f.ID = FindingPublicAccessBlockIncomplete
	f.Message = fmt.Sprintf("Bucket %s has public access block settings off: %s.", bucket, strings.Join(off, ", "))
	return []posture.Finding{f}
}
