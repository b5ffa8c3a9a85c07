package personalize

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/internal/awsarn"
	kmscheck "github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// The posture safeguards call AWS, so they run after the SDK's own
// validation, and their answers are cached per guard:
//
//   - key readiness (PersonalizeGuard:KeyReadiness): every key the request
//     asks Personalize to use — state, Region, rotation, key policy and
//     grants for Personalize and the role;
//   - the dataset group's key (PersonalizeGuard:DatasetGroupKey): the jobs
//     that use it without naming it — an import must write into a group
//     encrypted with an allowed key, an export reads a group whose key must
//     also grant kms:GenerateDataKeyWithoutPlaintext;
//   - bucket posture (PersonalizeGuard:BucketPosture): the bucket of every
//     S3 location (encryption, TLS-only policy, public access, ownership,
//     Personalize's grant, Region) and the objects a job will read; the
//     KMS key of an import's objects (or a batch or data deletion job's
//     input objects), or of an export's output by default, goes through
//     key readiness when it is not the group's; on
//     CreateDatasetImportJob, then, the data itself (importscan.go).
//
// A check that cannot run refuses the call.

// keyUse is a KMS key a request asks Personalize to use, with the role it
// will use it through and the resource it is used for.
type keyUse struct {
	field string
	key   string
	role  string
	// resKind and resName name the resource the key is used for, as in
	// "dataset-group/movies": the aws:SourceArn of Personalize's KMS
	// calls, less its prefix. Kept apart so that the ARN is built in one
	// concatenation.
	resKind, resName string
	// source, when set, is the aws:SourceArn checkInput writes for the
	// configured key and role: datasetInfo.groupSource.
	source  string
	exports bool
}

// keyUseAt sets u to the use of the key at k (not a copy: a key place is
// some twenty words) in params, and reports whether there is a key there.
func (op *boundOp) keyUseAt(params any, k *keyPlace, u *keyUse) bool {
	key, _, _ := k.get.read(params, k.at)
	if key == "" {
		return false
	}
	*u = keyUse{field: k.field, key: key}
	u.resKind, u.resName = op.resourceOf(params)
	if k.roleAt != nil {
		u.role, _, _ = k.roleGet.read(params, k.roleAt)
	}
	return true
}

// resourceOf returns "dataset-group" and "<name>" for the resource the
// request creates or updates, or two empty strings.
func (op *boundOp) resourceOf(params any) (kind, name string) {
	switch {
	case op.resourceNameAt != nil:
		if name, _, _ := op.resourceNameGet.read(params, op.resourceNameAt); name != "" {
			return op.resource, name
		}
	case op.resourceARNAt != nil:
		arn, _, _ := op.resourceARNGet.read(params, op.resourceARNAt)
		if _, after, ok := strings.Cut(arn, ":"+op.resource+"/"); ok && after != "" {
			return op.resource, after
		}
	}
	return "", ""
}

func (g *Guard) handleKeyReadiness(ctx context.Context, st *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	op, err := g.operation(ctx, st, in.Parameters)
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	// Each key checked as it is read: a key use is some eleven words,
	// built once on the stack, not in a list.
	var u keyUse
	for i := range op.keys {
		if !op.keyUseAt(in.Parameters, &op.keys[i], &u) {
			continue
		}
		if err := g.checkKey(ctx, st, &u); err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
	}
	return next.HandleInitialize(ctx, in)
}

// checkKey checks the key use u, setting its role to the configured one
// when it has none. u is a pointer, not a copy of its eleven words.
func (g *Guard) checkKey(ctx context.Context, st *callState, u *keyUse) error {
	if u.role == "" {
		u.role = g.s.RoleARN
	}
	st.sawRole(u.role)
	rep, err := g.keys.Check(ctx, g.checkInput(u))
	if err != nil {
		return g.keyNotReady(ctx, st, u.field, err, nil)
	}
	if b := g.blocking(rep); len(b) > 0 {
		return g.keyNotReady(ctx, st, u.field, nil, b)
	}
	st.act(actedKeyReady)
	st.readyKey(u.key)
	return nil
}

