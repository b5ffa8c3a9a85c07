package s3guard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/personalizeguard/personalizeguard/posture"
	"github.com/personalizeguard/personalizeguard/sensitive"
)

// Object sampling bounds for prefix locations.
const (
	DefaultObjectSample = 10
	MaxObjectSample     = 20
	// headConcurrency bounds the HeadObject calls in flight for one check.
	headConcurrency = 4
)

// CheckObjects checks the source objects of an import: that they exist and
// carry server-side encryption that req accepts (see [Requirements]).
//
// For an object key it calls HeadObject. For a prefix (loc.IsPrefix) it lists
// the first objects under it with [ListObjects] and calls HeadObject on up to
// [DefaultObjectSample] of them, skipping folder markers and empty objects;
// it is a sample, not a proof about every object. An empty prefix is a
// finding: Personalize would fail the import. A listing ListObjects refuses
// (a key outside the prefix, or twice) is a *[CheckError] over its
// *[ListingError]: the check could not run.
//
// The error is non-nil only when a check could not run (*[CheckError]) or loc
// is invalid (*[LocationError]).
func CheckObjects(ctx context.Context, c ObjectAPIClient, loc Location, req Requirements) (posture.Report, error) {
	if err := req.Validate(); err != nil {
		return posture.Report{}, err
	}
	if err := loc.Validate(); err != nil {
		return posture.Report{}, err
	}
	r, err := checkObjects(ctx, c, loc, &req, DefaultObjectSample, nil)
	return r.rep, err
}

// Listing is what S3 said about a location, as [ListObjects] reads it: for
// an object key, its HeadObject answer and the object; for a prefix, every
// key ListObjectsV2 returned, in its order (folder markers included), the
// data objects among them, and whether the listing stopped at a bound with
// keys left. A caller that lists the location for its own needs passes it
// to [Checker.CheckListedObjects], so that one check lists it once.
type Listing struct {
	Head      *s3.HeadObjectOutput
	Keys      []string
	Objects   []Object
	Truncated bool

	// ruled is set by ListObjects: Objects holds every data object read,
	// none at all included. A Listing built by hand is sampled from its
	// Objects or, when it has none, from its Keys, folder markers skipped.
	ruled bool
}

// ListFunc reads a location's Listing, usually with [ListObjects]. Its error
// is the S3 call's own, so that a missing bucket or object is told from a
// failure.
type ListFunc func(context.Context) (Listing, error)

// objectsResult is an object check's report and the KMS keys of the
// objects it read, as S3 names them ("" for aws/s3), each once.
type objectsResult struct {
	rep  posture.Report
	keys []string
}

func checkObjects(ctx context.Context, c ObjectAPIClient, loc Location, req *Requirements, sample int, det *sensitive.Detector) (objectsResult, error) {
	return checkListedObjects(ctx, c, loc, req, sample, det, func(ctx context.Context) (Listing, error) {
		return ListObjects(ctx, c, loc, func(o *ListOptions) {
			// Twice the sample a page, so a few folder markers do not cost
			// a second round trip.
			o.MaxObjects, o.MaxPages, o.PageSize = sample, maxListPages, int32(2*sample)
		})
	})
}

func checkListedObjects(ctx context.Context, c HeadObjectAPIClient, loc Location, req *Requirements, sample int, det *sensitive.Detector, list ListFunc) (objectsResult, error) {
	r, keys, err := checkListing(ctx, c, loc, req, sample, det, list)
	return objectsResult{rep: r, keys: keys}, err
}

