package s3guard

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/posture"
)

// pagedS3 answers ListObjectsV2 with fixed pages, whatever the Prefix says
// (a proxy or an S3-compatible store that ignores it): the continuation
// token "pN" asks for page N. HeadObject answers from heads. It records
// every ListObjectsV2 request.
type pagedS3 struct {
	pages []*s3.ListObjectsV2Output
	heads map[string]*s3.HeadObjectOutput
	errs  map[int]error // page index → the error that page fails with

	requests []listRequest
	headed   []string // the keys of HeadObject requests
}

// listRequest is what a test checks of a ListObjectsV2 request.
type listRequest struct {
	Prefix, Token *string
	MaxKeys       *int32
}

func (p *pagedS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	p.requests = append(p.requests, listRequest{Prefix: in.Prefix, Token: in.ContinuationToken, MaxKeys: in.MaxKeys})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	i := 0
	if in.ContinuationToken != nil {
		if _, err := fmt.Sscanf(*in.ContinuationToken, "p%d", &i); err != nil || i >= len(p.pages) {
			return nil, apiError("ListObjectsV2", 400, "InvalidArgument", nil)
		}
	}
	if err := p.errs[i]; err != nil {
		return nil, err
	}
	cp := *p.pages[i]
	cp.Contents = slices.Clone(cp.Contents)
	return &cp, nil
}

func (p *pagedS3) HeadObject(_ context.Context, in *s3.HeadObjectInput, _ ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	p.headed = append(p.headed, aws.ToString(in.Key))
	h, ok := p.heads[aws.ToString(in.Key)]
	if !ok {
		return nil, apiError("HeadObject", 404, "NotFound", nil)
	}
	cp := *h
	return &cp, nil
}

// entry is a listed object; size < 0 leaves Size out.
func entry(key string, size int64) types.Object {
	o := types.Object{Key: aws.String(key), ETag: aws.String(`"` + key + `"`)}
	if size >= 0 {
		o.Size = aws.Int64(size)
	}
	return o
}

// paged chains pages of entries with the tokens "p1", "p2", ...
func paged(pages ...[]types.Object) []*s3.ListObjectsV2Output {
	out := make([]*s3.ListObjectsV2Output, len(pages))
	for i, c := range pages {
		out[i] = &s3.ListObjectsV2Output{Contents: c}
		if i < len(pages)-1 {
			out[i].IsTruncated, out[i].NextContinuationToken = aws.Bool(true), aws.String(fmt.Sprint("p", i+1))
		}
	}
	return out
}

// object is the Object a listed entry(key, size) becomes.
func object(key string, size int64) Object {
	o := Object{Key: key, ETag: `"` + key + `"`}
	if size >= 0 {
		o.Size = aws.Int64(size)
	}
	return o
}

// listed is what a test compares of a Listing.
type listed struct {
	HeadETag  string
	Keys      []string
	Objects   []Object
	Truncated bool
}

func listedOf(l Listing) listed {
	g := listed{Keys: l.Keys, Objects: l.Objects, Truncated: l.Truncated}
	if l.Head != nil {
		g.HeadETag = aws.ToString(l.Head.ETag)
	}
	return g
}

// secret is part of every key of the refused listings: an export named
// after a customer. No error may carry it.
const secret = "jane.doe@example.com"