// keyNotReady is checkKey's refusal of the key at field: it could not be
// checked (err), or these findings block it. Apart from checkKey, so that
// the refusals' code is not among the instructions every call runs
// through.
func (g *Guard) keyNotReady(ctx context.Context, st *callState, field string, err error, findings []posture.Finding) error {
	if err != nil {
		return g.refuse(ctx, st, field, RuleKMSCheckFailed, "the key could not be checked, so the guard refuses to use it", err, nil)
	}
	return g.refuse(ctx, st, field, RuleKMSKeyNotReady, "the key is not ready for Personalize", nil, findings)
}

// checkInput is the key check's input for u, whose role is set. The
// configured key, used on most calls, was parsed once; another key takes
// otherKeyInput.
func (g *Guard) checkInput(u *keyUse) kmscheck.CheckInput {
	if u.key != g.s.KMSKeyARN || u.key == "" {
		return g.otherKeyInput(u)
	}
	// Personalize acts for the account that runs it, which is the role's
	// (IAM passes only a caller's own roles); the key may live in another.
	// It calls KMS on behalf of the resource being created: evaluate the
	// key policy's confused-deputy conditions with both.
	in := kmscheck.CheckInput{KeyARN: u.key, RoleARN: u.role, Region: g.s.region, AccountID: g.accountOf(u.role, g.s.key.AccountID),
		Exports: u.exports}
	if u.source != "" && u.role == g.s.RoleARN {
		in.SourceARN = u.source // joined when the dataset was described
		return in
	}
	if u.resName == "" || strings.HasSuffix(u.resName, "/") {
		return in
	}
	if u.resKind == groupKind && u.role == g.s.RoleARN && g.s.groupSource != "" {
		// The configured key's partition and the configured role's
		// account, with a dataset group's kind, joined once (see
		// settings.groupSource): one join of two strings per call.
		in.SourceARN = g.s.groupSource + u.resName
	} else {
		in.SourceARN = sourceARN(g.s.key.Partition, g.s.region, in.AccountID, u.resKind, u.resName)
	}
	return in
}

// accountOf returns the account of role, the configured role's parsed
// once, or keyAccount when role is no role ARN.
func (g *Guard) accountOf(role, keyAccount string) string {
	if role == g.s.RoleARN && g.s.roleAccount != "" {
		return g.s.roleAccount
	}
	return roleAccountOr(role, keyAccount)
}

// roleAccountOr is accountOf for a role other than the configured one.
// Not inlined: the configured role's account is at hand.
//
//go:noinline
func roleAccountOr(role, keyAccount string) string {
	if acct, ok := awsarn.RoleAccount(role); ok {
		return acct
	}
	return keyAccount
}

// otherKeyInput is checkInput for a key other than the configured one,
// parsed here. Apart from checkInput, and not inlined, so that the
// configured key's path is a few contiguous instructions.
//
//go:noinline
func (g *Guard) otherKeyInput(u *keyUse) kmscheck.CheckInput {
	in := kmscheck.CheckInput{KeyARN: u.key, RoleARN: u.role, Region: g.s.region, Exports: u.exports}
	k, err := kmscheck.ParseKeyARN(u.key)
	if err != nil {
		return in
	}
	in.AccountID = g.accountOf(u.role, k.AccountID)
	if u.resName == "" || strings.HasSuffix(u.resName, "/") {
		return in
	}
	in.SourceARN = sourceARN(k.Partition, g.s.region, in.AccountID, u.resKind, u.resName)
	return in
}

// sourceARN is the ARN of a Personalize resource. Apart from checkInput
// (and not inlined), so that the join's code is not among the instructions
// every call runs through.
//
//go:noinline
func sourceARN(partition, region, account, kind, name string) string {
	return "arn:" + partition + ":personalize:" + region + ":" + account + ":" + kind + "/" + name
}

