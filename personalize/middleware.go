package personalize

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"

	kmscheck "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// violation enforces a content or posture rule, or, in report-only mode,
// records it for the audit event and lets the call go on. Transport rules do
// not come through here: they always enforce.
func (g *Guard) violation(ctx context.Context, err *SafeguardError) error {
	if !g.s.InsecureReportOnly {
		return err
	}
	if st := stateFrom(ctx); st != nil && !slices.ContainsFunc(st.reported, func(r *SafeguardError) bool {
		return r.Rule == err.Rule && r.Field == err.Field // the wire gate sees again what Initialize saw
	}) {
		st.reported = append(st.reported, err)
	}
	return nil
}

// contentMW checks every string of the input: sensitive values in free-form
// fields, and the model's constraints on names, tags, filter expressions and
// schemas.
type contentMW struct{ g *Guard }

func (m contentMW) owner() *Guard { return m.g }

func (contentMW) ID() string { return IDFieldContent }

func (m contentMW) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	stateFrom(ctx).mark(stageContent)
	if in.Parameters != nil {
		v := reflect.ValueOf(in.Parameters)
		if n := m.g.plans.get(v.Type()); n != nil {
			w := newWalker(m.g, ctx, false, "")
			err := w.walk(n, v)
			w.release()
			if err != nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, err
			}
			stateFrom(ctx).act(actedContent)
		}
	}
	return next.HandleInitialize(ctx, in)
}

// keyInjectMW puts the configured key (and role) where the caller left them
// empty and refuses keys the policy does not allow. It never changes the
// caller's struct: it replaces in.Parameters with a copy.
type keyInjectMW struct{ g *Guard }

func (m keyInjectMW) owner() *Guard { return m.g }

func (keyInjectMW) ID() string { return IDKMSKey }

func (m keyInjectMW) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	stateFrom(ctx).mark(stageKMSKey)
	p, err := m.g.injectKeys(ctx, in.Parameters)
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	in.Parameters = p
	return next.HandleInitialize(ctx, in)
}

func (g *Guard) injectDatasetGroup(ctx context.Context, v *sdk.CreateDatasetGroupInput) (any, error) {
	op := middleware.GetOperationName(ctx)
	key, role := deref(v.KmsKeyArn), deref(v.RoleArn)
	cp := *v
	switch {
	case key == "" && g.s.KMSKeyARN == "":
		if role != "" {
			// AWS accepts RoleArn only with a key and would fail later.
			if err := g.violation(ctx, &SafeguardError{Operation: op, Field: "RoleArn", Rule: RuleKMSRoleWithout,
				Reason: "RoleArn is only valid together with KmsKeyArn"}); err != nil {
				return nil, err
			}
		}
		return v, nil
	case key == "":
		cp.KmsKeyArn = aws.String(g.s.KMSKeyARN)
		st := stateFrom(ctx)
		st.act(actedKeyInjected)
		st.sawKey(g.s.KMSKeyARN)
	default:
		if err := g.checkCallerKey(ctx, "KmsKeyArn", key); err != nil {
			return nil, err
		}
	}
	switch {
	case role != "":
	case g.s.RoleARN != "":
		cp.RoleArn = aws.String(g.s.RoleARN)
		stateFrom(ctx).act(actedRoleInjected)
	default:
		if err := g.violation(ctx, &SafeguardError{Operation: op, Field: "RoleArn", Rule: RuleKMSKeyWithout,
			Reason: "Personalize needs a RoleArn to use KmsKeyArn; pass one or set Policy.RoleARN"}); err != nil {
			return nil, err
		}
	}
	return &cp, nil
}

// keyed returns c with the configured key when c has none (a copy), or c
// itself after checking the caller's key.
func (g *Guard) keyed(ctx context.Context, field string, c *types.S3DataConfig) (*types.S3DataConfig, error) {
	if c == nil {
		return nil, nil
	}
	if k := deref(c.KmsKeyArn); k != "" {
		return c, g.checkCallerKey(ctx, field, k)
	}
	if g.s.KMSKeyARN == "" {
		return c, nil
	}
	cp := *c
	cp.KmsKeyArn = aws.String(g.s.KMSKeyARN)
	st := stateFrom(ctx)
	st.act(actedKeyInjected)
	st.sawKey(g.s.KMSKeyARN)
	return &cp, nil
}