func TestListObjects(t *testing.T) {
	prefix := Location{Bucket: testBucket, Key: "data/"}
	s3Down := apiError("ListObjectsV2", 503, "SlowDown", nil)
	noToken := paged([]types.Object{entry("data/a.csv", 5)}, []types.Object{entry("data/b.csv", 5)})
	noToken[0].NextContinuationToken = nil
	sameToken := paged([]types.Object{entry("data/a.csv", 5)}, []types.Object{entry("data/b.csv", 5)}, []types.Object{entry("data/c.csv", 5)})
	sameToken[1].NextContinuationToken = aws.String("p1")
	canceled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name   string
		reason string
		ctx    context.Context // nil: Background
		loc    Location
		opts   func(*ListOptions)
		pages  []*s3.ListObjectsV2Output
		heads  map[string]*s3.HeadObjectOutput
		errs   map[int]error

		want         listed
		wantRequests []listRequest
		wantRule     string           // a *ListingError's rule
		wantErr      func(error) bool // any other error
		noCalls      bool             // refused before any call
	}{
		{
			name: "markers and empty objects are not data", loc: prefix,
			reason: "a folder marker and a job's _SUCCESS hold no rows; a key ending in / that holds bytes is data; an unknown size is checked, not skipped",
			pages:  paged([]types.Object{entry("data/", 0), entry("data/a.csv", 10), entry("data/_SUCCESS", 0), entry("data/sub/", 3), entry("data/b.csv", -1)}),
			want: listed{Keys: []string{"data/", "data/a.csv", "data/_SUCCESS", "data/sub/", "data/b.csv"},
				Objects: []Object{object("data/a.csv", 10), object("data/sub/", 3), object("data/b.csv", -1)}},
			wantRequests: []listRequest{{Prefix: aws.String("data/")}},
		},
		{
			name: "follows IsTruncated and NextContinuationToken", loc: prefix, opts: func(o *ListOptions) { o.PageSize = 2 },
			reason: "every page is read, each asking for the token the last one gave, at the page size asked",
			pages:  paged([]types.Object{entry("data/a.csv", 1), entry("data/b.csv", 1)}, []types.Object{entry("data/c.csv", 1)}, nil),
			want: listed{Keys: []string{"data/a.csv", "data/b.csv", "data/c.csv"},
				Objects: []Object{object("data/a.csv", 1), object("data/b.csv", 1), object("data/c.csv", 1)}},
			wantRequests: []listRequest{
				{Prefix: aws.String("data/"), MaxKeys: aws.Int32(2)},
				{Prefix: aws.String("data/"), Token: aws.String("p1"), MaxKeys: aws.Int32(2)},
				{Prefix: aws.String("data/"), Token: aws.String("p2"), MaxKeys: aws.Int32(2)},
			},
		},
		{
			name: "whole bucket", loc: Location{Bucket: testBucket},
			reason:       "no Prefix is sent, and every key is under the empty prefix",
			pages:        paged([]types.Object{entry("a.csv", 1), entry("z/b.csv", 1)}),
			want:         listed{Keys: []string{"a.csv", "z/b.csv"}, Objects: []Object{object("a.csv", 1), object("z/b.csv", 1)}},
			wantRequests: []listRequest{{}},
		},
		{
			name: "MaxObjects stops mid-page", loc: prefix, opts: func(o *ListOptions) { o.MaxObjects = 2 },
			reason: "the listing ends at the second data object; keys after it are left",
			pages:  paged([]types.Object{entry("data/a.csv", 1), entry("data/m/", 0), entry("data/b.csv", 1), entry("data/c.csv", 1)}, []types.Object{entry("data/d.csv", 1)}),
			want: listed{Keys: []string{"data/a.csv", "data/m/", "data/b.csv"},
				Objects: []Object{object("data/a.csv", 1), object("data/b.csv", 1)}, Truncated: true},
			wantRequests: []listRequest{{Prefix: aws.String("data/")}},
		},
		{
			name: "MaxObjects at the listing's end", loc: prefix, opts: func(o *ListOptions) { o.MaxObjects = 2 },
			reason:       "nothing is left, so the listing is not truncated",
			pages:        paged([]types.Object{entry("data/a.csv", 1)}, []types.Object{entry("data/b.csv", 1)}),
			want:         listed{Keys: []string{"data/a.csv", "data/b.csv"}, Objects: []Object{object("data/a.csv", 1), object("data/b.csv", 1)}},
			wantRequests: []listRequest{{Prefix: aws.String("data/")}, {Prefix: aws.String("data/"), Token: aws.String("p1")}},
		},
		{
			name: "MaxPages", loc: prefix, opts: func(o *ListOptions) { o.MaxPages = 2 },
			reason:       "two round trips, and the listing says it stopped with keys left",
			pages:        paged([]types.Object{entry("data/", 0)}, []types.Object{entry("data/m/", 0)}, []types.Object{entry("data/a.csv", 1)}),
			want:         listed{Keys: []string{"data/", "data/m/"}, Truncated: true},
			wantRequests: []listRequest{{Prefix: aws.String("data/")}, {Prefix: aws.String("data/"), Token: aws.String("p1")}},
		},
		{
			name: "MaxListedKeys ends after the page that reaches it", loc: prefix, opts: func(o *ListOptions) { o.MaxListedKeys = 3 },
			reason: "pages are kept whole: four keys read, the third page not asked for",
			pages: paged([]types.Object{entry("data/a.csv", 1), entry("data/b.csv", 0)}, []types.Object{entry("data/c.csv", 1), entry("data/d/", 0)},
				[]types.Object{entry("data/e.csv", 1)}),
			want: listed{Keys: []string{"data/a.csv", "data/b.csv", "data/c.csv", "data/d/"},
				Objects: []Object{object("data/a.csv", 1), object("data/c.csv", 1)}, Truncated: true},
			wantRequests: []listRequest{{Prefix: aws.String("data/")}, {Prefix: aws.String("data/"), Token: aws.String("p1")}},
		},
		{
			name: "object key: HeadObject", loc: Location{Bucket: testBucket, Key: "data/a.csv"},
			reason: "the object the caller named is the listing, empty or not, and nothing is listed",
			heads:  map[string]*s3.HeadObjectOutput{"data/a.csv": {ETag: aws.String(`"v1"`), ContentLength: aws.Int64(0)}},
			want:   listed{HeadETag: `"v1"`, Objects: []Object{{Key: "data/a.csv", ETag: `"v1"`, Size: aws.Int64(0)}}},
		},
		{
			name: "object key not found", loc: Location{Bucket: testBucket, Key: "data/none.csv"},
			reason:  "S3's own error, for the caller to tell a missing object from a failure",
			wantErr: func(err error) bool { return isNotFound(err) && !errors.As(err, new(*CheckError)) },
		},

		// Refused listings: each key holds the secret.
		{
			name: "a key outside the prefix", loc: prefix,
			reason:   "a store that ignores Prefix lists objects the import does not read",
			pages:    paged([]types.Object{entry("data/a.csv", 1)}, []types.Object{entry("exports/"+secret+".csv", 1)}),
			wantRule: RuleListingOutsidePrefix,
		},
		{
			name: "a key outside the prefix after MaxObjects is reached", loc: prefix, opts: func(o *ListOptions) { o.MaxObjects = 1 },
			reason:   "a page is judged whole, before any of it is used",
			pages:    paged([]types.Object{entry("data/"+secret+"-1.csv", 1), entry("exports/"+secret+".csv", 1)}),
			wantRule: RuleListingOutsidePrefix,
		},
		{
			name: "a key twice on a page", loc: prefix,
			pages:    paged([]types.Object{entry("data/"+secret+".csv", 1), entry("data/"+secret+".csv", 1)}),
			wantRule: RuleListingDuplicateKey,
		},
		{
			name: "a page replayed", loc: prefix,
			reason:   "a proxy that ignores the continuation token repeats the first page's keys",
			pages:    paged([]types.Object{entry("data/"+secret+".csv", 1)}, []types.Object{entry("data/"+secret+".csv", 1)}),
			wantRule: RuleListingDuplicateKey,
		},
		{
			name: "an entry without a key", loc: Location{Bucket: testBucket},
			pages:    paged([]types.Object{entry(secret+".csv", 1), {Size: aws.Int64(1)}}),
			wantRule: RuleListingMalformed,
		},
		{
			name: "a negative size", loc: prefix,
			pages:    paged([]types.Object{entry("data/"+secret+".csv", -1), {Key: aws.String("data/b.csv"), Size: aws.Int64(-3)}}),
			wantRule: RuleListingMalformed,
		},
		{
			name: "truncated without a token", loc: prefix,
			reason: "the rest of the listing cannot be asked for: stopping there would judge part of it as the whole",
			pages:  noToken, wantRule: RuleListingPagination,
		},
		{
			name: "a token given twice", loc: prefix,
			reason: "the listing would loop for ever",
			pages:  sameToken, wantRule: RuleListingPagination,
		},

		// Failures and arguments.
		{
			name: "S3 fails on the second page", loc: prefix,
			reason: "the SDK's error, unwrapped, and no partial listing",
			pages:  paged([]types.Object{entry("data/a.csv", 1)}, nil), errs: map[int]error{1: s3Down},
			wantErr:      is(s3Down),
			wantRequests: []listRequest{{Prefix: aws.String("data/")}, {Prefix: aws.String("data/"), Token: aws.String("p1")}},
		},
		{
			name: "context cancelled", loc: prefix, ctx: canceled,
			reason:  "nothing is asked once the caller gave up",
			pages:   paged([]types.Object{entry("data/a.csv", 1)}),
			wantErr: is(context.Canceled), noCalls: true,
		},
		{
			name: "negative option", loc: prefix, opts: func(o *ListOptions) { o.MaxObjects = -1 },
			reason: "refused before any call", pages: paged(nil),
			wantErr: as[*ArgumentError], noCalls: true,
		},
		{
			name: "invalid location", loc: Location{Bucket: "Not_A_Bucket", Key: "data/"},
			reason: "refused before any call", pages: paged(nil),
			wantErr: as[*LocationError], noCalls: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := tt.ctx
			if ctx == nil {
				ctx = context.Background()
			}
			fake := &pagedS3{pages: tt.pages, heads: tt.heads, errs: tt.errs}
			var opts []func(*ListOptions)
			if tt.opts != nil {
				opts = append(opts, tt.opts)
			}
			got, err := ListObjects(ctx, fake, tt.loc, opts...)

			var le *ListingError
			switch {
			case tt.wantRule != "":
				if !errors.As(err, &le) || le.Rule != tt.wantRule {
					t.Fatalf("ListObjects(%v) = %v, want a *ListingError %s (%s)", tt.loc, err, tt.wantRule, tt.reason)
				}
				if strings.Contains(err.Error(), "jane.doe") || strings.Contains(err.Error(), "example.com") {
					t.Errorf("ListObjects error %q echoes a key", err)
				}
			case tt.wantErr != nil:
				if !tt.wantErr(err) {
					t.Fatalf("ListObjects(%v) = %v, not the error wanted (%s)", tt.loc, err, tt.reason)
				}
			case err != nil:
				t.Fatalf("ListObjects(%v) = %v, want no error (%s)", tt.loc, err, tt.reason)
			}
			if diff := cmp.Diff(tt.want, listedOf(got)); diff != "" {
				t.Errorf("ListObjects(%v) listing mismatch (%s) (-want +got):\n%s", tt.loc, tt.reason, diff)
			}
			if tt.wantRequests != nil {
				if diff := cmp.Diff(tt.wantRequests, fake.requests); diff != "" {
					t.Errorf("ListObjectsV2 requests mismatch (%s) (-want +got):\n%s", tt.reason, diff)
				}
			}
			if tt.noCalls && len(fake.requests)+len(fake.headed) > 0 {
				t.Errorf("ListObjects(%v) called S3 %d times, want none (%s)", tt.loc, len(fake.requests)+len(fake.headed), tt.reason)
			}
		})
	}
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func as[T error](err error) bool {
	var t T
	return errors.As(err, &t)
}

