package personalize_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// The import scan end to end: the guard reads the source through its own S3
// client from personalizetest's S3, scans it against the dataset's schema
// (DescribeDataset, DescribeSchema) and refuses dirty data before
// CreateDatasetImportJob is sent.

// dirtyCanaries are values of the dirty scene's objects: no error, audit
// event or request may carry them.
var dirtyCanaries = []string{"alice.smith@example.com", "bob.jones", "4242 4242", "5105105105105100", "6011000990139424"}

// createItemsDataset creates the Items schema and dataset of a dataset
// group, through client.
func createItemsDataset(ctx context.Context, client *sdk.Client, group string) (string, error) {
	schema, err := client.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String(group + "-items"), Schema: aws.String(personalizetest.ItemsSchema)})
	if err != nil {
		return "", err
	}
	ds, err := client.CreateDataset(ctx, &sdk.CreateDatasetInput{
		Name:            aws.String(group + "-items"),
		DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/" + group),
		DatasetType:     aws.String("Items"),
		SchemaArn:       schema.SchemaArn,
	})
	if err != nil {
		return "", err
	}
	return aws.ToString(ds.DatasetArn), nil
}

// newScanEnv is a keyed env with the dirty scene, its movies group holding
// an Interactions and an Items dataset.
func newScanEnv(t *testing.T, p personalize.Policy) (e *env, interactions, items string) {
	t.Helper()
	if p.KMSKeyARN == "" {
		p.KMSKeyARN = "keyed"
	}
	e = newEnv(t, p, func(o *personalizetest.SceneOptions) { o.DatasetGroup, o.Dirty = "movies", true })
	ctx := context.Background()
	var err error
	if interactions, err = createDatasetAndSchema(ctx, e.client, "movies"); err != nil {
		t.Fatal(err)
	}
	if items, err = createItemsDataset(ctx, e.client, "movies"); err != nil {
		t.Fatal(err)
	}
	for _, arn := range []string{interactions, items} {
		waitJob(t, func() (string, error) {
			out, err := e.client.DescribeDataset(ctx, &sdk.DescribeDatasetInput{DatasetArn: aws.String(arn)})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.Dataset.Status), nil
		})
	}
	e.srv.ResetRequests()
	return e, interactions, items
}

// s3Calls counts the S3 requests of op the emulator received.
func (e *env) s3Calls(op string) int {
	n := 0
	for _, r := range e.srv.Requests() {
		if r.Service == personalizetest.ServiceS3 && r.Operation == op {
			n++
		}
	}
	return n
}

