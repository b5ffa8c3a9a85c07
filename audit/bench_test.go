package audit

import (
	"context"
	"fmt"
	"testing"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// BenchmarkAudit audits emulated accounts of growing size, the largest 100
// dataset groups and 1,000 import jobs, and reports the AWS calls one audit
// makes (calls/op) and per dataset group and job (calls/resource): calls grow
// with the resources listed, while the role, the key and the bucket that
// they all share are read once each: GetRole/op and GetKeyPolicy/op are 1,
// GetBucketPolicy/op is 2 (the jobs' bucket and the trail's).
func BenchmarkAudit(b *testing.B) {
	for _, size := range []struct{ groups, jobs int }{{10, 10}, {100, 10}} {
		b.Run(fmt.Sprintf("groups=%d/jobs=%d", size.groups, size.groups*size.jobs), func(b *testing.B) {
			a := newAccount(b, func(o *personalizetest.AccountOptions) { o.DatasetGroups, o.JobsPerGroup = size.groups, size.jobs })
			clients := a.clients
			ctx := context.Background()
			var calls int
			shared := map[string]int{}
			for b.Loop() {
				a.s.ResetRequests()
				res, err := Run(ctx, clients, func(o *Options) { o.Region = personalizetest.Region })
				if err != nil {
					b.Fatal(err)
				}
				if got := res.Report.Blocking(0); len(got) != 0 {
					b.Fatalf("blocking findings: %v", got)
				}
				for _, r := range a.s.Requests() {
					calls++
					switch r.Operation {
					case "GetRole", "GetKeyPolicy", "GetBucketPolicy":
						shared[r.Operation]++
					}
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(calls)/n, "calls/op")
			b.ReportMetric(float64(calls)/n/float64(size.groups*(1+size.jobs)), "calls/resource")
			for op, c := range shared {
				b.ReportMetric(float64(c)/n, op+"/op")
			}
		})
	}
}
