package dataplane

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
)

// TestARNMemoKeepsEachMembersLimits: an ARN the memo holds, found clean in
// a member that allows it, is still held to the length limits of a member
// that does not, in the same body and in a later one, enforcing and in
// report-only mode; the memo never holds more than its bound, however many
// clean ARNs come; and walks on one guard from many goroutines give what a
// new guard's walk gives (go test -race).
func TestARNMemoKeepsEachMembersLimits(t *testing.T) {
	api := &API{Operations: map[string]*Node{"Get": Struct(map[string]*Node{
		"campaignArn": String(RuleARN, 0, 256),
		"shortArn":    String(RuleARN, 10, 60),
	})}}
	long := "arn:aws:personalize:us-east-1:123456789012:campaign/" + strings.Repeat("c", 20) // 72 characters
	short := "arn:aws:personalize:us-east-1:123456789012:filter/f"
	walk := func(g *Guard, body string) string {
		ctx := middleware.WithOperationName(context.Background(), "Get")
		st := &callState{passes: stepIdentifiers}
		ctx = withState(ctx, st)
		err := g.checkBody(ctx, "Get", st, body)
		out := fmt.Sprint(err)
		for _, r := range st.reported {
			out += "; " + r.Field + " " + r.Rule
		}
		return out
	}
	body := func(campaign, short string) string {
		return `{"campaignArn":` + strconv.Quote(campaign) + `,"shortArn":` + strconv.Quote(short) + `}`
	}
	for _, tt := range []struct {
		reportOnly bool
		want       string
	}{
		{false, `personalizeguard: Get: ShortArn: model.field-length: is outside the API model's length limits (10–60 characters)`},
		{true, `<nil>; ShortArn model.field-length`},
	} {
		p := Policy{InsecureReportOnly: tt.reportOnly}
		if tt.reportOnly {
			p.Logger = slog.New(slog.DiscardHandler)
		}
		g, err := NewGuard(aws.Config{Region: "us-east-1"}, p, api)
		if err != nil {
			t.Fatal(err)
		}
		if got := walk(g, body(long, short)); got != "<nil>" {
			t.Fatalf("report-only %v: the clean ARNs: %s", tt.reportOnly, got)
		}
		if !g.cleanARNs.Has(long) {
			t.Fatalf("report-only %v: the memo does not hold the clean ARN: the test proves nothing", tt.reportOnly)
		}
		for _, b := range []string{body(long, long), body(short, long)} {
			if diff := cmp.Diff(tt.want, walk(g, b)); diff != "" {
				t.Errorf("report-only %v, %s (-want +got):\n%s", tt.reportOnly, b, diff)
			}
		}

		// Bounded: many clean ARNs, each remembered or not, never past
		// the memo's bound; each still checked.
		for i := range 1000 {
			if got := walk(g, body(long+strconv.Itoa(i), short)); got != "<nil>" {
				t.Fatalf("report-only %v: clean ARN %d: %s", tt.reportOnly, i, got)
			}
		}
		held := 0
		for i := range 1000 {
			if g.cleanARNs.Has(long + strconv.Itoa(i)) {
				held++
			}
		}
		if held == 0 || held > 64 {
			t.Errorf("report-only %v: the memo holds %d of 1000 clean ARNs, want 1 to 64", tt.reportOnly, held)
		}

		// Concurrent walks on the warm guard match a new guard's.
		arns := []string{long, short, "arn:aws:personalize:us-east-1:123456789012:campaign/jane.doe@example.com",
			"arn:aws:s3:us-east-1:123456789012:campaign/x", "arn:aws:personalize:us-east-1:4111111111111111:campaign/x"}
		var bodies, want []string
		for _, a := range arns {
			for _, b := range arns {
				fresh, err := NewGuard(aws.Config{Region: "us-east-1"}, p, api)
				if err != nil {
					t.Fatal(err)
				}
				bodies = append(bodies, body(a, b))
				want = append(want, walk(fresh, body(a, b)))
			}
		}
		got := make([][]string, 8)
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					for _, b := range bodies {
						got[i] = append(got[i], walk(g, b))
					}
				}
			}()
		}
		wg.Wait()
		for i := range got {
			for j, r := range got[i] {
				if diff := cmp.Diff(want[j%len(bodies)], r); diff != "" {
					t.Fatalf("report-only %v, goroutine %d, %s (-new guard +warm guard):\n%s", tt.reportOnly, i, bodies[j%len(bodies)], diff)
				}
			}
		}
	}
}