func checkListing(ctx context.Context, c HeadObjectAPIClient, loc Location, req *Requirements, sample int, det *sensitive.Detector, list ListFunc) (posture.Report, []string, error) {
	r := posture.Report{Check: "s3.objects", Resource: loc.String()}
	var kmsKeys []string
	l, err := list(ctx)
	if !loc.IsPrefix() {
		switch {
		case err == nil && l.Head == nil:
			return posture.Report{}, nil, &CheckError{Operation: "HeadObject", Permission: "s3:GetObject", Resource: loc.Bucket, Err: errNoHead}
		case err == nil:
			kmsKeys = appendKMSKey(kmsKeys, l.Head)
			if f, ok := objectFinding(loc, loc.String(), 1, 1, classifyObject(l.Head, req), keyOf(l.Head), req); ok {
				r.Add(f)
			}
		case isNotFound(err):
			r.Add(posture.Finding{
				ID: FindingObjectNotFound, Severity: posture.High, Resource: loc.String(),
				Message:     fmt.Sprintf("Object %s does not exist, so Personalize would fail the import.", loc),
				Remediation: "Correct the location; for a folder, end it with \"/\".",
			})
		default:
			return posture.Report{}, nil, &CheckError{Operation: "HeadObject", Permission: "s3:GetObject", Resource: loc.Bucket, Err: err}
		}
		return r, kmsKeys, nil
	}

	switch {
	case errorCode(err) == codeNoSuchBucket:
		r.Add(posture.Finding{
			ID: FindingBucketNotFound, Severity: posture.Critical, Resource: loc.Bucket,
			Message:     fmt.Sprintf("Bucket %s does not exist, so Personalize would fail the import.", loc.Bucket),
			Remediation: "Correct the location.",
		})
		return r, kmsKeys, nil
	case err != nil:
		var ce *CheckError
		if errors.As(err, &ce) {
			return posture.Report{}, nil, err
		}
		return posture.Report{}, nil, &CheckError{Operation: "ListObjectsV2", Permission: "s3:ListBucket", Resource: loc.Bucket, Err: err}
	}
	keys := sampleKeys(l, sample)
	switch {
	case len(keys) == 0 && l.Truncated:
		r.Add(posture.Finding{
			ID: FindingSourceUnsampled, Severity: posture.Medium, Resource: loc.String(),
			Message:     fmt.Sprintf("The first %d keys under %s are all folder markers or empty objects, so the encryption of its objects was not checked.", len(l.Keys), loc),
			Remediation: "Point the import at the folder that holds the data files.",
		})
		return r, kmsKeys, nil
	case len(keys) == 0:
		r.Add(posture.Finding{
			ID: FindingSourceEmpty, Severity: posture.High, Resource: loc.String(),
			Message:     fmt.Sprintf("There are no objects under %s, so Personalize would fail the import.", loc),
			Remediation: "Upload the data first, or correct the location.",
		})
		return r, kmsKeys, nil
	}

	heads, err := headAll(ctx, c, loc.Bucket, keys)
	if err != nil {
		return posture.Report{}, nil, err
	}
	// One finding per problem, naming the first object that has it.
	type group struct {
		first    string // the object's name in the finding (listedName)
		firstKey string
		n        int
	}
	groups := map[objectClass]*group{}
	var order []objectClass
	checked := 0
	for i, h := range heads {
		if h == nil { // deleted between the listing and HeadObject
			continue
		}
		checked++
		kmsKeys = appendKMSKey(kmsKeys, h)
		cl := classifyObject(h, req)
		if cl == objectOK {
			continue
		}
		g, ok := groups[cl]
		if !ok {
			g = &group{first: ObjectName(loc.Bucket, keys[i], i, det), firstKey: keyOf(h)}
			groups[cl] = g
			order = append(order, cl)
		}
		g.n++
	}
	if checked == 0 {
		// Every sampled object vanished between the listing and HeadObject,
		// or the listing named objects the store does not hold: nothing
		// was checked, which is no pass.
		r.Add(posture.Finding{
			ID: FindingSourceUnsampled, Severity: posture.Medium, Resource: loc.String(),
			Message:     fmt.Sprintf("HeadObject found none of the %d objects listed under %s, so the encryption of its objects was not checked.", len(keys), loc),
			Remediation: "Check the location again once its objects are in place.",
		})
		return r, kmsKeys, nil
	}
	for _, cl := range order {
		g := groups[cl]
		if f, ok := objectFinding(loc, g.first, g.n, checked, cl, g.firstKey, req); ok {
			r.Add(f)
		}
	}
	return r, kmsKeys, nil
}

// maxListPages bounds the listing when a prefix starts with folder markers.
const maxListPages = 5

// sampleKeys returns the keys of the first sample data objects of l.
func sampleKeys(l Listing, sample int) []string {
	var keys []string
	if l.ruled || len(l.Objects) > 0 {
		for _, o := range l.Objects[:min(sample, len(l.Objects))] {
			keys = append(keys, o.Key)
		}
		return keys
	}
	for _, k := range l.Keys {
		if k != "" && isData(k, nil) {
			keys = append(keys, k)
			if len(keys) == sample {
				break
			}
		}
	}
	return keys
}