func TestImportScan(t *testing.T) {
	tests := []struct {
		name     string
		policy   personalize.Policy
		location func(personalizetest.Scene) string
		items    bool // import into the Items dataset
		rule     string
		findings []string
		reason   string
	}{
		{name: "clean interactions pass", location: func(s personalizetest.Scene) string { return s.DataLocation },
			reason: "nothing identifying: the import goes out after the scan"},
		{name: "e-mails as USER_ID", location: func(s personalizetest.Scene) string { return s.DirtyDataLocation },
			rule: "datascan.identifier.email", findings: []string{"datascan.identifier.email"},
			reason: "an identifier column of raw e-mail addresses must be pseudonymised first"},
		{name: "cards in an item description", location: func(s personalizetest.Scene) string { return s.DirtyItemsLocation }, items: true,
			rule: "datascan.column.credit-card", findings: []string{"datascan.column.credit-card"},
			reason: "a textual column carrying card numbers must be cleaned first"},
		{name: "file that does not fit the schema", location: func(s personalizetest.Scene) string { return s.DirtyItemsLocation },
			rule:   personalize.RuleImportScanFailed,
			reason: "an Items file imported into the Interactions dataset cannot be scanned against its schema: fail closed"},
		{name: "opt-out lets dirty data through", policy: personalize.Policy{InsecureSkipImportScan: true},
			location: func(s personalizetest.Scene) string { return s.DirtyDataLocation },
			reason:   "InsecureSkipImportScan switches the scan off, and nothing is read"},
		{name: "ignored finding lets dirty data through", policy: personalize.Policy{InsecureIgnoreFindings: []string{"datascan.identifier.email"}},
			location: func(s personalizetest.Scene) string { return s.DirtyDataLocation },
			reason:   "a finding ID in InsecureIgnoreFindings does not block"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, interactions, items := newScanEnv(t, tt.policy)
			in := importInput(e, "import-1")
			in.DatasetArn = aws.String(interactions)
			if tt.items {
				in.DatasetArn = aws.String(items)
			}
			in.DataSource.DataLocation = aws.String(tt.location(e.scene))
			_, err := e.client.CreateDatasetImportJob(context.Background(), in)
			events := parseAudit(t, e.auditLog())
			last := events[len(events)-1]
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("CreateDatasetImportJob(%s) = %v, want success (%s)", *in.DataSource.DataLocation, err, tt.reason)
				}
				scanned := strings.Contains(strings.Join(last.Safeguards, ","), personalize.ActionImportScanned)
				if want := !tt.policy.InsecureSkipImportScan; scanned != want {
					t.Errorf("audit safeguards %v: %s there = %v, want %v", last.Safeguards, personalize.ActionImportScanned, scanned, want)
				}
				if tt.policy.InsecureSkipImportScan && e.s3Calls("GetObject") != 0 {
					t.Errorf("S3 GetObject calls = %d with InsecureSkipImportScan, want 0", e.s3Calls("GetObject"))
				}
				return
			}
			sg := e.requireRefused(t, err, "DataSource.DataLocation", tt.rule, dirtyCanaries...)
			var ids []string
			for _, f := range sg.Findings {
				ids = append(ids, f.ID)
			}
			if diff := cmp.Diff(tt.findings, ids); diff != "" {
				t.Errorf("findings mismatch (-want +got):\n%s", diff)
			}
			got := auditEvent{Operation: last.Operation, Outcome: last.Outcome, Rule: last.Rule, Field: last.Field, Findings: last.Findings}
			want := auditEvent{Operation: "CreateDatasetImportJob", Outcome: personalize.OutcomeRejected, Rule: tt.rule, Field: "DataSource.DataLocation", Findings: tt.findings}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("audit event mismatch (-want +got):\n%s", diff)
			}
			if n := e.s3Calls("GetObject"); n != 1 {
				t.Errorf("S3 GetObject calls = %d, want 1 (the scan's read)", n)
			}
		})
	}
}

// TestImportScanCachedPerETag: a second import of the same object reads
// nothing (the scan is cached per object version); a changed object is read
// and judged again.
func TestImportScanCachedPerETag(t *testing.T) {
	e, interactions, _ := newScanEnv(t, personalize.Policy{})
	ctx := context.Background()
	for i, want := range []int{1, 0} {
		e.srv.ResetRequests()
		in := importInput(e, "import-"+string(rune('a'+i)))
		in.DatasetArn = aws.String(interactions)
		imp, err := e.client.CreateDatasetImportJob(ctx, in)
		if err != nil {
			t.Fatalf("import %d: %v", i+1, err)
		}
		waitJob(t, func() (string, error) {
			out, err := e.client.DescribeDatasetImportJob(ctx, &sdk.DescribeDatasetImportJobInput{DatasetImportJobArn: imp.DatasetImportJobArn})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.DatasetImportJob.Status), nil
		})
		if got := e.s3Calls("GetObject"); got != want {
			t.Errorf("import %d: S3 GetObject calls = %d, want %d", i+1, got, want)
		}
	}
	// The same key, new content: a new ETag, read and judged again.
	e.putEncrypted(t, "interactions.csv", personalizetest.DirtyInteractionsCSV)
	e.srv.ResetRequests()
	in := importInput(e, "import-c")
	in.DatasetArn = aws.String(interactions)
	_, err := e.client.CreateDatasetImportJob(ctx, in)
	e.requireRefused(t, err, "DataSource.DataLocation", "datascan.identifier.email", dirtyCanaries...)
	if got := e.s3Calls("GetObject"); got != 1 {
		t.Errorf("import of the changed object: S3 GetObject calls = %d, want 1", got)
	}
}

// TestImportScanFailsClosed: when the source cannot be read or the schema
// cannot be described, the import is refused and names what the guard needs.
func TestImportScanFailsClosed(t *testing.T) {
	tests := []struct {
		name, service, op, cause string
	}{
		{"GetObject denied", personalizetest.ServiceS3, "GetObject", "S3 GetObject was denied; the guard needs s3:GetObject"},
		{"DescribeSchema denied", personalizetest.ServicePersonalize, "DescribeSchema", "personalize:DescribeSchema"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, interactions, _ := newScanEnv(t, personalize.Policy{})
			e.srv.Deny(tt.service, tt.op)
			in := importInput(e, "import-1")
			in.DatasetArn = aws.String(interactions)
			_, err := e.client.CreateDatasetImportJob(context.Background(), in)
			e.requireRefused(t, err, "DataSource.DataLocation", personalize.RuleImportScanFailed, "user-1,item-1")
			if !strings.Contains(err.Error(), tt.cause) {
				t.Errorf("error %q does not say %q", err, tt.cause)
			}
		})
	}
}

