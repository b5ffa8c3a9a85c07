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

// BenchmarkGuardOverheadOneSide is BenchmarkGuardOverhead's call through
// one client only, for an instruction count of each side under callgrind:
// the bare client when PG_BENCH_SIDE is "bare", the guarded one otherwise.
// The difference of the two counts is the guard's own work per call.
func BenchmarkGuardOverheadOneSide(b *testing.B) {
	cfg := dataplanetest.InstantConfig(`{"datasetGroupArn":"arn:aws:personalize:` + testRegion + `:` + testAccount + `:dataset-group/movies"}`)
	var c *sdk.Client
	if os.Getenv("PG_BENCH_SIDE") == "bare" {
		c = sdk.NewFromConfig(cfg)
	} else {
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
	call := func(i int) error {
		_, err := c.CreateDatasetGroup(ctx, &sdk.CreateDatasetGroupInput{Name: names[i%len(names)],
			Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}, {TagKey: aws.String("env"), TagValue: aws.String("prod")}}})
		return err
	}
	for i := range 8 { // warm pools and the key check
		if err := call(i); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	oneSideLoop(b, call)
}

// oneSideLoop is the measured loop alone, so that callgrind can collect
// only within it (--collect-atstart=no --toggle-collect='*oneSideLoop*').
//
//go:noinline
func oneSideLoop(b *testing.B, call func(int) error) {
	for i := 0; b.Loop(); i++ {
		if err := call(i); err != nil {
			b.Fatal(err)
		}
	}
}
