package personalize

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
)

// BenchmarkGuardOverheadOneSide is BenchmarkGuardOverhead's call on one
// client only, the guarded one, or the bare one when PG_BENCH_SIDE=bare:
// under callgrind, the difference of the two runs' instruction counts per
// call is the guard's own work, and each function's share of it can be read
// apart, which the interleaved benchmark cannot show.
func BenchmarkGuardOverheadOneSide(b *testing.B) {
	cfg := dataplanetest.InstantConfig(`{"datasetGroupArn":"arn:aws:personalize:` + testRegion + `:` + testAccount + `:dataset-group/movies"}`)
	c := sdk.NewFromConfig(cfg)
	if os.Getenv("PG_BENCH_SIDE") != "bare" {
		var err error
		c, err = New(cfg, Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN, KMSClient: newHealthyKMS(b), STSClient: dataplanetest.UserSTS{},
			S3Client: nopS3{}, PersonalizeClient: nopDescriber{}, InsecureAllowUnverifiableHTTPClient: true})
		if err != nil {
			b.Fatal(err)
		}
	}
	names := make([]*string, 4096)
	for i := range names {
		names[i] = aws.String("movies-" + strconv.Itoa(i))
	}
	ctx := context.Background()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		_, err := c.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: names[i%len(names)],
			Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}, {TagKey: aws.String("env"), TagValue: aws.String("prod")}}})
		if err != nil {
			b.Fatal(err)
		}
	}
}
