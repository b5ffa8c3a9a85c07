package personalize_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// BenchmarkReviewFinal6GuardedStreamWrapper measures a guarded call built
// from personalizetest's Config with and without IDStreamWithoutWriteTo:
// with it, the gate reads the body through the wrapper (ReadBody's
// generic path) instead of the *bytes.Reader the SDK serializes into.
func BenchmarkReviewFinal6GuardedStreamWrapper(b *testing.B) {
	srv := personalizetest.New(b)
	for _, keep := range []bool{true, false} {
		name := "middleware=kept"
		if !keep {
			name = "middleware=dropped"
		}
		b.Run(name, func(b *testing.B) {
			cfg := srv.Config()
			if !keep {
				cfg.APIOptions = nil
			}
			c, err := personalize.New(cfg, personalize.Policy{})
			if err != nil {
				b.Fatal(err)
			}
			in := &sdk.ListDatasetGroupsInput{MaxResults: aws.Int32(5)}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := c.ListDatasetGroups(b.Context(), in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