// TestImportScanPrefix: for a folder, the scan reads up to ImportScanObjects
// objects: the first and the last of the listing and the rest drawn at random (folder markers skipped), each read
// once; a dirty object in the sample refuses the import.
func TestImportScanPrefix(t *testing.T) {
	tests := []struct {
		name    string
		objects int
		reads   int
		rule    string // "" when the import goes out
		reason  string
	}{
		{"sample of two misses a dirty middle part", 2, 2, "", "parts 0 and 5, the first and the last, are read; part 3 is not: a sample is not a proof"},
		{"default sample reads all six", 0, 6, "datascan.identifier.email", "six parts fit the default of eight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, interactions, _ := newScanEnv(t, personalize.Policy{ImportScanObjects: tt.objects})
			ctx := context.Background()
			keys := []string{"parts/", "parts/part-0.csv", "parts/part-1.csv", "parts/part-2.csv", "parts/part-3.csv", "parts/part-4.csv", "parts/part-5.csv"}
			for _, k := range keys {
				body := personalizetest.InteractionsCSV
				switch k {
				case "parts/":
					body = ""
				case "parts/part-3.csv":
					body = personalizetest.DirtyInteractionsCSV
				}
				e.putEncrypted(t, k, body)
			}
			e.srv.ResetRequests()
			in := importInput(e, "import-1")
			in.DatasetArn = aws.String(interactions)
			in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/parts/")
			_, err := e.client.CreateDatasetImportJob(ctx, in)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("import = %v, want success (%s); cause: %v", err, tt.reason, errors.Unwrap(errors.Unwrap(err)))
				}
			} else {
				e.requireRefused(t, err, "DataSource.DataLocation", tt.rule, dirtyCanaries...)
			}
			if got := e.s3Calls("GetObject"); got != tt.reads {
				t.Errorf("S3 GetObject calls = %d, want %d (%s)", got, tt.reads, tt.reason)
			}
		})
	}
}

// TestImportScanRangedRead: an object larger than its share of
// ImportScanBytes is read with one ranged GET from its start, and only the
// whole records in the range are scanned: a cut row is no parse error, and a
// dirty row past the range is not seen (a sample, not a proof).
func TestImportScanRangedRead(t *testing.T) {
	var big strings.Builder
	big.WriteString("USER_ID,ITEM_ID,TIMESTAMP\n")
	for i := 0; big.Len() < 200<<10; i++ {
		fmt.Fprintf(&big, "user-%d,\"item-%d\",%d\n", i%97, i%13, 1700000000+i)
	}
	tests := []struct {
		name   string
		bytes  int64
		head   string // inserted after the header
		tail   string // appended after 200 KiB of clean rows
		rng    string // the Range header of the GET, "" for none
		rule   string
		reason string
	}{
		{"clean, cut mid-row", 64 << 10, "", "", "bytes=0-65535", "", "the partial last row is dropped, not a parse error"},
		{"dirty row past the range", 64 << 10, "", "alice.smith@example.com,item-1,1700000000\n", "bytes=0-65535", "", "the sample reads the first 64 KiB only"},
		{"dirty row within the budget", 1 << 20, "", "alice.smith@example.com,item-1,1700000000\n", "", "datascan.identifier.email", "the whole object fits the budget and is read without a range"},
		{"bare quote before a dirty row", 64 << 10, "user-1,item\"1,1700000000\nalice.smith@example.com,item-1,1700000000\n", "", "bytes=0-65535", personalize.RuleImportScanFailed,
			"a bare quote is malformed CSV, not the start of a quoted field that hides the rest of the range from the scan"},
		{"first record longer than the range", 64 << 10, "user-1,\"" + strings.Repeat("x", 70<<10) + "\",1700000000\nalice.smith@example.com,item-1,1700000000\n", "", "bytes=0-65535", personalize.RuleImportScanFailed,
			"a range holding the header and no whole record judged nothing: it must not pass"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, interactions, _ := newScanEnv(t, personalize.Policy{ImportScanBytes: tt.bytes})
			ctx := context.Background()
			e.putEncrypted(t, "big.csv", strings.Replace(big.String(), "\n", "\n"+tt.head, 1)+tt.tail)
			e.srv.ResetRequests()
			in := importInput(e, "import-1")
			in.DatasetArn = aws.String(interactions)
			in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/big.csv")
			_, err := e.client.CreateDatasetImportJob(ctx, in)
			if tt.rule == "" {
				if err != nil {
					t.Fatalf("import = %v, want success (%s); cause: %v", err, tt.reason, errors.Unwrap(errors.Unwrap(err)))
				}
			} else {
				e.requireRefused(t, err, "DataSource.DataLocation", tt.rule, dirtyCanaries...)
			}
			var ranges []string
			for _, r := range e.srv.Requests() {
				if r.Service == personalizetest.ServiceS3 && r.Operation == "GetObject" {
					ranges = append(ranges, r.Header.Get("Range"))
				}
			}
			if diff := cmp.Diff([]string{tt.rng}, ranges); diff != "" {
				t.Errorf("GetObject Range headers mismatch (-want +got), %s:\n%s", tt.reason, diff)
			}
		})
	}
}

