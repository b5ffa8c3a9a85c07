package s3guard

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/sensitive"
)

// lockedS3 is a pagedS3 whose HeadObject may be called concurrently, as
// the object check calls it.
type lockedS3 struct {
	mu sync.Mutex
	*pagedS3
}

func (l *lockedS3) HeadObject(ctx context.Context, in *s3.HeadObjectInput, o ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.pagedS3.HeadObject(ctx, in, o...)
}

// TestCheckObjectsFindingsNameNoListedKey: the keys under a prefix are
// named by whoever uploads, not by the caller (whose location the guard
// checked): an export named after a customer, or a key with a line break
// or a terminal escape, must not reach a finding, which callers print and
// log.
func TestCheckObjectsFindingsNameNoListedKey(t *testing.T) {
	loc := Location{Bucket: testBucket, Key: "data/"}
	plain := &s3.HeadObjectOutput{}
	sseS3 := &s3.HeadObjectOutput{ServerSideEncryption: types.ServerSideEncryptionAes256}
	tests := []struct {
		name    string
		keys    []string // listed, in order; each unencrypted
		banned  []string // no finding's text may hold these
		wantIDs []string
		// wantNamed: a clean key is still named, so the operator can find
		// the object.
		wantNamed string
	}{
		{
			name:    "an e-mail address in the first key",
			keys:    []string{"data/" + secret + ".csv", "data/b.csv"},
			banned:  []string{secret, "jane.doe", "example.com"},
			wantIDs: []string{FindingObjectUnencrypted},
		},
		{
			name:    "a line break and a terminal escape",
			keys:    []string{"data/a\n\x1b[2Jb.csv"},
			banned:  []string{"\n", "\x1b"},
			wantIDs: []string{FindingObjectUnencrypted},
		},
		{
			name:      "a clean key is named",
			keys:      []string{"data/part-0001.csv"},
			wantIDs:   []string{FindingObjectUnencrypted},
			wantNamed: "data/part-0001.csv",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var page []types.Object
			heads := map[string]*s3.HeadObjectOutput{}
			for _, k := range tt.keys {
				page = append(page, entry(k, 10))
				heads[k] = plain
			}
			heads["data/sse-s3.csv"] = sseS3
			fake := &lockedS3{pagedS3: &pagedS3{pages: paged(page), heads: heads}}
			rep, err := CheckObjects(context.Background(), fake, loc, testReq())
			if err != nil {
				t.Fatalf("CheckObjects(%v): %v", loc, err)
			}
			if diff := cmp.Diff(tt.wantIDs, rep.IDs(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("CheckObjects(%v) finding IDs mismatch (-want +got):\n%s", loc, diff)
			}
			for _, f := range rep.Findings {
				text := f.Resource + " " + f.Message + " " + f.Remediation
				for _, b := range tt.banned {
					if strings.Contains(text, b) {
						t.Errorf("finding %s = %q holds %q, a listed key's content", f.ID, text, b)
					}
				}
				if tt.wantNamed != "" && !strings.Contains(f.Message, tt.wantNamed) {
					t.Errorf("finding %s message %q does not name %q", f.ID, f.Message, tt.wantNamed)
				}
			}
		})
	}
}

// TestCheckObjectsSampleNotFound: HeadObject that finds none of the
// objects the listing gave (a listing that disagrees with the store, or a
// source emptied between the two calls) checked no object's encryption,
// which is no pass.
func TestCheckObjectsSampleNotFound(t *testing.T) {
	loc := Location{Bucket: testBucket, Key: "data/"}
	kms := &s3.HeadObjectOutput{ServerSideEncryption: types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(allowedKey)}
	tests := []struct {
		name    string
		reason  string
		heads   map[string]*s3.HeadObjectOutput
		wantIDs []string
	}{
		{
			name:    "none found",
			reason:  "no object's encryption was checked",
			heads:   map[string]*s3.HeadObjectOutput{},
			wantIDs: []string{FindingSourceUnsampled},
		},
		{
			name:   "some found",
			reason: "the objects found are the sample; they pass",
			heads:  map[string]*s3.HeadObjectOutput{"data/b.csv": kms},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &lockedS3{pagedS3: &pagedS3{pages: paged([]types.Object{entry("data/a.csv", 10), entry("data/b.csv", 10)}), heads: tt.heads}}
			rep, err := CheckObjects(context.Background(), fake, loc, testReq())
			if err != nil {
				t.Fatalf("CheckObjects(%v): %v", loc, err)
			}
			if diff := cmp.Diff(tt.wantIDs, rep.IDs(), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("CheckObjects(%v) finding IDs mismatch (%s) (-want +got):\n%s", loc, tt.reason, diff)
			}
		})
	}
}

