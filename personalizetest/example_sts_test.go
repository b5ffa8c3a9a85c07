package personalizetest_test

import (
	"context"
	"fmt"
	"log"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// STS names the principal of the credentials a request is signed with:
// Config's are an IAM user's; ConfigAs calls as the account's root user or
// as a role session, to test code that must refuse root credentials.
func ExampleServer_ConfigAs() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()

	for _, cfg := range []aws.Config{
		s.Config(),
		s.ConfigAs(personalizetest.RootAccessKeyID),
		s.ConfigAs(personalizetest.AssumedRoleAccessKeyID),
	} {
		out, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(aws.ToString(out.Arn))
	}
	// Output:
	// arn:aws:iam::111122223333:user/personalizetest
	// arn:aws:iam::111122223333:root
	// arn:aws:sts::111122223333:assumed-role/personalizetest-role/personalizetest-session
}
