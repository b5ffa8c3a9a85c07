package audit_test

import (
	"context"
	"fmt"
	"log"
	"strings"

	"github.com/personalizeguard/personalizeguard/audit"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// Audit an account, here one emulated by personalizetest whose root user has
// no MFA. Against AWS, build the clients from config.LoadDefaultConfig.
func Example() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SeedAccount(ctx); err != nil {
		log.Fatal(err)
	}
	s.SetRootMFA(false)

	clients, err := audit.NewClients(s.Config())
	if err != nil {
		log.Fatal(err)
	}
	res, err := audit.Run(ctx, clients, func(o *audit.Options) { o.Region = "us-east-1" })
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range res.Report.Findings {
		fmt.Println(f.Severity, f.ID, f.Control)
	}
	// Output:
	// critical audit.identity.root-mfa-disabled Security Hub IAM.9
}

// Write the least-privilege policy of each service role for what the
// account's Personalize resources use.
func ExampleRolePolicy() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	sc, err := s.SeedScene(ctx, func(o *personalizetest.SceneOptions) {
		o.Recommendations, o.Bucket = true, "example-data"
	})
	if err != nil {
		log.Fatal(err)
	}

	clients, err := audit.NewClients(s.Config())
	if err != nil {
		log.Fatal(err)
	}
	res, err := audit.ReadUsage(ctx, clients, func(o *audit.Options) { o.Region = "us-east-1" })
	if err != nil {
		log.Fatal(err)
	}
	doc, err := audit.RolePolicy(res.Roles[personalizetest.RoleARN])
	if err != nil {
		log.Fatal(err)
	}
	// The emulated key's ID is random; the policy names the key's ARN.
	fmt.Println(strings.ReplaceAll(string(doc), sc.KeyARN, "KEY_ARN"))
	// Output:
	// {
	//   "Version": "2012-10-17",
	//   "Statement": [
	//     {
	//       "Sid": "PersonalizeReadObjects",
	//       "Effect": "Allow",
	//       "Action": "s3:GetObject",
	//       "Resource": "arn:aws:s3:::example-data/interactions.csv"
	//     },
	//     {
	//       "Sid": "PersonalizeListBuckets",
	//       "Effect": "Allow",
	//       "Action": "s3:ListBucket",
	//       "Resource": "arn:aws:s3:::example-data"
	//     },
	//     {
	//       "Sid": "PersonalizeUseKeys",
	//       "Effect": "Allow",
	//       "Action": [
	//         "kms:Decrypt",
	//         "kms:GenerateDataKey",
	//         "kms:DescribeKey",
	//         "kms:CreateGrant",
	//         "kms:ListGrants"
	//       ],
	//       "Resource": "KEY_ARN"
	//     }
	//   ]
	// }
}