func (g *Guard) handleDatasetGroupKey(ctx context.Context, st *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	op, err := g.operation(ctx, st, in.Parameters)
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	if op.groupKey != groupKeyNone {
		if dataset, _, set := op.datasetGet.read(in.Parameters, op.datasetAt); set {
			role, _, _ := op.roleGet.read(in.Parameters, op.roleAt)
			// Safe by default: an import writes into the group under its
			// key, so a group without one is refused unless the policy
			// accepts such groups (and names no key of its own).
			required := op.groupKey == groupKeyImport && (g.s.KMSKeyARN != "" || !g.s.InsecureAllowUnencryptedDatasetGroups)
			if err := g.checkGroupKey(ctx, st, dataset, role, required, op.groupKey == groupKeyExport); err != nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, err
			}
		}
	}
	return next.HandleInitialize(ctx, in)
}

// checkGroupKey finds the key of a dataset's group (cached per dataset),
// requires one from the policy when keyRequired, and checks its readiness.
func (g *Guard) checkGroupKey(ctx context.Context, st *callState, datasetARN, role string, keyRequired, exports bool) error {
	if st != nil {
		// The state's copy: the wire gate compares the body's DatasetArn
		// with it, and the caller's bytes may change after this check
		// (see callState.own); the lookup reads the same copy.
		datasetARN = st.own(datasetARN)
		st.dataset = datasetARN
	}
	info, ok, err := g.datasetInfo(ctx, st, datasetARN)
	if !ok {
		return err // nil in report-only mode: nothing sound to check
	}
	key := info.groupKey
	if key == "" {
		if !keyRequired {
			return nil
		}
		return g.refuse(ctx, st, "DatasetArn", RuleDatasetGroupKey,
			"the dataset group is not encrypted with a customer managed key; its key is fixed at creation, so create a new group with Policy.KMSKeyARN", nil, nil)
	}
	// info.groupKeyARN is the key parsed and written out once, when the
	// dataset was described, not on every call.
	if info.groupKeyARN == "" || !g.s.keyAllowed(info.groupKeyARN) {
		return g.refuse(ctx, st, "DatasetArn", RuleDatasetGroupKey,
			"the dataset group is encrypted with a key that is neither Policy.KMSKeyARN nor in Policy.AllowedKMSKeyARNs", nil, nil)
	}
	st.act(actedGroupKey)
	u := keyUse{field: "DatasetArn", key: info.groupKeyARN, role: role, exports: exports}
	u.resKind, u.resName = info.groupKind, info.groupName // groupResource(datasetARN), when described
	u.source = info.groupSource
	return g.checkKey(ctx, st, &u)
}

// datasetInfo describes a dataset and its group (cached per dataset). A
// dataset that cannot be described is refused: ok is false, and err the
// refusal (nil in report-only mode). st is the call's state.
func (g *Guard) datasetInfo(ctx context.Context, st *callState, datasetARN string) (_ datasetInfo, ok bool, _ error) {
	// Only describeDataset puts an entry in g.groups, after the checks
	// below passed on the same string: a cached entry is a value that
	// passed them (the checks and the detector do not change), and a hit
	// sends nothing. So a hit skips them, and the lookup's closure.
	info, err, hit := g.groups.Cached(datasetARN)
	if !hit {
		// The cache keeps its key, and the flight its ARN: a copy of
		// their own, neither the caller's bytes nor the call state's
		// (reused by the next call), taken before the checks it must pass.
		datasetARN = strings.Clone(datasetARN)
		// The guard's own DescribeDataset carries only a value that passed its
		// checks, report-only mode or not.
		if _, found := g.s.Detector.First(arnResource(datasetARN)); found || !shapeArn.fits(datasetARN) || !wellFormedARN(datasetARN) {
			return datasetInfo{}, false, g.refuse(ctx, st, "DatasetArn", RuleDatasetGroupLookup,
				"the dataset ARN did not pass the guard's checks, so the guard does not look it up", nil, nil)
		}
		info, err = g.describeDataset(ctx, datasetARN)
	}
	if err != nil {
		return datasetInfo{}, false, g.refuse(ctx, st, "DatasetArn", RuleDatasetGroupLookup,
			"the dataset group could not be described (needs personalize:DescribeDataset and personalize:DescribeDatasetGroup), so the guard refuses the job", err, nil)
	}
	return info, true, nil
}

