package personalizetest_test

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// A program starts the endpoints with a context and closes them itself;
// tests use personalizetest.New(t) instead.
func ExampleStart() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	client := personalize.NewFromConfig(s.Config())
	out, err := client.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("movies")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(aws.ToString(out.DatasetGroupArn))
	for range 2 {
		d, err := client.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: out.DatasetGroupArn})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(aws.ToString(d.DatasetGroup.Status))
	}

	_, err = client.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("movies")})
	var exists *types.ResourceAlreadyExistsException
	fmt.Println(errors.As(err, &exists))
	// Output:
	// arn:aws:personalize:us-east-1:111122223333:dataset-group/movies
	// CREATE IN_PROGRESS
	// ACTIVE
	// true
}

// SeedScene builds a protected key and bucket in one call.
func ExampleServer_SeedScene() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	scene, err := s.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "retail" })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(scene.Bucket)
	fmt.Println(scene.DataLocation)
	fmt.Println(scene.ExportLocation)
	fmt.Println(scene.DatasetGroupARN)

	head, err := s3.NewFromConfig(s.Config()).HeadObject(ctx, &s3.HeadObjectInput{Bucket: &scene.Bucket, Key: aws.String("interactions.csv")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(head.ServerSideEncryption, aws.ToString(head.SSEKMSKeyId) == scene.KeyARN)
	// Output:
	// personalizetest-data
	// s3://personalizetest-data/interactions.csv
	// s3://personalizetest-data/export/
	// arn:aws:personalize:us-east-1:111122223333:dataset-group/retail
	// aws:kms true
}

// Seen proves what reached the service: here a tag value did, and a value
// that was never sent did not.
func ExampleServer_Seen() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	client := personalize.NewFromConfig(s.Config())
	_, err = client.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{
		Name: aws.String("tagged"),
		Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recommendations")}},
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Seen("recommendations"))
	fmt.Println(s.Seen("jane.doe@example.com"))
	for _, r := range s.Requests() {
		fmt.Println(r.Service, r.Operation, r.TLSVersion == tls.VersionTLS13)
	}
	// Output:
	// true
	// false
	// personalize CreateDatasetGroup true
}

// Deny makes a call fail as if IAM refused it, to test fail-closed paths.
func ExampleServer_Deny() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	s.Deny(personalizetest.ServiceS3, "GetBucketEncryption")
	_, err = s3.NewFromConfig(s.Config()).GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: aws.String("any")})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.ErrorCode())
	}
	// Output:
	// AccessDenied
}

// An endpoint that offers only TLS 1.1 is refused by the SDK's client before
// any request is sent.
func ExampleOptions_tls11() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx, func(o *personalizetest.Options) {
		o.MinTLSVersion, o.MaxTLSVersion = tls.VersionTLS11, tls.VersionTLS11
	})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	_, err = personalize.NewFromConfig(s.Config()).ListDatasetGroups(ctx, &personalize.ListDatasetGroupsInput{})
	fmt.Println(err != nil, len(s.Requests()))
	// Output:
	// true 0
}
