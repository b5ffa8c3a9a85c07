package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// put uploads objects to the scene's bucket.
func (e *s3Env) put(t *testing.T, objects map[string]string) {
	t.Helper()
	client := s3.NewFromConfig(e.srv.Config())
	for key, body := range objects {
		if _, err := client.PutObject(context.Background(), &s3.PutObjectInput{Bucket: &e.scene.Bucket, Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	e.srv.ResetRequests()
}

// luhnCard returns digits with its Luhn check digit appended.
func luhnCard(digits string) string {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-i)%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return digits + fmt.Sprint((10-sum%10)%10)
}

// TestScanS3SplitCards: a column of 19-digit cards split two to an object,
// each object alone read as chance, is blocking over the prefix: the
// prefix's merged report sets the exit status and "blocking".
func TestScanS3SplitCards(t *testing.T) {
	e := newS3Env(t)
	objects := map[string]string{}
	for i := range 10 {
		body := "USER_ID,ITEM_ID,TIMESTAMP,NOTE\n"
		for j := range 2 {
			body += fmt.Sprintf("u%d,i%d,1700000000,%s\n", i, j, luhnCard(fmt.Sprintf("4%017d", 1000003*(2*i+j)+12345)))
		}
		objects[fmt.Sprintf("split/part-%02d.csv", i)] = body
	}
	e.put(t, objects)
	got := e.run("scan", "-format", "json", "s3://$BUCKET/split/")
	var out scanOutput
	if err := json.Unmarshal(e.stdout.Bytes(), &out); err != nil {
		t.Fatalf("stdout is not JSON: %v\n%s", err, &e.stdout)
	}
	for _, f := range out.Files {
		if f.Report == nil || f.Report.Blocking() {
			t.Fatalf("%s: blocking alone or not scanned (the test's premise): %s", f.File, f.Error)
		}
	}
	type result struct {
		Code     int
		Blocking bool
		Verdict  string
	}
	want := result{Code: exitFindings, Blocking: true, Verdict: "identifying"}
	res := result{Code: got, Blocking: out.Blocking}
	if len(out.Sources) == 1 && out.Sources[0].Report != nil && len(out.Sources[0].Report.Columns) == 4 {
		res.Verdict = string(out.Sources[0].Report.Columns[3].Verdict)
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Errorf("scan of split cards mismatch (-want +got):\n%s\nstderr:\n%s", diff, &e.stderr)
	}
}

// TestScanS3KeyControls: object keys are written by whoever can upload to
// the bucket; a key's line breaks, escapes (C1 CSI) and bidirectional
// overrides must not reach the operator's terminal, where they could
// rewrite or hide the lines that report a dirty object.
func TestScanS3KeyControls(t *testing.T) {
	keys := []string{
		"ctl/a-dirty.csv\rs3://elsewhere/clean.csv",
		"ctl/b\u009b2A\u009b2K.csv",
		"ctl/c\u202ecsv.exe",
		"ctl/d\ttab.csv",
	}
	for _, format := range []string{"table", "json"} {
		t.Run(format, func(t *testing.T) {
			e := newS3Env(t)
			objects := map[string]string{}
			for _, k := range keys {
				objects[k] = "USER_ID,ITEM_ID\nu1,i1\n"
			}
			e.put(t, objects)
			e.srv.Deny("s3", "GetObject") // the keys reach stderr too
			if got := e.run("scan", "-format", format, "s3://$BUCKET/ctl/"); got != exitError {
				t.Errorf("exit status %d, want %d; stderr:\n%s", got, exitError, &e.stderr)
			}
			out := e.stdout.String() + e.stderr.String()
			for _, bad := range []string{"\r", "\u009b", "\u202e", "\t"} {
				if strings.Contains(out, bad) {
					t.Errorf("the output holds %q from a key:\n%q", bad, out)
				}
			}
			for _, want := range []string{`\r`, `\u009b`, `\u202e`, `\t`} {
				if !strings.Contains(out, want) {
					t.Errorf("the output does not name a key with %s:\n%s", want, out)
				}
			}
		})
	}
}

// TestScanS3EmptyObject: a zero-byte object under a prefix (the _SUCCESS
// marker Spark and Glue jobs write) holds no rows; the guard's import scan
// skips it, and so does the command.
func TestScanS3EmptyObject(t *testing.T) {
	e := newS3Env(t)
	e.put(t, map[string]string{"spark/_SUCCESS": "", "spark/part-00000.csv": "USER_ID,ITEM_ID\nu1,i1\n"})
	if got := e.run("scan", "s3://$BUCKET/spark/"); got != exitOK {
		t.Errorf("exit status %d, want %d\nstdout:\n%s\nstderr:\n%s", got, exitOK, &e.stdout, &e.stderr)
	}
}

// TestScanS3ChangedAfterListing: an object replaced between the listing
// and its read is an error naming the change, not a scan of the new
// content under the old listing: refused by S3 (If-Match), or, from a store
// that ignores If-Match, by the command's own comparison of ETags.
func TestScanS3ChangedAfterListing(t *testing.T) {
	for _, tt := range []struct {
		name     string
		ignoreIf bool
	}{
		{"S3 honours If-Match", false},
		{"a store that ignores If-Match", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newS3Env(t)
			ctx := t.Context()
			client, err := e.cmd.newS3Client(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if tt.ignoreIf {
				client = s3.New(client.Options(), func(o *s3.Options) {
					o.APIOptions = append(o.APIOptions, dropIfMatch)
				})
			}
			objs, err := listS3(ctx, client, s3guardLocation(t, "s3://"+e.scene.Bucket+"/clean/"), 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			e.put(t, map[string]string{objs[0].key: "USER_ID,ITEM_ID\njane.doe@example.com,i1\n"})
			body, err := openS3(ctx, client, e.scene.Bucket, objs[0], defaultTimeout)
			if err == nil {
				body.Close()
				t.Fatal("openS3 read the replaced object")
			}
			if !strings.Contains(err.Error(), "changed after it was listed") {
				t.Errorf("openS3: %v; want the change named", err)
			}
		})
	}
}

// dropIfMatch removes the If-Match header from each request before it is
// signed: what an S3-compatible store that ignores it would see.
func dropIfMatch(stack *middleware.Stack) error {
	return stack.Build.Add(middleware.BuildMiddlewareFunc("DropIfMatch", func(ctx context.Context, in middleware.BuildInput, next middleware.BuildHandler) (middleware.BuildOutput, middleware.Metadata, error) {
		if req, ok := in.Request.(*smithyhttp.Request); ok {
			req.Header.Del("If-Match")
		}
		return next.HandleBuild(ctx, in)
	}), middleware.After)
}

func s3guardLocation(t *testing.T, s string) s3guard.Location {
	t.Helper()
	loc, err := s3guard.ParseLocation(s)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// pagesS3 answers ListObjectsV2 with fixed pages of keys, each of 10
// bytes unless sizes says otherwise.
type pagesS3 struct {
	s3.HeadObjectAPIClient // nil: not called for a prefix
	pages                  [][]string
	sizes                  map[string]int64
}

func (p *pagesS3) ListObjectsV2(_ context.Context, in *s3.ListObjectsV2Input, _ ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	i := 0
	if in.ContinuationToken != nil {
		fmt.Sscan(*in.ContinuationToken, &i)
	}
	out := &s3.ListObjectsV2Output{}
	for _, k := range p.pages[i] {
		size, ok := p.sizes[k]
		if !ok {
			size = 10
		}
		out.Contents = append(out.Contents, s3types.Object{Key: aws.String(k), ETag: aws.String(`"e"`), Size: aws.Int64(size)})
	}
	if i+1 < len(p.pages) {
		out.IsTruncated, out.NextContinuationToken = aws.Bool(true), aws.String(fmt.Sprint(i+1))
	}
	return out, nil
}

// TestListS3Inconsistent: a listing that names a key twice, or a key
// outside the prefix, is not one S3 makes for the prefix asked (a proxy or
// a store that ignores Prefix): it is an error, not objects scanned twice
// or objects the import never reads reported as the prefix's.
func TestListS3Inconsistent(t *testing.T) {
	loc := s3guardLocation(t, "s3://bucket-a/data/")
	tests := []struct {
		name    string
		pages   [][]string
		want    []string
		wantErr string
	}{
		{name: "consistent", pages: [][]string{{"data/a.csv", "data/b.csv"}, {"data/c.csv"}}, want: []string{"data/a.csv", "data/b.csv", "data/c.csv"}},
		{name: "a key twice over two pages", pages: [][]string{{"data/a.csv", "data/b.csv"}, {"data/b.csv"}}, wantErr: "twice"},
		{name: "a key outside the prefix", pages: [][]string{{"data/a.csv"}, {"other/b.csv"}}, wantErr: "outside the prefix"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			objs, err := listS3(t.Context(), &pagesS3{pages: tt.pages}, loc, 0, 0)
			var got []string
			for _, o := range objs {
				got = append(got, o.key)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("listS3 keys mismatch (-want +got):\n%s", diff)
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("listS3: %v, want an error holding %q", err, tt.wantErr)
			}
		})
	}
}