// describeDataset describes a dataset and its group, once for concurrent
// callers, and caches the answer. Apart from datasetInfo so that its
// closure, which escapes, is built only on a miss. datasetARN must have
// passed datasetInfo's checks, and be a copy of the guard's: datasetInfo
// serves a cached entry without checking its key again.
func (g *Guard) describeDataset(ctx context.Context, datasetARN string) (datasetInfo, error) {
	info, _, err := g.groups.Do(ctx, datasetARN, func(ctx context.Context) (datasetInfo, error) {
		ds, err := g.describer.DescribeDataset(ctx, &sdk.DescribeDatasetInput{DatasetArn: &datasetARN})
		if err != nil {
			return datasetInfo{}, err
		}
		if ds.Dataset == nil || ds.Dataset.DatasetGroupArn == nil {
			return datasetInfo{}, errors.New("DescribeDataset returned no dataset group")
		}
		dg, err := g.describer.DescribeDatasetGroup(ctx, &sdk.DescribeDatasetGroupInput{DatasetGroupArn: ds.Dataset.DatasetGroupArn})
		if err != nil {
			return datasetInfo{}, err
		}
		if dg.DatasetGroup == nil {
			return datasetInfo{}, errors.New("DescribeDatasetGroup returned no dataset group")
		}
		info := datasetInfo{groupKey: aws.ToString(dg.DatasetGroup.KmsKeyArn), schemaARN: aws.ToString(ds.Dataset.SchemaArn)}
		if k, err := kmscheck.ParseKeyARN(info.groupKey); err == nil {
			info.groupKeyARN = k.String()
		}
		info.groupKind, info.groupName = groupResource(datasetARN)
		info.groupSource = g.s.groupSourceOf(info.groupKind, info.groupName)
		return info, nil
	})
	return info, err
}

// groupResource returns "dataset-group" and "<group>" for a dataset ARN
// (arn:...:dataset/<group>/<TYPE>), or two empty strings.
func groupResource(datasetARN string) (kind, name string) {
	_, rest, ok := strings.Cut(datasetARN, ":dataset/")
	if !ok {
		return "", ""
	}
	group, _, ok := strings.Cut(rest, "/")
	if !ok || group == "" {
		return "", ""
	}
	return groupKind, group
}

// groupKind is a dataset group's resource type in its ARN.
const groupKind = "dataset-group"

func (g *Guard) handleBucketPosture(ctx context.Context, st *callState, in middleware.InitializeInput, next middleware.InitializeHandler) (
	middleware.InitializeOutput, middleware.Metadata, error,
) {
	op, err := g.operation(ctx, st, in.Parameters)
	if err != nil {
		return middleware.InitializeOutput{}, middleware.Metadata{}, err
	}
	// The places only, not their values: what the S3 location step parsed
	// is in p, and a value read again here would be the caller's bytes,
	// not what was checked.
	ls := op.locations
	var p parsed
	if len(ls) > 0 {
		// The S3 location step's parse, from the call state; the stack
		// value, whose lookup walks the context's chain of values, only
		// for a call without one (see parsedKey).
		if p = st.parsedLocations(); p == nil {
			p = stackParsed(ctx)
		}
		if len(p) != len(ls) {
			// The S3 location safeguard did not run on this call: nothing
			// here was parsed, so nothing can be checked; refuse rather
			// than pass.
			return middleware.InitializeOutput{}, middleware.Metadata{}, postureBypassed(op.name)
		}
	}
	for i := range ls {
		l := &ls[i]
		if p[i].Bucket == "" {
			// Absent (the SDK's validator reports it), or refused by the
			// S3 location safeguard; in report-only mode there is nothing
			// sound to check.
			continue
		}
		// A data deletion job reads user IDs as they were imported: only
		// imports are scanned. The scan and the object check share one
		// listing of the source.
		var src *importSource
		var dataset string
		if g.scan != nil && l.objects && op.name == "CreateDatasetImportJob" {
			if d, _, set := op.datasetGet.read(in.Parameters, op.datasetAt); set {
				if st != nil && st.dataset != "" {
					// The dataset the group key step checked and noted for
					// the wire gate, in the state's copy: the caller's
					// bytes may read otherwise by now.
					d = st.dataset
				}
				dataset, src = d, g.newImportSource(p[i])
			}
		}
		// An import's or export's data is under keys of its own, which
		// Personalize must be able to use as it uses the group's; so are
		// the input objects a batch inference, batch segment or data
		// deletion job reads with its role.
		dataKeys := op.groupKey != groupKeyNone || l.objects && op.roleAt != nil
		var keyBuf [2]string // the usual data is under one key
		keys, err := g.checkBucket(ctx, st, l, p[i], src, dataKeys, keyBuf[:0])
		if err != nil {
			return middleware.InitializeOutput{}, middleware.Metadata{}, err
		}
		if len(keys) > 0 {
			if err := g.checkDataKeys(ctx, st, op, in.Parameters, l.field, keys); err != nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, err
			}
		}
		if src != nil {
			if err := g.scanImport(ctx, st, l.field, dataset, src); err != nil {
				return middleware.InitializeOutput{}, middleware.Metadata{}, err
			}
		}
	}
	return next.HandleInitialize(ctx, in)
}