// TestImportScanReportOnly: in report-only mode the dirty import goes out,
// and the audit event says what the scan would have refused.
func TestImportScanReportOnly(t *testing.T) {
	e, interactions, _ := newScanEnv(t, personalize.Policy{InsecureReportOnly: true})
	in := importInput(e, "import-1")
	in.DatasetArn = aws.String(interactions)
	in.DataSource.DataLocation = aws.String(e.scene.DirtyDataLocation)
	if _, err := e.client.CreateDatasetImportJob(context.Background(), in); err != nil {
		t.Fatalf("import in report-only mode = %v, want success", err)
	}
	events := parseAudit(t, e.auditLog())
	last := events[len(events)-1]
	if diff := cmp.Diff([]string{"datascan.identifier.email at DataSource.DataLocation"}, last.ReportOnly); diff != "" {
		t.Errorf("audit report_only mismatch (-want +got):\n%s", diff)
	}
	if !slices.Contains(e.personalizeCalls(), "CreateDatasetImportJob") {
		t.Error("the import did not reach Personalize in report-only mode")
	}
	for _, c := range dirtyCanaries {
		if strings.Contains(e.auditLog(), c) {
			t.Errorf("audit log echoes %q", c)
		}
	}
}

// noETagS3 is an S3 client whose HeadObject and ListObjectsV2 answers carry
// no ETag, as an S3-compatible store or a proxy in front of S3 might.
type noETagS3 struct{ *s3.Client }

func (n *noETagS3) HeadObject(ctx context.Context, in *s3.HeadObjectInput, o ...func(*s3.Options)) (*s3.HeadObjectOutput, error) {
	out, err := n.Client.HeadObject(ctx, in, o...)
	if out != nil {
		out.ETag = nil
	}
	return out, err
}

func (n *noETagS3) ListObjectsV2(ctx context.Context, in *s3.ListObjectsV2Input, o ...func(*s3.Options)) (*s3.ListObjectsV2Output, error) {
	out, err := n.Client.ListObjectsV2(ctx, in, o...)
	if out != nil {
		for i := range out.Contents {
			out.Contents[i].ETag = nil
		}
	}
	return out, err
}

// TestImportScanNoETag: a scan result is cached per object version; with no
// ETag to name the version, a clean result cached under "" must not pass
// the object once its content changed (and no If-Match held the read to
// the version listed). The guard refuses to scan a source without an ETag.
func TestImportScanNoETag(t *testing.T) {
	fake := &noETagS3{}
	e, interactions, _ := newScanEnv(t, personalize.Policy{S3Client: fake})
	fake.Client = s3.NewFromConfig(e.srv.Config())
	ctx := context.Background()
	put := func(ids ...string) {
		t.Helper()
		b := "USER_ID,ITEM_ID,TIMESTAMP\n"
		for _, id := range ids {
			b += id + ",item-1,1700000000\n"
		}
		e.putEncrypted(t, "same.csv", b)
	}
	// The same size: only the ETag tells the two versions apart.
	clean := "user-" + strings.Repeat("1", len("alice.smith@example.com")-len("user-"))
	put(clean, clean, clean)
	in := importInput(e, "import-a")
	in.DatasetArn = aws.String(interactions)
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/same.csv")
	if imp, err := e.client.CreateDatasetImportJob(ctx, in); err == nil { // clean: passes without the fix, and is cached
		waitJob(t, func() (string, error) {
			out, err := e.client.DescribeDatasetImportJob(ctx, &sdk.DescribeDatasetImportJobInput{DatasetImportJobArn: imp.DatasetImportJobArn})
			if err != nil {
				return "", err
			}
			return aws.ToString(out.DatasetImportJob.Status), nil
		})
	}
	put("alice.smith@example.com", "alice.smith@example.com", "alice.smith@example.com")
	e.srv.ResetRequests()
	in.JobName = aws.String("import-b")
	_, err := e.client.CreateDatasetImportJob(ctx, in)
	e.requireRefused(t, err, "DataSource.DataLocation", personalize.RuleImportScanFailed, dirtyCanaries...)
}

