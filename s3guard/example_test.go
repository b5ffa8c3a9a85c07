package s3guard_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

// A guard checks the bucket of every location before Personalize uses it.
// Here S3 is personalizetest's in-process emulator, holding one
// well-protected bucket and one bare bucket.
func ExampleChecker() {
	ctx := context.Background()
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	scene, err := srv.SeedScene(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	client := s3.NewFromConfig(srv.Config())
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bare-bucket")}); err != nil {
		fmt.Println(err)
		return
	}

	checker := s3guard.NewChecker(client, s3guard.Requirements{
		Region:         personalizetest.Region,
		AccountID:      personalizetest.AccountID,
		AllowedKMSKeys: []string{scene.KeyARN},
	})
	for _, location := range []string{scene.DataLocation, "s3://bare-bucket/users.csv"} {
		loc, err := s3guard.ParseLocation(location)
		if err != nil {
			fmt.Println(err)
			return
		}
		report, err := checker.CheckLocation(ctx, loc, s3guard.Read)
		if err != nil { // the check could not run: fail closed
			fmt.Println(err)
			return
		}
		fmt.Printf("%s passed=%v\n", loc, report.Passed(0))
		if !report.Passed(0) {
			_ = report.WriteTable(os.Stdout)
		}
	}
	// Output:
	// s3://personalizetest-data/interactions.csv passed=true
	// s3://bare-bucket/users.csv passed=false
	// SEVERITY  ID                              RESOURCE     MESSAGE
	// high      s3.bucket-policy-missing        bare-bucket  Bucket bare-bucket has no bucket policy: nothing denies plain-HTTP access, and nothing grants personalize.amazonaws.com the access a read job needs.
	// high      s3.default-encryption-missing   bare-bucket  Bucket bare-bucket has no default encryption configuration.
	// high      s3.public-access-block-missing  bare-bucket  Bucket bare-bucket has no public access block configuration.
	// medium    s3.acls-enabled                 bare-bucket  Bucket bare-bucket has no object ownership controls, so ACLs are enabled and objects may be owned by other accounts.
}

func ExampleParseLocation() {
	loc, err := s3guard.ParseLocation("https://amzn-personalize-data.s3.us-east-1.amazonaws.com/imports/")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(loc, loc.IsPrefix())

	// Credentials in a URL are rejected, and the error does not repeat them.
	_, err = s3guard.ParseLocation("s3://AKIAIOSFODNN7EXAMPLE:hunter2@amzn-personalize-data/items.csv")
	var le *s3guard.LocationError
	if errors.As(err, &le) {
		fmt.Println(le.Rule)
	}
	fmt.Println(err)
	// Output:
	// s3://amzn-personalize-data/imports/ true
	// s3.location.credentials
	// s3guard: invalid S3 location (s3.location.credentials): the location carries user information (credentials); never put credentials in a URL
}

func ExampleTLSOnlyStatement() {
	st, err := s3guard.TLSOnlyStatement("amzn-personalize-data")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(st))
	// Output:
	// {
	//   "Sid": "DenyInsecureTransport",
	//   "Effect": "Deny",
	//   "Principal": "*",
	//   "Action": "s3:*",
	//   "Resource": [
	//     "arn:aws:s3:::amzn-personalize-data",
	//     "arn:aws:s3:::amzn-personalize-data/*"
	//   ],
	//   "Condition": {
	//     "Bool": {
	//       "aws:SecureTransport": "false"
	//     }
	//   }
	// }
}

func ExamplePersonalizeBucketPolicy() {
	policy, err := s3guard.PersonalizeBucketPolicy(s3guard.BucketPolicyInput{
		Bucket:     "amzn-personalize-data",
		Directions: []s3guard.Direction{s3guard.Read}, // a dataset import
		AccountID:  "111122223333",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(string(policy))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "PersonalizeS3Access",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "Service": "personalize.amazonaws.com"
	//       },
	//       "Action": [
	//         "s3:GetObject",
	//         "s3:ListBucket"
	//       ],
	//       "Resource": [
	//         "arn:aws:s3:::amzn-personalize-data",
	//         "arn:aws:s3:::amzn-personalize-data/*"
	//       ],
	//       "Condition": {
	//         "StringEquals": {
	//           "aws:SourceAccount": "111122223333"
	//         }
	//       }
	//     },
	//     {
	//       "Sid": "DenyInsecureTransport",
	//       "Effect": "Deny",
	//       "Principal": "*",
	//       "Action": "s3:*",
	//       "Resource": [
	//         "arn:aws:s3:::amzn-personalize-data",
	//         "arn:aws:s3:::amzn-personalize-data/*"
	//       ],
	//       "Condition": {
	//         "Bool": {
	//           "aws:SecureTransport": "false"
	//         }
	//       }
	//     }
	//   ]
	// }
}

// ListObjects reads a prefix as an import reads it: empty objects (folder
// markers, a job's _SUCCESS) are listed but are not data. A listing
// with keys outside the prefix, or a key twice, is refused with a
// *ListingError.
func ExampleListObjects() {
	ctx := context.Background()
	srv, err := personalizetest.Start(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	scene, err := srv.SeedScene(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	client := s3.NewFromConfig(srv.Config())
	for key, body := range map[string]string{"parts/": "", "parts/_SUCCESS": "", "parts/part-0.csv": personalizetest.InteractionsCSV} {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(scene.Bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
			fmt.Println(err)
			return
		}
	}

	l, err := s3guard.ListObjects(ctx, client, s3guard.Location{Bucket: scene.Bucket, Key: "parts/"}, func(o *s3guard.ListOptions) {
		o.MaxListedKeys = 10_000 // bounds the memory the listing takes
	})
	var inconsistent *s3guard.ListingError
	switch {
	case errors.As(err, &inconsistent): // a proxy or a store that ignores Prefix: fail closed
		fmt.Println(inconsistent.Rule)
		return
	case err != nil:
		fmt.Println(err)
		return
	}
	fmt.Printf("%d keys, %d data objects, truncated=%v\n", len(l.Keys), len(l.Objects), l.Truncated)
	for _, o := range l.Objects {
		fmt.Println(o.Key, *o.Size)
	}
	// Output:
	// 3 keys, 1 data objects, truncated=false
	// parts/part-0.csv 126
}