// stackParsed is the parse the S3 location step left as a stack value, for
// a call without a call state (see parsedKey). Not inlined: the state's is
// the usual call's.
//
//go:noinline
func stackParsed(ctx context.Context) parsed {
	p, _ := middleware.GetStackValue(ctx, parsedKey{}).(parsed)
	return p
}

// postureBypassed is the bucket posture step's refusal of a call on which
// the S3 location safeguard did not run. Not a violation: refused in
// report-only mode too. Apart from the step, and not inlined, so that its
// code is not among the lines every call runs through.
//
//go:noinline
func postureBypassed(op string) error {
	return &SafeguardError{Operation: op, Rule: RuleBypassed,
		Reason: "the S3 location safeguard did not run on this call, so the bucket posture check cannot"}
}

// checkBucket checks loc's bucket and, for a source, its objects, from
// src's listing when the import scan reads it too. With dataKeys, it
// returns the KMS keys the data is under once both passed, appended to
// keys: the objects' (see s3guard.Checker.CheckObjectKeys) or, for an
// output, the bucket's default key.
func (g *Guard) checkBucket(ctx context.Context, st *callState, l *locationPlace, loc s3guard.Location, src *importSource, dataKeys bool, keys []string) ([]string, error) {
	// CheckLocation judges Personalize's grant on the location itself, so a
	// grant scoped to a prefix is recognised; the TLS-only deny and the rest
	// must still cover the whole bucket.
	rep, err := g.buckets.CheckLocation(ctx, loc, l.dir)
	if err != nil {
		return nil, g.refuse(ctx, st, l.field, RuleS3CheckFailed, bucketUncheckedReason, err, nil)
	}
	if b := g.blocking(rep); len(b) > 0 {
		return nil, g.refuse(ctx, st, l.field, RuleBucketPosture, "the bucket is not safe for Personalize data", nil, b)
	}
	st.act(actedBucketPosture)
	if !l.objects {
		if !dataKeys || l.dir != s3guard.Write {
			return nil, nil
		}
		return g.outputKeys(ctx, st, l, loc, keys)
	}
	var list s3guard.ListFunc
	if src != nil {
		list = src.list
	}
	rep, keys, err = g.buckets.CheckObjectKeys(ctx, loc, list, keys)
	if err != nil {
		return nil, g.refuse(ctx, st, l.field, RuleS3CheckFailed, "the source objects could not be checked, so the guard refuses to use them", err, nil)
	}
	if b := g.blocking(rep); len(b) > 0 {
		return nil, g.refuse(ctx, st, l.field, RuleObjectPosture, "the source objects are not encrypted as the policy requires", nil, b)
	}
	st.act(actedObjectPosture)
	if !dataKeys {
		return nil, nil
	}
	return keys, nil
}

const bucketUncheckedReason = "the bucket could not be checked, so the guard refuses to use it"

// outputKeys is checkBucket's key of an output written under the bucket's
// default: the KMS key, or none for SSE-S3 (which the bucket posture check
// judged). Apart from checkBucket, and not inlined, so that an import's
// path through checkBucket is a few contiguous lines.
//
//go:noinline
func (g *Guard) outputKeys(ctx context.Context, st *callState, l *locationPlace, loc s3guard.Location, keys []string) ([]string, error) {
	key, isKMS, err := g.buckets.DefaultKMSKey(ctx, loc.Bucket)
	if err != nil {
		return nil, g.refuse(ctx, st, l.field, RuleS3CheckFailed, bucketUncheckedReason, err, nil)
	}
	if !isKMS {
		return nil, nil // SSE-S3 or none: the bucket posture check judged it
	}
	return append(keys, key), nil
}