// TestImportScanEscapedKey: an s3:// location's key is taken as written,
// but a reader that decodes it reads another object: "a%2Fb.csv" is
// "a/b.csv" once decoded. The scan cannot know which one Personalize
// imports, so a location whose key holds %XX escapes is refused rather
// than the clean literal object scanned while the dirty decoded one is
// imported.
func TestImportScanEscapedKey(t *testing.T) {
	e, interactions, _ := newScanEnv(t, personalize.Policy{})
	ctx := context.Background()
	for key, body := range map[string]string{"esc/a%2Fb.csv": personalizetest.InteractionsCSV, "esc/a/b.csv": personalizetest.DirtyInteractionsCSV} {
		e.putEncrypted(t, key, body)
	}
	e.srv.ResetRequests()
	in := importInput(e, "import-1")
	in.DatasetArn = aws.String(interactions)
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/esc/a%2Fb.csv")
	_, err := e.client.CreateDatasetImportJob(ctx, in)
	e.requireRefused(t, err, "DataSource.DataLocation", personalize.RuleImportScanFailed, dirtyCanaries...)
}

// TestImportScanPrefixLastObject: a prefix's sample always reads the last
// object of the listing (a review found the sample, chosen by position
// alone, never did): eight clean objects and a dirty one whose key sorts
// last are refused with the default sample of eight.
func TestImportScanPrefixLastObject(t *testing.T) {
	e, interactions, _ := newScanEnv(t, personalize.Policy{})
	ctx := context.Background()
	for i := range 9 {
		body := personalizetest.InteractionsCSV
		if i == 8 {
			body = personalizetest.DirtyInteractionsCSV
		}
		e.putEncrypted(t, fmt.Sprintf("nine/part-%d.csv", i), body)
	}
	e.srv.ResetRequests()
	in := importInput(e, "import-1")
	in.DatasetArn = aws.String(interactions)
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/nine/")
	_, err := e.client.CreateDatasetImportJob(ctx, in)
	e.requireRefused(t, err, "DataSource.DataLocation", "datascan.identifier.email", dirtyCanaries...)
}

// TestImportScanKeyNotEchoed: the S3 location safeguard checks the
// location a caller gives, not the keys a prefix's listing returns. A
// finding names the object it is about; a listed key that holds an
// identifying value must not reach the error or the audit event through it.
func TestImportScanKeyNotEchoed(t *testing.T) {
	e, interactions, _ := newScanEnv(t, personalize.Policy{})
	ctx := context.Background()
	e.putEncrypted(t, "byuser/carol.white@example.org.csv", personalizetest.DirtyInteractionsCSV)
	e.srv.ResetRequests()
	in := importInput(e, "import-1")
	in.DatasetArn = aws.String(interactions)
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/byuser/")
	_, err := e.client.CreateDatasetImportJob(ctx, in)
	e.requireRefused(t, err, "DataSource.DataLocation", "datascan.identifier.email", dirtyCanaries...)
	// The guard's own GET names the key to S3, which holds it already.
	if strings.Contains(err.Error(), "carol.white") {
		t.Errorf("error names the listed key's e-mail address: %v", err)
	}
	if strings.Contains(e.auditLog(), "carol.white") {
		t.Errorf("audit log names the listed key's e-mail address: %s", e.auditLog())
	}
}

