package personalize_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed20ImportScan: red20's datascan defects end to end, through the
// guarded client's import scan against personalizetest's S3. An item
// description that writes an e-mail address with an HTML entity, and a
// card in a long field padded with zeros, are refused before
// CreateDatasetImportJob is sent; neither the error nor the audit log nor
// any request names them. An object stored gzip-compressed
// (Content-Encoding: gzip), which the guard cannot read as CSV, is refused
// too, whatever Personalize would make of it: the scan fails closed.
func TestRed20ImportScan(t *testing.T) {
	gz := func(s string) []byte {
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		if _, err := zw.Write([]byte(s)); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	tests := []struct {
		name     string
		items    bool
		body     []byte
		encoding string
		canaries []string
		want     []string // the refusal's rule, then its findings
	}{
		{name: "e-mail written with an entity in a description", items: true,
			body:     []byte("ITEM_ID,DESCRIPTION\nitem-1,\"Ask jane.roe&#64;example.com for sizes\"\nitem-2,plain\n"),
			canaries: []string{"jane.roe"},
			want:     []string{"datascan.column.email", "datascan.column.email"}},
		{name: "card in a long field padded with zeros",
			body:     []byte("USER_ID,ITEM_ID,TIMESTAMP\nuser-1,item-1,04111111111111111\nuser-2,item-2,1700000100\n"),
			canaries: []string{"4111111111111111"},
			want:     []string{"datascan.column.credit-card", "datascan.column.credit-card"}},
		{name: "gzip-encoded object", encoding: "gzip",
			body:     gz("USER_ID,ITEM_ID,TIMESTAMP\njane.roe@example.com,item-1,1700000000\n"),
			canaries: []string{"jane.roe"},
			want:     []string{personalize.RuleImportScanFailed}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, interactions, items := newScanEnv(t, personalize.Policy{})
			in := &s3.PutObjectInput{Bucket: aws.String(e.scene.Bucket), Key: aws.String("red20/part-0.csv"), Body: bytes.NewReader(tt.body),
				ServerSideEncryption: s3types.ServerSideEncryptionAwsKms, SSEKMSKeyId: aws.String(e.scene.KeyARN)}
			if tt.encoding != "" {
				in.ContentEncoding = aws.String(tt.encoding)
			}
			if _, err := s3.NewFromConfig(e.srv.Config()).PutObject(context.Background(), in); err != nil {
				t.Fatal(err)
			}
			e.srv.ResetRequests() // the put carried the canaries
			imp := importInput(e, "import-1")
			imp.DatasetArn = aws.String(interactions)
			if tt.items {
				imp.DatasetArn = aws.String(items)
			}
			imp.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/red20/part-0.csv")
			_, err := e.client.CreateDatasetImportJob(context.Background(), imp)
			sg := e.requireRefused(t, err, "DataSource.DataLocation", tt.want[0], tt.canaries...)
			got := []string{sg.Rule}
			for _, f := range sg.Findings {
				got = append(got, f.ID)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("refusal (-want +got):\n%s", diff)
			}
		})
	}
}

// TestRed20ImportScanFolderLevels (red20 defect, medium): AWS documents
// that an import of a folder ("s3://bucket/folder/") reads the files in it,
// and only of a data deletion job that it reads its sub folders too
// (API_DataSource). The scan sampled the whole listing alike, so a supplier
// could hide a dirty file among clean objects in sub folders that an import
// may never read (or a dirty file in a sub folder among clean files of the
// folder): with ImportScanObjects 2, the first and the last of the listing
// were read and the dirty file never. The sample now gives the folder's own
// files and the deeper ones each a share, so neither reading of the docs
// lets objects it does not import dilute the sample.
func TestRed20ImportScanFolderLevels(t *testing.T) {
	tests := []struct {
		name    string
		objects int // ImportScanObjects
		clean   []string
		dirty   string
	}{
		{"dirty file of the folder among sub folders' files", 2,
			[]string{"a/0.csv", "a/1.csv", "b/0.csv", "x/0.csv", "y/0.csv", "y/1.csv"}, "m.csv"},
		{"dirty file of a sub folder among the folder's files", 2,
			[]string{"a.csv", "b.csv", "l.csv", "m.csv", "x.csv", "y.csv"}, "m/part.csv"},
		{"default bound", 0,
			[]string{"a/0.csv", "a/1.csv", "b/0.csv", "c/0.csv", "d/0.csv", "e/0.csv", "w/0.csv", "x/0.csv", "y/0.csv", "y/1.csv", "z/0.csv"}, "m.csv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 5 { // the draw is random: each import draws again
				e, interactions, _ := newScanEnv(t, personalize.Policy{ImportScanObjects: tt.objects})
				for _, k := range tt.clean {
					e.putEncrypted(t, "folder/"+k, personalizetest.InteractionsCSV)
				}
				e.putEncrypted(t, "folder/"+tt.dirty, personalizetest.DirtyInteractionsCSV)
				e.srv.ResetRequests()
				in := importInput(e, "import-1")
				in.DatasetArn = aws.String(interactions)
				in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/folder/")
				_, err := e.client.CreateDatasetImportJob(context.Background(), in)
				e.requireRefused(t, err, "DataSource.DataLocation", "datascan.identifier.email", dirtyCanaries...)
			}
		})
	}
}

// TestRed20ImportScanSmallObjectsShare (red20 defect, medium): the import
// scan's byte budget (ImportScanBytes, 8 MiB) was split evenly over the
// sampled objects whatever their sizes, so a supplier could put seven tiny
// clean files beside one large file whose dirty rows start after its first
// MiB: the large file's share was 1 MiB, its dirty rows were never read,
// and the 7 MiB the tiny files could not use went unread too. The budget a
// small object cannot use now goes to the larger ones.
func TestRed20ImportScanSmallObjectsShare(t *testing.T) {
	e, interactions, _ := newScanEnv(t, personalize.Policy{})
	for i := range 7 {
		e.putEncrypted(t, "share/part-"+string(rune('a'+i))+".csv", personalizetest.InteractionsCSV)
	}
	var big strings.Builder
	big.WriteString("USER_ID,ITEM_ID,TIMESTAMP\n")
	for i := 0; big.Len() < 3<<19; i++ { // 1.5 MiB of clean rows
		big.WriteString("user-" + strconv.Itoa(i) + ",item-" + strconv.Itoa(i%97) + ",1700000000\n")
	}
	big.WriteString(strings.TrimPrefix(personalizetest.DirtyInteractionsCSV, "USER_ID,ITEM_ID,TIMESTAMP\n"))
	e.putEncrypted(t, "share/part-z.csv", big.String())
	e.srv.ResetRequests()
	in := importInput(e, "import-1")
	in.DatasetArn = aws.String(interactions)
	in.DataSource.DataLocation = aws.String("s3://" + e.scene.Bucket + "/share/")
	_, err := e.client.CreateDatasetImportJob(context.Background(), in)
	e.requireRefused(t, err, "DataSource.DataLocation", "datascan.identifier.email", dirtyCanaries...)
}
