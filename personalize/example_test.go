package personalize_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func ExampleNew() {
	ctx := context.Background()
	// Offline stand-ins for Personalize, S3 and KMS; in production the
	// aws.Config comes from config.LoadDefaultConfig.
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	scene, err := srv.SeedScene(ctx)
	if err != nil {
		panic(err)
	}

	client, err := personalize.New(srv.Config(), personalize.Policy{KMSKeyARN: scene.KeyARN, RoleARN: scene.RoleARN})
	if err != nil {
		panic(err)
	}

	// The guard injects the key and the role, after checking the key.
	if _, err := client.CreateDatasetGroup(ctx, &awspersonalize.CreateDatasetGroupInput{Name: aws.String("movies")}); err != nil {
		panic(err)
	}

	// A customer's account number never leaves the process.
	_, err = client.CreateDatasetGroup(ctx, &awspersonalize.CreateDatasetGroupInput{Name: aws.String("acct-12345678")})
	var sg *personalize.SafeguardError
	if errors.As(err, &sg) {
		fmt.Println(sg.Operation, sg.Field, sg.Rule)
	}
	fmt.Println("reached AWS:", srv.Seen("acct-12345678"))
	// Output:
	// CreateDatasetGroup Name sensitive.account-number
	// reached AWS: false
}

func ExampleGuard_Option() {
	ctx := context.Background()
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	cfg := srv.Config()

	g, err := personalize.NewGuard(cfg, personalize.Policy{})
	if err != nil {
		panic(err)
	}
	// An existing service changes one line: it adds g.Option().
	client := awspersonalize.NewFromConfig(cfg, g.Option())

	_, err = client.CreateDataDeletionJob(ctx, &awspersonalize.CreateDataDeletionJobInput{
		JobName:         aws.String("forget-users"),
		DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"),
		RoleArn:         aws.String(personalizetest.RoleARN),
		DataSource:      &types.DataSource{DataLocation: aws.String("http://my-bucket.s3.amazonaws.com/users.csv")},
	})
	var sg *personalize.SafeguardError
	if errors.As(err, &sg) {
		fmt.Println(sg.Field, sg.Rule)
	}
	// Output:
	// DataSource.DataLocation s3.location.insecure-scheme
}

// ExamplePolicy_logger shows the audit event of a refused call: the rule and
// the field, never the value (time and duration left out here, as they
// change from run to run).
func ExamplePolicy_logger() {
	ctx := context.Background()
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		panic(err)
	}
	defer srv.Close()
	scene, err := srv.SeedScene(ctx)
	if err != nil {
		panic(err)
	}
	stable := func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey || a.Key == personalize.AuditKeyDuration {
			return slog.Attr{}
		}
		return a
	}
	logger := slog.New(slog.NewJSONHandler(os.Stdout, &slog.HandlerOptions{ReplaceAttr: stable}))
	client, err := personalize.New(srv.Config(), personalize.Policy{KMSKeyARN: scene.KeyARN, RoleARN: scene.RoleARN, Logger: logger})
	if err != nil {
		panic(err)
	}
	_, _ = client.CreateDatasetGroup(ctx, &awspersonalize.CreateDatasetGroupInput{Name: aws.String("acct-12345678")})
	// Output:
	// {"level":"WARN","msg":"personalize call","operation":"CreateDatasetGroup","outcome":"rejected","rule":"sensitive.account-number","field":"Name"}
}
