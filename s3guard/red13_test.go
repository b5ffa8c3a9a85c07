package s3guard

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/iampolicy"
)

// TestRed13TLSDenyCoversDataReads: a TLS-only Deny that names only the
// actions the guard probes (GetObject, PutObject, ListBucket) still lets
// anyone read every version of the data over plain HTTP with
// s3:GetObjectVersion. It is not the TLS-only policy the guard vouches for,
// and neither is any list of actions: only s3:* or * covers every one.
func TestRed13TLSDenyCoversDataReads(t *testing.T) {
	req := testReq()
	tests := []struct {
		name    string
		actions string
		want    []string
	}{
		{"s3:*", `"s3:*"`, nil},
		{"*", `"*"`, nil},
		// Fourth review: a list leaves every action it does not name open
		// over plain HTTP (DeleteObject, GetObjectAttributes after
		// s3:GetObject*, PutObjectAcl after s3:PutObject): Security Hub
		// S3.5 asks for s3:* or *.
		{"every Get, Put and List", `["s3:Get*","s3:Put*","s3:List*"]`, []string{FindingTLSOnlyIncomplete}},
		{"every data action by name", `["s3:GetObject*","s3:PutObject*","s3:ListBucket*","s3:DeleteObject*","s3:RestoreObject","s3:AbortMultipartUpload"]`, []string{FindingTLSOnlyIncomplete}},
		{"only the probed actions", `["s3:GetObject","s3:PutObject","s3:ListBucket"]`, []string{FindingTLSOnlyIncomplete}},
		// Fifth review: a made-up action name stood for the others, and
		// a wildcard over part of the names (s3:P*) matched it.
		{"a wildcard over part of the names", `["s3:Get*","s3:P*","s3:List*"]`, []string{FindingTLSOnlyIncomplete}},
		{"a wildcard over names ending alike", `["s3:*Object","s3:*Bucket","s3:*Action"]`, []string{FindingTLSOnlyIncomplete}},
		{"a wildcard over one-letter names", `["s3:?"]`, []string{FindingTLSOnlyIncomplete}},
		{"every name of at least one letter", `"s3:?*"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := iampolicy.Parse([]byte(policyOf(tlsWith(`"Action":"s3:*"`, `"Action":`+tt.actions), stGrantRead)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := policyFindings(doc, newScope(testBucket, req.Region, Read), &req)
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("finding IDs (-want +got):\n%s\nfindings: %v", diff, got)
			}
		})
	}
}

// TestRed13PartialDenyUnderImportPrefix: Personalize reads every object
// under an import prefix. A Deny on part of it (a sub-folder) makes the
// import fail on those objects, so the grant is not whole: the guard must
// not call the location ready.
func TestRed13PartialDenyUnderImportPrefix(t *testing.T) {
	req := testReq()
	deny := func(resource string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"` + resource + `"}`
	}
	notDeny := func(resource string) string {
		return `{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","NotResource":"` + resource + `"}`
	}
	tests := []struct {
		name string
		deny string
		loc  Location
		want []string
	}{
		{"deny elsewhere", deny("arn:aws:s3:::amzn-personalize-data/secret/*"), Location{testBucket, "imports/"}, nil},
		{"deny the whole prefix", deny("arn:aws:s3:::amzn-personalize-data/imports/*"), Location{testBucket, "imports/"}, []string{FindingGrantDenied}},
		{"deny a sub-folder", deny("arn:aws:s3:::amzn-personalize-data/imports/restricted/*"), Location{testBucket, "imports/"}, []string{FindingGrantDenied}},
		{"deny all but a sub-folder", notDeny("arn:aws:s3:::amzn-personalize-data/imports/public/*"), Location{testBucket, "imports/"}, []string{FindingGrantDenied}},
		{"deny all but the prefix", notDeny("arn:aws:s3:::amzn-personalize-data/imports/*"), Location{testBucket, "imports/"}, nil},
		{"deny a sub-folder of another prefix", deny("arn:aws:s3:::amzn-personalize-data/imports/restricted/*"), Location{testBucket, "imports/2024/"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := iampolicy.Parse([]byte(policyOf(stSecurityHubTLS, stGrantRead, tt.deny)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := policyFindings(doc, newScope(testBucket, req.Region, Read).forLocation(tt.loc), &req)
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("finding IDs (-want +got):\n%s\nfindings: %v", diff, got)
			}
		})
	}
}

// TestRed13DeputyConditionThatAdmitsAnyAccount: a grant to Personalize
// "conditioned" on aws:SourceAccount matching anything, or not being some
// other account, still lets Personalize act for any account.
func TestRed13DeputyConditionThatAdmitsAnyAccount(t *testing.T) {
	req := testReq()
	tests := []struct {
		name string
		cond string
		want []string
	}{
		{"own account", `{"StringEquals":{"aws:SourceAccount":"111122223333"}}`, nil},
		{"any account", `{"StringLike":{"aws:SourceAccount":"*"}}`, []string{FindingConfusedDeputy}},
		{"own account or any", `{"StringLike":{"aws:SourceAccount":["111122223333","*"]}}`, []string{FindingConfusedDeputy}},
		{"not one other account", `{"StringNotEquals":{"aws:SourceAccount":"444455556666"}}`, []string{FindingConfusedDeputy}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			grant := grantWith(`"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}`, `"Condition":`+tt.cond)
			doc, err := iampolicy.Parse([]byte(policyOf(stSecurityHubTLS, grant)))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got := policyFindings(doc, newScope(testBucket, req.Region, Read), &req)
			if diff := cmp.Diff(tt.want, ids(got)); diff != "" {
				t.Errorf("finding IDs (-want +got):\n%s\nfindings: %v", diff, got)
			}
		})
	}
}

// nilLocation answers GetBucketLocation with no output and no error, as a
// wrapped or hand-written client (Policy.S3Client is the caller's) may.
type nilLocation struct{ *fakeS3 }

func (nilLocation) GetBucketLocation(context.Context, *s3.GetBucketLocationInput, ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	return nil, nil
}

// TestRed13NilBucketLocation: an answer that names no Region is a check
// that could not run, not a panic in the caller's goroutine.
func TestRed13NilBucketLocation(t *testing.T) {
	var err error
	func() {
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("panic: %v", r)
			}
		}()
		_, err = CheckBucket(context.Background(), nilLocation{&fakeS3{}}, testBucket, Read, testReq())
	}()
	var ce *CheckError
	if diff := cmp.Diff(true, errors.As(err, &ce)); diff != "" {
		t.Errorf("CheckBucket error is a *CheckError (-want +got):\n%s(err = %v)", diff, err)
	}
}