func (g *Guard) checkCallerKey(ctx context.Context, field, key string) error {
	op := middleware.GetOperationName(ctx)
	// Recorded even when refused in report-only mode: the wire gate then
	// lets through what the caller asked for, as report-only promises.
	st := stateFrom(ctx)
	st.sawKey(key)
	k, err := kmscheck.ParseKeyARN(key)
	if err != nil {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: field, Rule: RuleKMSKeyARN,
			Reason: "needs a key ARN (arn:<partition>:kms:<region>:<account>:key/<id>)", Err: err})
	}
	if !g.s.keyAllowed(k.String()) {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: field, Rule: RuleKMSKeyNotAllowed,
			Reason: "the key is neither Policy.KMSKeyARN nor in Policy.AllowedKMSKeyARNs"})
	}
	stateFrom(ctx).act(actedKeyAllowed)
	return nil
}

// locationMW parses every S3 location with s3guard's parser and applies the
// output bucket allow-list.
type locationMW struct{ g *Guard }

func (m locationMW) owner() *Guard { return m.g }

func (locationMW) ID() string { return IDS3Location }

func (m locationMW) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	stateFrom(ctx).mark(stageS3Location)
	var buf [2]location
	ls := locations(in.Parameters, &buf)
	if len(ls) == 0 {
		return next.HandleInitialize(ctx, in)
	}
	var parsed parsedLocations
	for i, l := range ls {
		loc, err := m.g.parseLocation(ctx, l)
		if err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
		parsed[i] = loc
	}
	// The posture check, later in the step, reuses what was parsed here.
	return next.HandleInitialize(middleware.WithStackValue(ctx, parsedKey{}, parsed), in)
}

// parsedLocations are the locations of a request as parseLocation returned
// them, in the order of locations(); a zero Location was absent or refused.
type parsedLocations [2]s3guard.Location

type parsedKey struct{}

// parseLocation checks one location: s3guard's parser, identifying values in
// the bucket name and object key (CloudTrail records the path), and the
// output allow-list. A missing location is the SDK validator's to report.
func (g *Guard) parseLocation(ctx context.Context, l location) (s3guard.Location, error) {
	if l.value == nil {
		return s3guard.Location{}, nil
	}
	op := middleware.GetOperationName(ctx)
	st := stateFrom(ctx)
	st.sawLocation(*l.value)
	loc, err := s3guard.ParseLocation(*l.value)
	if err != nil {
		rule, reason := "s3.location", "the S3 location is refused"
		var le *s3guard.LocationError
		if errors.As(err, &le) {
			// s3guard's reasons are fixed sentences, never the input.
			rule, reason = le.Rule, le.Reason
		}
		return loc, g.violation(ctx, &SafeguardError{Operation: op, Field: l.field, Rule: rule, Reason: reason})
	}
	// A location that breaks a rule is returned empty even when report-only
	// mode lets the call go on: the guard's own S3 calls carry only values
	// that passed its checks.
	for _, part := range [...]string{loc.Bucket, loc.Key, s3guard.DecodeKey(loc.Key)} {
		if f, ok := g.s.Detector.First(part); ok {
			return s3guard.Location{}, g.violation(ctx, &SafeguardError{Operation: op, Field: l.field, Rule: RuleSensitivePrefix + string(f.Kind), Reason: sensitiveReason})
		}
	}
	if l.dir == s3guard.Write && len(g.s.AllowedOutputBuckets) > 0 && !slices.Contains(g.s.AllowedOutputBuckets, loc.Bucket) {
		return s3guard.Location{}, g.violation(ctx, &SafeguardError{Operation: op, Field: l.field, Rule: RuleBucketNotAllowed,
			Reason: "the bucket is not in Policy.AllowedOutputBuckets"})
	}
	stateFrom(ctx).act(actedLocation)
	return loc, nil
}

// readinessMW checks every key the request asks Personalize to use (state,
// Region, rotation, key policy grants), once per TTL per key and role.
type readinessMW struct{ g *Guard }

func (m readinessMW) owner() *Guard { return m.g }

func (readinessMW) ID() string { return IDKeyReadiness }

func (m readinessMW) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	stateFrom(ctx).mark(stageKeyReadiness)
	var buf [2]keyUse
	for _, u := range keysInUse(in.Parameters, &buf) {
		if err := m.g.checkKey(ctx, u); err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
	}
	return next.HandleInitialize(ctx, in)
}

