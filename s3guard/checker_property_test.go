package s3guard

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCheckerLocationMatchesCheckLocation is the property the Checker's
// reuse per location class rests on: for any location, the cached path
// (bucket fetched once, grant evaluated once per class of locations)
// returns exactly what an uncached CheckLocation returns. The policies
// scope their grants and denies by prefix in every way IAM allows
// (Resource, NotResource, s3:prefix conditions, wildcards, policy
// variables), and the locations fall on both sides of each.
func TestCheckerLocationMatchesCheckLocation(t *testing.T) {
	const (
		arn  = "arn:aws:s3:::" + testBucket
		svc  = `"Principal":{"Service":"personalize.amazonaws.com"}`
		deny = `{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["` + arn + `","` + arn + `/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
		src  = `"Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}`
	)
	pol := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(append(stmts, deny), ",") + `]}`
	}
	policies := []struct{ name, policy string }{
		{"whole bucket", goodPolicy},
		{"objects under imports/", pol(`{"Effect":"Allow",`+svc+`,"Action":["s3:GetObject","s3:PutObject"],"Resource":"`+arn+`/imports/*",`+src+`}`,
			`{"Effect":"Allow",`+svc+`,"Action":"s3:ListBucket","Resource":"`+arn+`",`+src+`}`)},
		{"listing by s3:prefix", pol(`{"Effect":"Allow",`+svc+`,"Action":["s3:GetObject","s3:PutObject"],"Resource":"`+arn+`/*",`+src+`}`,
			`{"Effect":"Allow",`+svc+`,"Action":"s3:ListBucket","Resource":"`+arn+`","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"},"StringLike":{"s3:prefix":["imports/*","exports/"]}}}`)},
		{"deny outside a prefix", pol(`{"Effect":"Allow",`+svc+`,"Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["`+arn+`","`+arn+`/*"],`+src+`}`,
			`{"Effect":"Deny",`+svc+`,"Action":"s3:*","NotResource":["`+arn+`","`+arn+`/imports/*"]}`)},
		{"deny a prefix by s3:prefix", pol(`{"Effect":"Allow",`+svc+`,"Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["`+arn+`","`+arn+`/*"]}`,
			`{"Effect":"Deny",`+svc+`,"Action":"s3:ListBucket","Resource":"`+arn+`","Condition":{"StringNotLikeIfExists":{"s3:prefix":"imports/*"}}}`)},
		{"one object and a variable", pol(`{"Effect":"Allow",` + svc + `,"Action":["s3:GetObject","s3:ListBucket"],"Resource":["` + arn + `","` + arn + `/imports/a.csv","` + arn + `/home/${aws:username}/*","` + arn + `/i?ports/*"]}`)},
		{"source unverified", pol(`{"Effect":"Allow",` + svc + `,"Action":["s3:GetObject","s3:PutObject","s3:ListBucket"],"Resource":["` + arn + `","` + arn + `/exports/*"],"Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:personalize:*:111122223333:*"}}}`)},
	}
	keys := []string{"", "imports/", "imports/a.csv", "imports/b.csv", "imports/2026/", "exports/", "exports/x/", "iXports/", "home/alice/", "other/", "Imports/"}
	rng := rand.New(rand.NewPCG(10, 17))
	for _, p := range policies {
		for _, req := range []Requirements{testReq(), {Region: "us-east-1", AllowedKMSKeys: []string{allowedKey}}} {
			t.Run(fmt.Sprintf("%s/account=%q", p.name, req.AccountID), func(t *testing.T) {
				fake := goodBucket()
				fake.policy = p.policy
				c := NewChecker(fake, req)
				for i := range 150 {
					loc := Location{Bucket: testBucket, Key: keys[rng.IntN(len(keys))]}
					if rng.IntN(3) == 0 {
						loc.Key += fmt.Sprintf("n%d/", rng.IntN(1000)) // most likely a prefix not seen before
					}
					dir := Read
					if rng.IntN(2) == 0 {
						dir = Write
					}
					want, wantErr := CheckLocation(context.Background(), fake, loc, dir, req)
					got, gotErr := c.CheckLocation(context.Background(), loc, dir)
					if wantErr != nil || gotErr != nil {
						t.Fatalf("location %d %v %v: CheckLocation = %v, Checker.CheckLocation = %v", i, loc, dir, wantErr, gotErr)
					}
					if diff := cmp.Diff(want, got); diff != "" {
						t.Fatalf("location %d %v %v: Checker.CheckLocation differs from CheckLocation (-want +got):\n%s", i, loc, dir, diff)
					}
				}
			})
		}
	}
}
