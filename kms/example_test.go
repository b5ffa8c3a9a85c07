package kms_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awskms "github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/personalizeguard/personalizeguard/kms"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/posture"
)

func ExampleParseKeyARN() {
	k, err := kms.ParseKeyARN("arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab")
	if err != nil {
		panic(err)
	}
	fmt.Println(k.Region, k.AccountID, k.MultiRegion())

	// An alias is not a key ARN; the error says so without repeating it.
	_, err = kms.ParseKeyARN("alias/personalize")
	var ie *kms.IdentifierError
	if errors.As(err, &ie) {
		fmt.Println(ie.Given)
	}
	fmt.Println(err)
	// Output:
	// eu-west-1 111122223333 true
	// an alias name
	// kms: the key identifier is an alias name; a key ARN (arn:<partition>:kms:<region>:<12-digit account>:key/<id>) is needed: resolve it to one with DescribeKey (kms.ResolveKeyARN)
}

func ExamplePersonalizeKeyPolicyStatements() {
	stmts, err := kms.PersonalizeKeyPolicyStatements(kms.KeyPolicyInput{
		RoleARN: "arn:aws:iam::111122223333:role/PersonalizeRole",
		Region:  "us-east-1",
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(string(stmts))
	// Output:
	// [
	//   {
	//     "Sid": "AllowPersonalizeToUseTheKey",
	//     "Effect": "Allow",
	//     "Principal": {
	//       "Service": "personalize.amazonaws.com"
	//     },
	//     "Action": [
	//       "kms:Decrypt",
	//       "kms:GenerateDataKey",
	//       "kms:DescribeKey",
	//       "kms:CreateGrant",
	//       "kms:ListGrants"
	//     ],
	//     "Resource": "*",
	//     "Condition": {
	//       "ArnLike": {
	//         "aws:SourceArn": "arn:aws:personalize:us-east-1:111122223333:*"
	//       },
	//       "StringEquals": {
	//         "aws:SourceAccount": "111122223333"
	//       }
	//     }
	//   },
	//   {
	//     "Sid": "AllowPersonalizeRoleToUseTheKey",
	//     "Effect": "Allow",
	//     "Principal": {
	//       "AWS": "arn:aws:iam::111122223333:role/PersonalizeRole"
	//     },
	//     "Action": [
	//       "kms:Decrypt",
	//       "kms:GenerateDataKey",
	//       "kms:DescribeKey",
	//       "kms:CreateGrant",
	//       "kms:ListGrants"
	//     ],
	//     "Resource": "*"
	//   }
	// ]
}

// ExampleCheck checks a key in the in-process endpoints of personalizetest:
// first the well-protected key of a seeded scene, then the same key with
// rotation turned off.
func ExampleCheck() {
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
	client := awskms.NewFromConfig(srv.Config())
	in := kms.CheckInput{
		KeyARN:    scene.KeyARN,
		RoleARN:   scene.RoleARN,
		Region:    personalizetest.Region,
		AccountID: personalizetest.AccountID,
		// The dataset group the key will protect: Personalize's calls carry
		// it as aws:SourceArn, which the key policy's conditions test.
		SourceARN: "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies",
	}

	rep, err := kms.Check(ctx, client, in)
	if err != nil {
		panic(err) // the check could not run: reject, never pass
	}
	fmt.Println("passed:", rep.Passed(posture.Medium))

	if _, err := client.DisableKeyRotation(ctx, &awskms.DisableKeyRotationInput{KeyId: &scene.KeyARN}); err != nil {
		panic(err)
	}
	rep, err = kms.Check(ctx, client, in)
	if err != nil {
		panic(err)
	}
	for _, f := range rep.Findings {
		fmt.Println(f.Severity, f.ID, f.Control)
	}
	// Output:
	// passed: true
	// medium kms.rotation-disabled Security Hub KMS.4
}

// ExampleCheck_grant shows a grant that exposes the scene's key to another
// account's role, and the check passing once it is revoked.
func ExampleCheck_grant() {
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
	client := awskms.NewFromConfig(srv.Config())
	grant, err := client.CreateGrant(ctx, &awskms.CreateGrantInput{
		KeyId:            &scene.KeyARN,
		GranteePrincipal: aws.String("arn:aws:iam::444455556666:role/Analytics"),
		Operations:       []types.GrantOperation{types.GrantOperationDecrypt},
	})
	if err != nil {
		panic(err)
	}
	in := kms.CheckInput{KeyARN: scene.KeyARN, RoleARN: scene.RoleARN, Region: personalizetest.Region, AccountID: personalizetest.AccountID,
		SourceARN: "arn:aws:personalize:us-east-1:111122223333:dataset-group/movies"}

	rep, err := kms.Check(ctx, client, in)
	if err != nil {
		panic(err)
	}
	for _, f := range rep.Findings {
		fmt.Println(f.Severity, f.ID)
	}

	if _, err := client.RevokeGrant(ctx, &awskms.RevokeGrantInput{KeyId: &scene.KeyARN, GrantId: grant.GrantId}); err != nil {
		panic(err)
	}
	rep, err = kms.Check(ctx, client, in)
	if err != nil {
		panic(err)
	}
	fmt.Println("passed:", rep.Passed(posture.Medium))
	// Output:
	// high kms.grant-unexpected-principal
	// passed: true
}
