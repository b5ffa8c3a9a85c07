package callerid_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/personalizeguard/personalizeguard/internal/callerid"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// BenchmarkCheckCached is the cost the guard adds to each call once STS has
// answered for the credentials: a salted hash of the access key ID and a
// cache lookup.
func BenchmarkCheckCached(b *testing.B) {
	s := personalizetest.New(b)
	c := callerid.NewChecker(sts.NewFromConfig(s.Config()))
	ctx := context.Background()
	creds := credsOf(personalizetest.AccessKeyID)
	if _, err := c.Check(ctx, creds); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := c.Check(ctx, creds); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if n := len(s.Requests()); n != 1 {
		b.Errorf("%d STS calls, want 1", n)
	}
}

// BenchmarkCheckCachedParallel is the same under contention.
func BenchmarkCheckCachedParallel(b *testing.B) {
	s := personalizetest.New(b)
	c := callerid.NewChecker(sts.NewFromConfig(s.Config()))
	ctx := context.Background()
	creds := credsOf(personalizetest.AccessKeyID)
	if _, err := c.Check(ctx, creds); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := c.Check(ctx, creds); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
