package personalize_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestReportOnlyStateAcrossCalls: in report-only mode a call that would
// have been refused goes out with its report in its own audit event; the
// pooled state it leaves must not carry that report into the next call's
// event, on the same goroutine or another. No report names the value.
func TestReportOnlyStateAcrossCalls(t *testing.T) {
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", InsecureReportOnly: true})
	const workers, rounds = 2, 4
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				in := &sdk.CreateDatasetGroupInput{Name: aws.String(fmt.Sprintf("clean-w%dr%d", w, r))}
				if (w+r)%2 == 0 {
					in.Tags = []types.Tag{{TagKey: aws.String("owner"), TagValue: aws.String(fmt.Sprintf("owner.w%dr%d@example.com", w, r))}}
				}
				if _, err := e.client.CreateDatasetGroup(context.Background(), in); err != nil {
					t.Errorf("w%dr%d: report-only call = %v", w, r, err)
				}
			}
		}()
	}
	wg.Wait()
	events := parseAudit(t, e.auditLog())
	var reported, clean int
	for _, ev := range events {
		switch {
		case ev.Operation != "CreateDatasetGroup" || ev.Outcome != personalize.OutcomeAllowed:
			t.Errorf("audit event %+v, want an allowed CreateDatasetGroup", ev)
		case len(ev.ReportOnly) == 0:
			clean++
		case len(ev.ReportOnly) == 1 && strings.HasPrefix(ev.ReportOnly[0], "sensitive.email") && strings.Contains(ev.ReportOnly[0], "Tags[0].TagValue"):
			reported++
		default:
			t.Errorf("audit event reports %q, want one sensitive.email at Tags[0].TagValue or none", ev.ReportOnly)
		}
	}
	if want := workers * rounds / 2; reported != want || clean != want {
		t.Errorf("%d events with a report and %d without, want %d of each (a report carried over, or lost)", reported, clean, want)
	}
	if strings.Contains(e.auditLog(), "@example.com") {
		t.Errorf("the audit log names a reported value:\n%s", e.auditLog())
	}
}