// TestListObjectsTokenOnLastPage: a page that gives a continuation token
// but leaves IsTruncated out does not say where the listing ends. Taking
// it as the end judged the import, and scan s3://, on the first page alone
// while Personalize reads the rest; taking it as truncated would follow a
// token S3 never gave. It is refused. IsTruncated false is the end, token
// or not: gofakes3 sends a token on its last page.
func TestListObjectsTokenOnLastPage(t *testing.T) {
	loc := Location{Bucket: testBucket, Key: "data/"}
	tests := []struct {
		name      string
		truncated *bool
		token     *string
		wantRule  string
		wantKeys  []string
	}{
		{name: "IsTruncated left out, a token", token: aws.String("p1"), wantRule: RuleListingPagination},
		{name: "IsTruncated false, a token", truncated: aws.Bool(false), token: aws.String("p1"), wantKeys: []string{"data/a.csv"}},
		{name: "IsTruncated false, an empty token", truncated: aws.Bool(false), token: aws.String(""), wantKeys: []string{"data/a.csv"}},
		{name: "IsTruncated false, no token", truncated: aws.Bool(false), wantKeys: []string{"data/a.csv"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pages := paged([]types.Object{entry("data/a.csv", 5)}, []types.Object{entry("data/"+secret+".csv", 5)})
			pages[0].IsTruncated, pages[0].NextContinuationToken = tt.truncated, tt.token
			l, err := ListObjects(context.Background(), &pagedS3{pages: pages}, loc)
			var got struct {
				Rule string
				Keys []string
			}
			got.Keys = l.Keys
			var le *ListingError
			if errors.As(err, &le) {
				got.Rule = le.Rule
				if strings.Contains(err.Error(), secret) {
					t.Errorf("ListObjects error %q echoes a key", err)
				}
			} else if err != nil {
				t.Fatalf("ListObjects(%v) = %v, want a listing or a *ListingError", loc, err)
			}
			want := struct {
				Rule string
				Keys []string
			}{tt.wantRule, tt.wantKeys}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("ListObjects(%v) mismatch (-want +got):\n%s", loc, diff)
			}
		})
	}
}

// cancelS3 cancels its context when asked for the page numbered at.
type cancelS3 struct {
	*lockedS3
	cancel func()
	at     int
	n      int
}

func (c *cancelS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, o ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	if c.n++; c.n == c.at {
		c.cancel()
	}
	return c.lockedS3.ListObjectsV2(ctx, in, o...)
}

// TestListObjectsCancelledMidListing: a context cancelled between pages
// ends ListObjects with its error, asking for no further page; the Checker
// returns the caller's error at once while its check, on a goroutine of its
// own under its own timeout, reads on. Neither leaves a goroutine behind.
func TestListObjectsCancelledMidListing(t *testing.T) {
	loc := Location{Bucket: testBucket, Key: "data/"}
	var pages [][]types.Object
	for i := range 5 {
		pages = append(pages, []types.Object{entry(fmt.Sprintf("data/m%d/", i), 0)})
	}
	tests := []struct {
		name  string
		run   func(ctx context.Context, f *cancelS3) error
		pages int // ListObjectsV2 requests; 0: not checked
	}{
		{"ListObjects", func(ctx context.Context, f *cancelS3) error {
			_, err := ListObjects(ctx, f, loc)
			return err
		}, 2},
		{"Checker.CheckListedObjects", func(ctx context.Context, f *cancelS3) error {
			_, err := NewChecker(&checkAPI{f.pagedS3}, testReq()).CheckListedObjects(ctx, loc, func(ctx context.Context) (Listing, error) {
				return ListObjects(ctx, f, loc)
			})
			return err
		}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			for range 20 {
				ctx, cancel := context.WithCancel(context.Background())
				f := &cancelS3{lockedS3: &lockedS3{pagedS3: &pagedS3{pages: paged(pages...)}}, cancel: cancel, at: 2}
				if err := tt.run(ctx, f); !errors.Is(err, context.Canceled) {
					t.Fatalf("%s cancelled at page 2 = %v, want context.Canceled", tt.name, err)
				}
				if tt.pages > 0 && len(f.requests) != tt.pages {
					t.Errorf("%s cancelled at page 2 asked for %d pages, want %d", tt.name, len(f.requests), tt.pages)
				}
				cancel()
			}
			// The Checker's goroutines end with their checks: wait for them.
			after := runtime.NumGoroutine()
			for deadline := time.Now().Add(2 * time.Second); after > before && time.Now().Before(deadline); after = runtime.NumGoroutine() {
				time.Sleep(10 * time.Millisecond)
			}
			if after > before {
				t.Errorf("%d goroutines after 20 cancelled listings, %d before", after, before)
			}
		})
	}
}

// TestCheckerObjectNamesUseItsDetector: a Checker names objects with the
// Detector it was given (a guard's Policy.Detector), so a key holding what
// only a caller rule finds (a customer number) is not put into a finding.
func TestCheckerObjectNamesUseItsDetector(t *testing.T) {
	loc := Location{Bucket: testBucket, Key: "data/"}
	key := "data/customer-C7731.csv"
	det, err := sensitive.New(func(o *sensitive.Options) {
		o.Rules = []sensitive.Rule{{Kind: "customer-number", Pattern: regexp.MustCompile(`C\d{4}`)}}
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name      string
		det       *sensitive.Detector
		wantNamed bool
	}{
		{"default detector", nil, true},
		{"the caller's detector", det, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fake := goodBucket()
			fake.objects = map[string]*s3.HeadObjectOutput{key: {}}
			c := NewChecker(fake, testReq(), func(o *CheckerOptions) { o.Detector = tt.det })
			rep, err := c.CheckObjects(context.Background(), loc)
			if err != nil {
				t.Fatalf("CheckObjects(%v): %v", loc, err)
			}
			if diff := cmp.Diff([]string{FindingObjectUnencrypted}, rep.IDs()); diff != "" {
				t.Fatalf("finding IDs (-want +got):\n%s", diff)
			}
			if named := strings.Contains(rep.Findings[0].Message, "C7731"); named != tt.wantNamed {
				t.Errorf("finding %q names the key: %v, want %v", rep.Findings[0].Message, named, tt.wantNamed)
			}
		})
	}
}