// TestCheckObjectsListingRules: the object check lists with ListObjects, so
// its rules hold there too: a listing with a key outside the prefix is a
// check that could not run (fail closed), and an empty object is not
// sampled as data.
func TestCheckObjectsListingRules(t *testing.T) {
	loc := Location{Bucket: testBucket, Key: "data/"}
	kms := &s3.HeadObjectOutput{ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(allowedKey)}
	plain := &s3.HeadObjectOutput{}
	heads := map[string]*s3.HeadObjectOutput{"data/_SUCCESS": plain, "data/a.csv": kms, "exports/" + secret + ".csv": plain}
	tests := []struct {
		name       string
		pages      []*s3.ListObjectsV2Output
		wantIDs    []string
		wantRule   string   // a *ListingError under a *CheckError
		wantHeaded []string // HeadObject requests
	}{
		{
			name:       "an empty object is not sampled",
			pages:      paged([]types.Object{entry("data/", 0), entry("data/_SUCCESS", 0), entry("data/a.csv", 10)}),
			wantHeaded: []string{"data/a.csv"},
		},
		{
			name:    "only markers and empty objects",
			pages:   paged([]types.Object{entry("data/", 0), entry("data/_SUCCESS", 0)}),
			wantIDs: []string{FindingSourceEmpty},
		},
		{
			name:     "a key outside the prefix",
			pages:    paged([]types.Object{entry("data/a.csv", 10), entry("exports/"+secret+".csv", 10)}),
			wantRule: RuleListingOutsidePrefix,
		},
		{
			name:     "a key twice",
			pages:    paged([]types.Object{entry("data/a.csv", 10)}, []types.Object{entry("data/a.csv", 10)}),
			wantRule: RuleListingDuplicateKey,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, check := range []struct {
				name string
				run  func(*pagedS3) (posture.Report, error)
			}{
				{"CheckObjects", func(f *pagedS3) (posture.Report, error) {
					return CheckObjects(context.Background(), f, loc, testReq())
				}},
				{"Checker.CheckListedObjects", func(f *pagedS3) (posture.Report, error) {
					return NewChecker(&checkAPI{f}, testReq()).CheckListedObjects(context.Background(), loc, func(ctx context.Context) (Listing, error) {
						return ListObjects(ctx, f, loc)
					})
				}},
			} {
				fake := &pagedS3{pages: tt.pages, heads: heads}
				rep, err := check.run(fake)
				if tt.wantRule != "" {
					var ce *CheckError
					var le *ListingError
					if !errors.As(err, &ce) || ce.Operation != "ListObjectsV2" || ce.Permission != "s3:ListBucket" || ce.Resource != testBucket ||
						!errors.As(err, &le) || le.Rule != tt.wantRule {
						t.Fatalf("%s = %v, %v; want a ListObjectsV2 *CheckError over a *ListingError %s", check.name, rep.IDs(), err, tt.wantRule)
					}
					if strings.Contains(err.Error(), secret) {
						t.Errorf("%s error %q echoes a key", check.name, err)
					}
				} else if err != nil {
					t.Fatalf("%s: %v", check.name, err)
				}
				if diff := cmp.Diff(tt.wantIDs, rep.IDs(), cmpopts.EquateEmpty()); diff != "" {
					t.Errorf("%s finding IDs mismatch (-want +got):\n%s", check.name, diff)
				}
				if diff := cmp.Diff(tt.wantHeaded, fake.headed); diff != "" {
					t.Errorf("%s HeadObject requests mismatch (-want +got):\n%s", check.name, diff)
				}
			}
		})
	}
}

// checkAPI is a Checker's client over a pagedS3: the bucket calls are not
// made by an object check.
type checkAPI struct{ *pagedS3 }

func (checkAPI) GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	return nil, errors.New("not called")
}

func (checkAPI) GetBucketEncryption(context.Context, *s3.GetBucketEncryptionInput, ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	return nil, errors.New("not called")
}

func (checkAPI) GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return nil, errors.New("not called")
}

func (checkAPI) GetPublicAccessBlock(context.Context, *s3.GetPublicAccessBlockInput, ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	return nil, errors.New("not called")
}

func (checkAPI) GetBucketOwnershipControls(context.Context, *s3.GetBucketOwnershipControlsInput, ...func(*s3.Options)) (*s3.GetBucketOwnershipControlsOutput, error) {
	return nil, errors.New("not called")
}
