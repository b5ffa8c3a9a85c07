package personalizetest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// BenchmarkSeedAccount measures SeedAccount alone (the Server's start and
// close are outside the timer), at the size of the audit's benchmark: 100
// extra dataset groups with 10 import jobs each.
func BenchmarkSeedAccount(b *testing.B) {
	for _, size := range []struct{ groups, jobs int }{{0, 0}, {100, 10}} {
		b.Run(fmt.Sprintf("groups=%d/jobs=%d", size.groups, size.groups*size.jobs), func(b *testing.B) {
			ctx := context.Background()
			b.ReportAllocs()
			for range b.N {
				b.StopTimer()
				s, err := personalizetest.Start(ctx)
				if err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				as, err := s.SeedAccount(ctx, func(o *personalizetest.AccountOptions) { o.DatasetGroups, o.JobsPerGroup = size.groups, size.jobs })
				b.StopTimer()
				if err != nil {
					b.Fatal(err)
				}
				if len(as.ImportJobARNs) != size.groups*size.jobs {
					b.Fatalf("%d import jobs, want %d", len(as.ImportJobARNs), size.groups*size.jobs)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
			}
		})
	}
}