// TestImportSourceListedOnce: on a first import the object posture check and
// the scan share one listing of a prefix (one HeadObject of an object), and
// on the next import only the scan asks S3, once, for the ETags its cache is
// keyed on.
func TestImportSourceListedOnce(t *testing.T) {
	tests := []struct {
		name     string
		location func(e *env) string
		op       string // the S3 call that lists the source
		// want[i] counts op's calls on import i; heads the HeadObject
		// calls of the object posture check on a prefix, none after the
		// first import.
		want  []int
		heads []int
	}{
		{name: "prefix", location: func(e *env) string { return "s3://" + e.scene.Bucket + "/parts/" }, op: "ListObjectsV2",
			want: []int{1, 1}, heads: []int{3, 0}},
		{name: "object", location: func(e *env) string { return e.scene.DataLocation }, op: "HeadObject",
			want: []int{1, 1}, heads: []int{1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, interactions, _ := newScanEnv(t, personalize.Policy{})
			ctx := context.Background()
			for _, k := range []string{"parts/part-0.csv", "parts/part-1.csv", "parts/part-2.csv"} {
				e.putEncrypted(t, k, personalizetest.InteractionsCSV)
			}
			for i := range tt.want {
				e.srv.ResetRequests()
				in := importInput(e, fmt.Sprintf("import-%d", i))
				in.DatasetArn = aws.String(interactions)
				in.DataSource.DataLocation = aws.String(tt.location(e))
				imp, err := e.client.CreateDatasetImportJob(ctx, in)
				if err != nil {
					t.Fatalf("import %d: %v", i+1, err)
				}
				if got := e.s3Calls(tt.op); got != tt.want[i] {
					t.Errorf("import %d: S3 %s calls = %d, want %d", i+1, tt.op, got, tt.want[i])
				}
				if got := e.s3Calls("HeadObject"); got != tt.heads[i] {
					t.Errorf("import %d: S3 HeadObject calls = %d, want %d", i+1, got, tt.heads[i])
				}
				waitJob(t, func() (string, error) {
					out, err := e.client.DescribeDatasetImportJob(ctx, &sdk.DescribeDatasetImportJobInput{DatasetImportJobArn: imp.DatasetImportJobArn})
					if err != nil {
						return "", err
					}
					return aws.ToString(out.DatasetImportJob.Status), nil
				})
			}
		})
	}
}

// BenchmarkImportETagHead measures what the import scan's one S3 request
// per import costs against the import itself: a bare CreateDatasetImportJob
// and a bare HeadObject of its source (the request the guard sends to learn
// the ETag its scan cache is keyed on), interleaved, on personalizetest.
// head/import is the least the guarded/bare ratio of BenchmarkRealTraffic's
// CreateDatasetImportJob can be while each import asks S3 which version of
// the object it names.
func BenchmarkImportETagHead(b *testing.B) {
	ctx := context.Background()
	e := newEnv(b, personalize.Policy{KMSKeyARN: "keyed", Logger: discardLogger()}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
	ds, err := createDatasetAndSchema(ctx, e.client, "movies")
	if err != nil {
		b.Fatal(err)
	}
	for range 20 {
		out, err := e.client.DescribeDataset(ctx, &sdk.DescribeDatasetInput{DatasetArn: aws.String(ds)})
		if err != nil {
			b.Fatal(err)
		}
		if aws.ToString(out.Dataset.Status) == "ACTIVE" {
			break
		}
	}
	bare := sdk.NewFromConfig(e.srv.Config())
	s3c := s3.NewFromConfig(e.srv.Config())
	key := strings.TrimPrefix(e.scene.DataLocation, "s3://"+e.scene.Bucket+"/")
	head := func() time.Duration {
		start := time.Now()
		if _, err := s3c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(e.scene.Bucket), Key: aws.String(key)}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	imp := func(i int) time.Duration {
		in := importInput(e, fmt.Sprintf("etag-%d", i))
		in.DatasetArn = aws.String(ds)
		start := time.Now()
		out, err := bare.CreateDatasetImportJob(ctx, in)
		d := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		settle(e, out.DatasetImportJobArn)
		return d
	}
	head()
	imp(-1)
	var heads, imports time.Duration
	for i := 0; b.Loop(); i++ {
		if i%2 == 0 {
			heads += head()
			imports += imp(i)
		} else {
			imports += imp(i)
			heads += head()
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(imports.Nanoseconds())/n, "import-ns/call")
	b.ReportMetric(float64(heads.Nanoseconds())/n, "head-ns/call")
	b.ReportMetric(float64(heads)/float64(imports), "head/import")
}
