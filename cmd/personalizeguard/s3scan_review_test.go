package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/google/go-cmp/cmp"
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