func (g *Guard) checkKey(ctx context.Context, u keyUse) error {
	op := middleware.GetOperationName(ctx)
	if u.role == "" {
		u.role = g.s.RoleARN
	}
	stateFrom(ctx).sawRole(u.role)
	in := kmscheck.CheckInput{KeyARN: u.key, RoleARN: u.role, Region: g.s.region, Exports: u.exports}
	if k, err := kmscheck.ParseKeyARN(u.key); err == nil {
		// Personalize acts for the account that runs it, which is the
		// role's (IAM passes only a caller's own roles); the key may live
		// in another. It calls KMS on behalf of the resource being
		// created: evaluate the key policy's confused-deputy conditions
		// with both.
		in.AccountID = k.AccountID
		if acct, ok := kmscheck.RoleAccountID(u.role); ok {
			in.AccountID = acct
		}
		if u.resource != "" && !strings.HasSuffix(u.resource, "/") {
			in.SourceARN = "arn:" + k.Partition + ":personalize:" + g.s.region + ":" + in.AccountID + ":" + u.resource
		}
	}
	rep, err := g.keys.Check(ctx, in)
	if err != nil {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: u.field, Rule: RuleKMSCheckFailed,
			Reason: "the key could not be checked, so the guard refuses to use it", Err: err})
	}
	if b := g.blocking(rep); len(b) > 0 {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: u.field, Rule: RuleKMSKeyNotReady,
			Reason: "the key is not ready for Personalize", Findings: b})
	}
	stateFrom(ctx).act(actedKeyReady)
	return nil
}

// groupKeyMW covers the jobs that use the dataset group's key without naming
// it. An import must write into a group encrypted with an allowed key; an
// export reads a group whose key must also grant
// kms:GenerateDataKeyWithoutPlaintext. Either way the key must be ready.
type groupKeyMW struct{ g *Guard }

func (m groupKeyMW) owner() *Guard { return m.g }

func (groupKeyMW) ID() string { return IDDatasetGroupKey }

func (m groupKeyMW) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	stateFrom(ctx).mark(stageDatasetGroupKey)
	var err error
	switch v := in.Parameters.(type) {
	case *sdk.CreateDatasetImportJobInput:
		if v.DatasetArn != nil {
			err = m.g.checkGroupKey(ctx, *v.DatasetArn, deref(v.RoleArn), m.g.s.KMSKeyARN != "", false)
		}
	case *sdk.CreateDatasetExportJobInput:
		if v.DatasetArn != nil {
			err = m.g.checkGroupKey(ctx, *v.DatasetArn, deref(v.RoleArn), false, true)
		}
	}
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	return next.HandleInitialize(ctx, in)
}

// checkGroupKey finds the key of a dataset's group (cached per dataset),
// requires one from the policy when keyRequired, and checks its readiness.
func (g *Guard) checkGroupKey(ctx context.Context, datasetARN, role string, keyRequired, exports bool) error {
	op := middleware.GetOperationName(ctx)
	if st := stateFrom(ctx); st != nil {
		st.dataset = datasetARN
	}
	// The guard's own DescribeDataset carries only a value that passed its
	// checks, report-only mode or not.
	if _, found := g.s.Detector.First(arnResource(datasetARN)); found || !shapeArn.fits(datasetARN) {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: "DatasetArn", Rule: RuleDatasetGroupLookup,
			Reason: "the dataset ARN did not pass the guard's checks, so the guard does not look it up"})
	}
	key, _, err := g.groups.Do(ctx, datasetARN, func(ctx context.Context) (string, error) {
		ds, err := g.describer.DescribeDataset(ctx, &sdk.DescribeDatasetInput{DatasetArn: &datasetARN})
		if err != nil {
			return "", err
		}
		if ds.Dataset == nil || ds.Dataset.DatasetGroupArn == nil {
			return "", errors.New("DescribeDataset returned no dataset group")
		}
		dg, err := g.describer.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{DatasetGroupArn: ds.Dataset.DatasetGroupArn})
		if err != nil {
			return "", err
		}
		if dg.DatasetGroup == nil {
			return "", errors.New("DescribeDatasetGroup returned no dataset group")
		}
		return deref(dg.DatasetGroup.KmsKeyArn), nil
	})
	if err != nil {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: "DatasetArn", Rule: RuleDatasetGroupLookup,
			Reason: "the dataset group could not be described (needs personalize:DescribeDataset and personalize:DescribeDatasetGroup), so the guard refuses the job", Err: err})
	}
	if key == "" {
		if !keyRequired {
			return nil
		}
		return g.violation(ctx, &SafeguardError{Operation: op, Field: "DatasetArn", Rule: RuleDatasetGroupKey,
			Reason: "the dataset group is not encrypted with a customer managed key; its key is fixed at creation, so create a new group with Policy.KMSKeyARN"})
	}
	k, err := kmscheck.ParseKeyARN(key)
	if err != nil || !g.s.keyAllowed(k.String()) {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: "DatasetArn", Rule: RuleDatasetGroupKey,
			Reason: "the dataset group is encrypted with a key that is neither Policy.KMSKeyARN nor in Policy.AllowedKMSKeyARNs"})
	}
	stateFrom(ctx).act(actedGroupKey)
	return g.checkKey(ctx, keyUse{field: "DatasetArn", key: k.String(), role: role, resource: groupResource(datasetARN), exports: exports})
}

