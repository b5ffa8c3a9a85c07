package audit

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/posture"
)

// TestRed11TagPairReported: a tag's key is often the keyword that makes its
// value an account number or an SSN ({acct: 912803456}); the audit reports
// such a tag as it reports "acct 912803456" in one of its parts, and never
// quotes it.
func TestRed11TagPairReported(t *testing.T) {
	// The last after other text, read from its run of digits on, as the
	// guards read it (jsontext.EachNamed).
	for _, tag := range [][2]string{{"acct", "912803456"}, {"ssn", "123456789"}, {"acct", "gold 912803456"}} {
		t.Run(tag[0]+" "+tag[1], func(t *testing.T) {
			a := newAccount(t)
			if _, err := personalize.NewFromConfig(a.s.Config()).TagResource(context.Background(), &personalize.TagResourceInput{
				ResourceArn: aws.String(a.as.DatasetGroupARN),
				Tags:        []ptypes.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}, {TagKey: aws.String(tag[0]), TagValue: aws.String(tag[1])}}}); err != nil {
				t.Fatal(err)
			}
			res := a.run(t)
			var ids []string
			for _, f := range res.Report.Blocking(posture.Low) {
				ids = append(ids, f.ID)
				if f.Resource != a.as.DatasetGroupARN {
					t.Errorf("%s on %q, want on %q", f.ID, f.Resource, a.as.DatasetGroupARN)
				}
				if strings.Contains(f.Message+f.Resource+f.Remediation, tag[1]) {
					t.Errorf("the finding quotes the value: %+v", f)
				}
			}
			if diff := cmp.Diff([]string{FindingTagIdentifying}, slices.Compact(ids)); diff != "" {
				t.Errorf("finding IDs mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
