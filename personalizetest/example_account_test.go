package personalizetest_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/macie2"
	"github.com/aws/smithy-go"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// SeedAccount builds a good account around a scene; a test of an audit then
// breaks one thing at a time. IAM answers policy documents URL-encoded, as
// it does in AWS.
func ExampleServer_SeedAccount() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	as, err := s.SeedAccount(ctx)
	if err != nil {
		log.Fatal(err)
	}
	cfg := s.Config()

	role, err := iam.NewFromConfig(cfg).GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("PersonalizeTestServiceRole")})
	if err != nil {
		log.Fatal(err)
	}
	trust, err := url.QueryUnescape(aws.ToString(role.Role.AssumeRolePolicyDocument))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(trust)

	trails, err := cloudtrail.NewFromConfig(cfg).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range trails.TrailList {
		fmt.Printf("trail %s: multi-Region %v, validated %v, into %s\n", aws.ToString(t.Name), aws.ToBool(t.IsMultiRegionTrail),
			aws.ToBool(t.LogFileValidationEnabled), aws.ToString(t.S3BucketName))
	}

	// Break one thing: Macie off. Real Macie's answer, not IAM's.
	if err := s.SetMacie(personalizetest.Macie{}); err != nil {
		log.Fatal(err)
	}
	_, err = macie2.NewFromConfig(cfg).GetMacieSession(ctx, &macie2.GetMacieSessionInput{})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.ErrorCode()+":", apiErr.ErrorMessage())
	}
	fmt.Println(as.RoleARN)
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "PersonalizeAssumesTheRole",
	//       "Effect": "Allow",
	//       "Principal": {
	//         "Service": "personalize.amazonaws.com"
	//       },
	//       "Action": "sts:AssumeRole",
	//       "Condition": {
	//         "ArnLike": {
	//           "aws:SourceArn": "arn:aws:personalize:us-east-1:111122223333:*"
	//         },
	//         "StringEquals": {
	//           "aws:SourceAccount": "111122223333"
	//         }
	//       }
	//     }
	//   ]
	// }
	// trail personalizetest-trail: multi-Region true, validated true, into personalizetest-cloudtrail
	// AccessDeniedException: Macie is not enabled.
	// arn:aws:iam::111122223333:role/PersonalizeTestServiceRole
}