// refuse is a posture step's refusal of the member at field (see
// violation), with the call's operation name. Apart from the steps, and not
// inlined, so that the refusals' code (a SafeguardError built in place
// each) is not among the lines every call runs through.
//
//go:noinline
func (g *Guard) refuse(ctx context.Context, st *callState, field, rule, reason string, err error, findings []posture.Finding) error {
	return g.violation(ctx, st, &SafeguardError{Operation: opName(ctx, st), Field: field, Rule: rule, Reason: reason, Err: err, Findings: findings})
}

// checkDataKeys holds the KMS keys that encrypt an import's objects (keys),
// a batch or data deletion job's input objects, or an export's output by
// the bucket's default, to the key readiness
// check, for the job's role, as the dataset group's key is: Personalize
// reads and writes the data under these keys, and AWS asks that such a
// key's policy grant Personalize and the role Decrypt, GenerateDataKey,
// DescribeKey, CreateGrant and ListGrants ("Giving Amazon Personalize
// permission to use your AWS KMS key"). A key this call already checked
// (the group's, for the same role) is not checked again.
func (g *Guard) checkDataKeys(ctx context.Context, st *callState, op *boundOp, params any, field string, keys []string) error {
	for _, key := range keys {
		if st.keyReady(key) {
			continue // the usual case, tested first: no parse, no lookup
		}
		if err := g.checkDataKey(ctx, st, op, params, field, key); err != nil {
			return err
		}
	}
	return nil
}

// checkDataKey is checkDataKeys for a key this call has not checked yet.
// Apart from checkDataKeys, and not inlined, so that the usual call's
// path through checkDataKeys is a few contiguous lines.
//
//go:noinline
func (g *Guard) checkDataKey(ctx context.Context, st *callState, op *boundOp, params any, field, key string) error {
	arn, ok := g.dataKeyARN(key)
	switch {
	case key == "":
		// aws/s3 (S3 names it by no key): its key policy, which no one
		// can change, lets only principals of the account use it, and
		// only through S3; personalize.amazonaws.com is neither, so
		// Personalize cannot read or write data under it.
		return g.violation(ctx, st, &SafeguardError{Operation: op.name, Field: field, Rule: RuleKMSKeyNotReady,
			Reason: "the data is encrypted with the AWS managed key aws/s3, whose key policy cannot grant Personalize access; use a customer managed key"})
	case !ok:
		return g.violation(ctx, st, &SafeguardError{Operation: op.name, Field: field, Rule: RuleKMSKeyARN,
			Reason: "the data's KMS key is named by an alias or a key ID that is no allowed key, so the guard cannot check it; name the key by its ARN"})
	case st.keyReady(arn):
		return nil
	}
	role, _, _ := op.roleGet.read(params, op.roleAt)
	dataset, _, _ := op.datasetGet.read(params, op.datasetAt)
	u := keyUse{field: field, key: arn, role: role}
	if u.resKind, u.resName = groupResource(dataset); u.resKind == "" {
		u.resKind, u.resName = op.resourceOf(params) // a batch job's own
	}
	return g.checkKey(ctx, st, &u)
}

// dataKeyARN returns the key ARN of key as S3 names it: an ARN, or a key
// ID of an allowed key. S3 resolves a bare key ID in the bucket owner's
// account, which the guard does not know otherwise.
func (g *Guard) dataKeyARN(key string) (string, bool) {
	if key == "" {
		return "", false
	}
	if k, err := kmscheck.ParseKeyARN(key); err == nil {
		return k.String(), true
	}
	if strings.HasPrefix(key, "alias/") || strings.Contains(key, ":") {
		return "", false
	}
	for _, a := range g.s.allowedKeys {
		if strings.HasSuffix(a, ":key/"+key) {
			return a, true
		}
	}
	return "", false
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