// bucketPostureMW checks the bucket of every S3 location (encryption,
// TLS-only policy, public access, ownership, Personalize's grant, Region) and
// the objects an import or batch job will read.
type bucketPostureMW struct{ g *Guard }

func (m bucketPostureMW) owner() *Guard { return m.g }

func (bucketPostureMW) ID() string { return IDBucketPosture }

func (m bucketPostureMW) HandleInitialize(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	stateFrom(ctx).mark(stageBucketPosture)
	parsed, _ := middleware.GetStackValue(ctx, parsedKey{}).(parsedLocations)
	var buf [2]location
	for i, l := range locations(in.Parameters, &buf) {
		if parsed[i].Bucket == "" {
			// Absent (the SDK's validator reports it), or refused by the
			// S3 location safeguard; in report-only mode there is nothing
			// sound to check.
			continue
		}
		if err := m.g.checkBucket(ctx, l, parsed[i]); err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
	}
	return next.HandleInitialize(ctx, in)
}

func (g *Guard) checkBucket(ctx context.Context, l location, loc s3guard.Location) error {
	op := middleware.GetOperationName(ctx)
	// CheckLocation judges Personalize's grant on the location itself, so a
	// grant scoped to a prefix is recognised; the TLS-only deny and the rest
	// must still cover the whole bucket.
	rep, err := g.buckets.CheckLocation(ctx, loc, l.dir)
	if err != nil {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: l.field, Rule: RuleS3CheckFailed,
			Reason: "the bucket could not be checked, so the guard refuses to use it", Err: err})
	}
	if b := g.blocking(rep); len(b) > 0 {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: l.field, Rule: RuleBucketPosture,
			Reason: "the bucket is not safe for Personalize data", Findings: b})
	}
	stateFrom(ctx).act(actedBucketPosture)
	if !l.objects {
		return nil
	}
	rep, err = g.buckets.CheckObjects(ctx, loc)
	if err != nil {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: l.field, Rule: RuleS3CheckFailed,
			Reason: "the source objects could not be checked, so the guard refuses to use them", Err: err})
	}
	if b := g.blocking(rep); len(b) > 0 {
		return g.violation(ctx, &SafeguardError{Operation: op, Field: l.field, Rule: RuleObjectPosture,
			Reason: "the source objects are not encrypted as the policy requires", Findings: b})
	}
	stateFrom(ctx).act(actedObjectPosture)
	return nil
}

// blocking returns the findings of rep that block: Medium and above, less
// the IDs the policy explicitly ignores.
func (g *Guard) blocking(rep posture.Report) []posture.Finding {
	b := rep.Blocking(posture.Medium)
	if len(g.s.InsecureIgnoreFindings) == 0 {
		return b
	}
	out := b[:0:0]
	for _, f := range b {
		if !g.s.ignored(f.ID) {
			out = append(out, f)
		}
	}
	return out
}

// groupResource returns "dataset-group/<name>" for a dataset ARN
// (arn:...:dataset/<group>/<TYPE>), or "".
func groupResource(datasetARN string) string {
	_, rest, ok := strings.Cut(datasetARN, ":dataset/")
	if !ok {
		return ""
	}
	group, _, ok := strings.Cut(rest, "/")
	if !ok || group == "" {
		return ""
	}
	return "dataset-group/" + group
}
