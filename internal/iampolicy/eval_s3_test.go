package iampolicy

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Real-world bucket policies, as package s3guard evaluates them.

const (
	s3Bucket  = "arn:aws:s3:::amzn-personalize-data"
	s3Objects = "arn:aws:s3:::amzn-personalize-data/*"
	s3Object  = "arn:aws:s3:::amzn-personalize-data/imports/users.csv"

	// Security Hub S3.5's remediation (Config rule s3-bucket-ssl-requests-only).
	s3SecurityHubTLS = `{"Id":"ExamplePolicy","Version":"2012-10-17","Statement":[{"Sid":"AllowSSLRequestsOnly","Action":"s3:*","Effect":"Deny",
		"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],
		"Condition":{"Bool":{"aws:SecureTransport":"false"}},"Principal":"*"}]}`
	// A TLS floor only, as some blog posts recommend.
	s3TLSFloorOnly = `{"Version":"2012-10-17","Statement":[{"Sid":"EnforceTLSv12orHigher","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*",
		"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],
		"Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}}]}`
	// The Personalize developer guide's grant with its confused-deputy
	// condition.
	s3PersonalizeGrant = `{"Version":"2012-10-17","Statement":[{"Sid":"PersonalizeS3BucketAccessPolicy","Effect":"Allow",
		"Principal":{"Service":"personalize.amazonaws.com"},"Action":["s3:GetObject","s3:ListBucket"],
		"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],
		"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},"ArnLike":{"aws:SourceArn":"arn:aws:personalize:us-east-1:111122223333:*"}}}]}`
	// The S3 user guide's "restrict access to a VPC endpoint" policy.
	s3VPCEndpointOnly = `{"Version":"2012-10-17","Id":"Policy1415115909152","Statement":[{"Sid":"Access-to-specific-VPCE-only","Principal":"*",
		"Action":"s3:*","Effect":"Deny","Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],
		"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`
	// AWS's data-perimeter pattern: the same deny, exempting AWS services.
	s3DataPerimeter = `{"Version":"2012-10-17","Statement":[{"Sid":"EnforceNetworkPerimeter","Effect":"Deny","Principal":"*","Action":"s3:*",
		"Resource":["arn:aws:s3:::amzn-personalize-data","arn:aws:s3:::amzn-personalize-data/*"],
		"Condition":{"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1a2b3c4d"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`
)

func TestEvaluateRealWorldBucketPolicies(t *testing.T) {
	plainHTTP := map[string][]string{"aws:SecureTransport": {"false"}}
	tls11 := map[string][]string{"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.1"}}
	personalize := map[string][]string{
		"aws:SecureTransport": {"true"}, "s3:TlsVersion": {"1.2"}, "aws:SourceAccount": {"111122223333"},
		"aws:PrincipalIsAWSService": {"true"}, "aws:PrincipalServiceName": {svc},
	}
	noNetwork := []string{"aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp"}
	tests := []struct {
		name   string
		doc    string
		req    Request
		want   Result
		reason string
	}{
		{
			name:   "Security Hub TLS deny, plain HTTP to the bucket",
			doc:    s3SecurityHubTLS,
			req:    Request{Actor: Anyone(), Action: "s3:ListBucket", Resource: s3Bucket, Context: plainHTTP, Absent: []string{"s3:TlsVersion"}},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: "the remediation covers the bucket ARN",
		},
		{
			name:   "Security Hub TLS deny, plain HTTP to an object",
			doc:    s3SecurityHubTLS,
			req:    Request{Actor: Anyone(), Action: "s3:PutObject", Resource: s3Object, Context: plainHTTP, Absent: []string{"s3:TlsVersion"}},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: "and the objects",
		},
		{
			name:   "Security Hub TLS deny, Personalize over TLS",
			doc:    s3SecurityHubTLS,
			req:    Request{Actor: Service(svc), Action: "s3:GetObject", Resource: s3Object, Context: personalize, Absent: noNetwork},
			want:   Result{Decision: NotAllowed},
			reason: "the deny does not hit TLS requests; without a grant Personalize is simply not allowed",
		},
		{
			name:   "TLS floor only, plain HTTP",
			doc:    s3TLSFloorOnly,
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: s3Object, Context: plainHTTP, Absent: []string{"s3:TlsVersion"}},
			want:   Result{Decision: NotAllowed},
			reason: "plain HTTP carries no s3:TlsVersion, and NumericLessThan does not match a missing key",
		},
		{
			name:   "TLS floor only, TLS 1.1",
			doc:    s3TLSFloorOnly,
			req:    Request{Actor: Anyone(), Action: "s3:GetObject", Resource: s3Object, Context: tls11},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: `{"AWS": "*"} with a JSON number`,
		},
		{
			name:   "Personalize grant with both source keys known",
			doc:    s3PersonalizeGrant,
			req:    Request{Actor: Service(svc), Action: "s3:GetObject", Resource: s3Object, Context: merge(personalize, map[string][]string{"aws:SourceArn": {"arn:aws:personalize:us-east-1:111122223333:dataset-import-job/x"}}), Absent: noNetwork},
			want:   Result{Decision: Allowed, Allows: []int{0}},
			reason: "the documented grant",
		},
		{
			name:   "Personalize grant, source ARN unknown",
			doc:    s3PersonalizeGrant,
			req:    Request{Actor: Service(svc), Action: "s3:ListBucket", Resource: s3Bucket, Context: personalize, Absent: noNetwork},
			want:   Result{Decision: NotAllowed, Uncertain: true, Unevaluated: []string{"ArnLike aws:SourceArn"}},
			reason: "aws:SourceArn is known only once a job runs",
		},
		{
			name:   "Personalize grant, another account",
			doc:    s3PersonalizeGrant,
			req:    Request{Actor: Service(svc), Action: "s3:GetObject", Resource: s3Object, Context: merge(personalize, map[string][]string{"aws:SourceAccount": {"444455556666"}}), Absent: noNetwork},
			want:   Result{Decision: NotAllowed},
			reason: "a false condition ends the statement before unknown ones matter",
		},
		{
			name:   "VPC endpoint only locks Personalize out",
			doc:    s3VPCEndpointOnly,
			req:    Request{Actor: Service(svc), Action: "s3:GetObject", Resource: s3Object, Context: personalize, Absent: noNetwork},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: "a service principal's request has no aws:SourceVpce",
		},
		{
			name:   "data perimeter exempts Personalize",
			doc:    s3DataPerimeter,
			req:    Request{Actor: Service(svc), Action: "s3:GetObject", Resource: s3Object, Context: personalize, Absent: noNetwork},
			want:   Result{Decision: NotAllowed},
			reason: "aws:PrincipalIsAWSService is true for Personalize",
		},
		{
			name:   "data perimeter still denies others outside the VPC",
			doc:    s3DataPerimeter,
			req:    Request{Actor: AWSPrincipal(role), Action: "s3:GetObject", Resource: s3Object, Context: map[string][]string{"aws:PrincipalIsAWSService": {"false"}}, Absent: noNetwork},
			want:   Result{Decision: Denied, Denies: []int{0}},
			reason: "IfExists operators on missing keys match",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := Parse([]byte(tt.doc))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if diff := cmp.Diff(tt.want, d.Evaluate(tt.req)); diff != "" {
				t.Errorf("Evaluate mismatch (-want +got) (%s):\n%s", tt.reason, diff)
			}
		})
	}
}

func merge(a, b map[string][]string) map[string][]string {
	out := make(map[string][]string, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		out[k] = v
	}
	return out
}