// headAll calls HeadObject on each key with bounded concurrency. A key that
// no longer exists yields nil; any other failure is a *CheckError.
func headAll(ctx context.Context, c HeadObjectAPIClient, bucket string, keys []string) ([]*s3.HeadObjectOutput, error) {
	out := make([]*s3.HeadObjectOutput, len(keys))
	errs := make([]error, len(keys))
	sem := make(chan struct{}, headConcurrency)
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			h, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(k)})
			if err != nil && !isNotFound(err) {
				errs[i] = err
				return
			}
			out[i] = h
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, &CheckError{Operation: "HeadObject", Permission: "s3:GetObject", Resource: bucket, Err: err}
		}
	}
	return out, nil
}

type objectClass int

const (
	objectOK objectClass = iota
	objectUnencrypted
	objectSSES3
	objectKeyNotAllowed
	objectSSEC
	objectUnrecognized
)

func classifyObject(h *s3.HeadObjectOutput, req *Requirements) objectClass {
	if h.SSECustomerAlgorithm != nil {
		return objectSSEC
	}
	switch classifySSE(h.ServerSideEncryption, keyOf(h), req) {
	case sseOK:
		return objectOK
	case sseNone:
		return objectUnencrypted
	case sseS3NotAllowed:
		return objectSSES3
	case sseKeyNotAllowed, sseKeyUnverified:
		return objectKeyNotAllowed
	}
	return objectUnrecognized
}

func keyOf(h *s3.HeadObjectOutput) string { return aws.ToString(h.SSEKMSKeyId) }

// appendKMSKey adds the KMS key of an SSE-KMS or DSSE-KMS object to keys,
// once.
func appendKMSKey(keys []string, h *s3.HeadObjectOutput) []string {
	if h.SSECustomerAlgorithm != nil || !isKMS(h.ServerSideEncryption) {
		return keys
	}
	if k := keyOf(h); !slices.Contains(keys, k) {
		keys = append(keys, k)
	}
	return keys
}

func isKMS(alg types.ServerSideEncryption) bool {
	return alg == types.ServerSideEncryptionAwsKms || alg == types.ServerSideEncryptionAwsKmsDsse
}

// objectFinding describes n of checked objects at loc in class cl; name
// names the first of them.
func objectFinding(loc Location, name string, n, checked int, cl objectClass, key string, req *Requirements) (posture.Finding, bool) {
	subject, are, carry := "Object "+name, "is", "carries"
	if checked > 1 {
		subject = fmt.Sprintf("%d of %d sampled objects (for example %s)", n, checked, name)
		if n > 1 {
			are, carry = "are", "carry"
		}
	}
	f := posture.Finding{Resource: loc.String(), Control: "Security Hub S3.17"}
	switch cl {
	case objectOK:
		return f, false
	case objectUnencrypted:
		f.ID, f.Severity = FindingObjectUnencrypted, posture.High
		f.Message = fmt.Sprintf("%s %s no server-side encryption.", subject, carry)
		f.Remediation = "Copy the objects onto themselves with SSE-KMS (or SSE-S3 where allowed), and configure default encryption on the bucket."
	case objectSSES3:
		f.ID, f.Severity = FindingObjectSSES3, posture.Medium
		f.Message = fmt.Sprintf("%s %s encrypted with SSE-S3, but a KMS key is required.", subject, are)
		f.Remediation = "Copy the objects onto themselves with SSE-KMS and an allowed key, or set Requirements.InsecureAllowSSES3."
	case objectKeyNotAllowed:
		f.ID, f.Severity = FindingObjectKeyNotAllowed, posture.High
		if key == "" {
			key = "aws/s3 (the AWS managed key)"
		}
		f.Message = fmt.Sprintf("%s %s encrypted with KMS key %s, which is not one of the %d allowed keys.", subject, are, key, len(req.AllowedKMSKeys))
		f.Remediation = "Copy the objects onto themselves with SSE-KMS and an allowed key."
	case objectSSEC:
		f.ID, f.Severity = FindingObjectSSEC, posture.High
		f.Message = fmt.Sprintf("%s %s encrypted with a customer-provided key (SSE-C), which Personalize cannot read.", subject, are)
		f.Remediation = "Re-upload the objects with SSE-KMS."
	default:
		f.ID, f.Severity = FindingObjectUnrecognized, posture.Medium
		f.Message = fmt.Sprintf("%s %s encrypted with a server-side encryption type the guard does not recognise.", subject, are)
		f.Remediation = "Re-upload the objects with SSE-KMS."
	}
	return f, true
}
