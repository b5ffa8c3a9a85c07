package personalizetest_test

import (
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func TestGetCallerIdentity(t *testing.T) {
	s := personalizetest.New(t)
	tests := []struct {
		name        string
		accessKeyID string
		want        *sts.GetCallerIdentityOutput // nil: refused
		wantCode    string
		wantStatus  int
		reason      string
	}{
		{
			name: "IAM user", accessKeyID: personalizetest.AccessKeyID,
			want:   &sts.GetCallerIdentityOutput{Account: aws.String(personalizetest.AccountID), Arn: aws.String(personalizetest.UserARN), UserId: aws.String("AIDAPERSONALIZETEST00")},
			reason: "Config's credentials are an IAM user's",
		},
		{
			name: "root", accessKeyID: personalizetest.RootAccessKeyID,
			want:   &sts.GetCallerIdentityOutput{Account: aws.String(personalizetest.AccountID), Arn: aws.String("arn:aws:iam::111122223333:root"), UserId: aws.String(personalizetest.AccountID)},
			reason: "the root user's unique ID is the account ID",
		},
		{
			name: "assumed role", accessKeyID: personalizetest.AssumedRoleAccessKeyID,
			want:   &sts.GetCallerIdentityOutput{Account: aws.String(personalizetest.AccountID), Arn: aws.String(personalizetest.AssumedRoleARN), UserId: aws.String("AROAPERSONALIZETEST00:personalizetest-session")},
			reason: "a role session's unique ID is the role's ID and the session name",
		},
		{
			name: "unknown key", accessKeyID: "AKIDNOBODYKNOWS",
			wantCode: "InvalidClientTokenId", wantStatus: http.StatusForbidden,
			reason: "AWS refuses an access key ID it does not know",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.ResetRequests()
			out, err := sts.NewFromConfig(s.ConfigAs(tc.accessKeyID)).GetCallerIdentity(context.Background(), &sts.GetCallerIdentityInput{})
			if tc.want == nil {
				if code, status := apiError(err); code != tc.wantCode || status != tc.wantStatus {
					t.Errorf("GetCallerIdentity as %q = %v (%s %d), want %s %d (%s)", tc.accessKeyID, err, code, status, tc.wantCode, tc.wantStatus, tc.reason)
				}
			} else {
				if err != nil {
					t.Fatalf("GetCallerIdentity as %q = %v (%s)", tc.accessKeyID, err, tc.reason)
				}
				if diff := cmp.Diff(tc.want, out, cmpopts.IgnoreUnexported(sts.GetCallerIdentityOutput{}), cmpopts.IgnoreFields(sts.GetCallerIdentityOutput{}, "ResultMetadata")); diff != "" {
					t.Errorf("GetCallerIdentity as %q mismatch (-want +got):\n%s", tc.accessKeyID, diff)
				}
			}
			if diff := cmp.Diff([]string{"sts GetCallerIdentity"}, operations(s)); diff != "" {
				t.Errorf("request log mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDenySTS(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	c := sts.NewFromConfig(s.Config())
	s.Deny(personalizetest.ServiceSTS, "GetCallerIdentity")
	_, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if code, status := apiError(err); code != "AccessDenied" || status != http.StatusForbidden {
		t.Errorf("denied GetCallerIdentity = %v (%s %d), want AccessDenied 403", err, code, status)
	}
	if err != nil && !strings.Contains(err.Error(), "sts:GetCallerIdentity") {
		t.Errorf("denied GetCallerIdentity = %v, want the permission named", err)
	}
	s.Allow(personalizetest.ServiceSTS, "GetCallerIdentity")
	if _, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Errorf("after Allow: %v", err)
	}
	s.Deny(personalizetest.ServiceSTS, personalizetest.AnyOperation)
	if code, _ := apiError(func() error { _, err := c.GetCallerIdentity(ctx, nil); return err }()); code != "AccessDenied" {
		t.Errorf("GetCallerIdentity under Deny(sts, *) = %q, want AccessDenied", code)
	}
	if diff := cmp.Diff([]string{"sts GetCallerIdentity", "sts GetCallerIdentity", "sts GetCallerIdentity"}, operations(s)); diff != "" {
		t.Errorf("request log mismatch (-want +got):\n%s", diff)
	}
}

// TestSTSRouting: the credential scope, not the path, sends a request to
// STS: a bucket named "sts" stays in S3, and STS answers the query
// protocol's errors for what it does not serve.
func TestSTSRouting(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	s3c := s3.NewFromConfig(s.Config())
	if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("sts")}); err != nil {
		t.Fatalf("CreateBucket(sts) = %v", err)
	}
	if _, err := s3c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("sts")}); err != nil {
		t.Errorf("HeadBucket(sts) = %v", err)
	}
	if diff := cmp.Diff([]string{"s3 CreateBucket", "s3 HeadBucket"}, operations(s)); diff != "" {
		t.Errorf("request log mismatch (-want +got):\n%s", diff)
	}

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}}
	const auth = "AWS4-HMAC-SHA256 Credential=" + personalizetest.AccessKeyID + "/20261129/us-east-1/sts/aws4_request, SignedHeaders=host, Signature=x"
	tests := []struct {
		name, form, auth string
		wantService      string
		wantStatus       int // 0: any
		wantBody         string
	}{
		{"served", "Action=GetCallerIdentity&Version=2011-06-15", auth, "sts", http.StatusOK, "<Arn>" + personalizetest.UserARN + "</Arn>"},
		{"other action", "Action=AssumeRole&Version=2011-06-15", auth, "sts", http.StatusBadRequest, "<Code>InvalidAction</Code>"},
		{"other version", "Action=GetCallerIdentity&Version=2010-01-01", auth, "sts", http.StatusBadRequest, "<Code>InvalidAction</Code>"},
		{"unsigned goes to S3", "Action=GetCallerIdentity&Version=2011-06-15", "", "s3", 0, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+"/", strings.NewReader(tc.form))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			s.ResetRequests()
			resp, err := hc.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantStatus != 0 && resp.StatusCode != tc.wantStatus {
				t.Errorf("POST %s = %d, want %d", tc.form, resp.StatusCode, tc.wantStatus)
			}
			if !strings.Contains(string(body), tc.wantBody) {
				t.Errorf("POST %s = %s, want it to contain %s", tc.form, body, tc.wantBody)
			}
			if reqs := s.Requests(); len(reqs) != 1 || reqs[0].Service != tc.wantService {
				t.Errorf("POST %s was logged as %v, want one %s request", tc.form, operations(s), tc.wantService)
			}
		})
	}
}
