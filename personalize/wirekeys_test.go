package personalize

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/jsonscan"
)

// TestWireMemberLookup holds the wire walk's two ways to a member, the
// scanner's comparison of a name written as it is with the members after
// the last one found (jsonscan.NextKeyIn) and the name read and looked up,
// to the same rules: members out of order, escaped or in another case,
// twice by either way, unknown, and malformed around a name.
func TestWireMemberLookup(t *testing.T) {
	g := testGuard(t, Policy{})
	ctx := middleware.WithOperationName(context.Background(), "CreateDatasetGroup")
	type refusal struct{ Rule, Field string }
	tests := []struct {
		name, body string
		want       *refusal
	}{
		{"in order", `{"domain":"VIDEO_ON_DEMAND","name":"movies","tags":[{"tagKey":"team","tagValue":"recs"}]}`, nil},
		{"out of order", `{"tags":[{"tagValue":"recs","tagKey":"team"}],"name":"movies","domain":"ECOMMERCE"}`, nil},
		{"white space", "{ \"name\" : \"movies\" ,\n\"tags\":[ { \"tagKey\":\"team\" } ] }", nil},
		{"escaped name", `{"\u006eame":"movies"}`, nil},
		{"escaped name checked", `{"\u006eame":"bad name!"}`, &refusal{RuleNamePattern, "Name"}},
		{"other case checked", `{"Name":"bad name!"}`, &refusal{RuleNamePattern, "Name"}},
		{"checked in order", `{"domain":"ECOMMERCE","name":"bad name!"}`, &refusal{RuleNamePattern, "Name"}},
		{"enum in order", `{"domain":"BOOKS","name":"movies"}`, &refusal{RuleEnum, "Domain"}},
		// Before the last member found, as the SDK writes "datasetArn"
		// before "dataSource": compared in place among the earlier ones.
		{"enum before the last found", `{"name":"movies","domain":"BOOKS"}`, &refusal{RuleEnum, "Domain"}},
		{"checked before the last found", `{"tags":[{"tagKey":"team"}],"name":"bad name!"}`, &refusal{RuleNamePattern, "Name"}},
		{"twice before the last found", `{"name":"movies","domain":"ECOMMERCE","domain":"BOOKS"}`, &refusal{RuleBodyUnchecked, "Domain"}},
		{"twice, the second before the last found", `{"domain":"ECOMMERCE","tags":[],"domain":"BOOKS"}`, &refusal{RuleBodyUnchecked, "Domain"}},
		{"tag key after its value", `{"tags":[{"tagValue":"recs","tagKey":"aws:x"}]}`, &refusal{RuleTagLimits, "Tags[0].TagKey"}},
		{"tag key in order", `{"tags":[{"tagKey":"team","tagValue":"recs"},{"tagKey":"aws:x","tagValue":"v"}]}`, &refusal{RuleTagLimits, "Tags[1].TagKey"}},
		{"tag value in order", `{"tags":[{"tagKey":"team","tagValue":"a;b"}]}`, &refusal{RuleTagLimits, "Tags[0].TagValue"}},
		{"twice in a row", `{"name":"movies","name":"other"}`, &refusal{RuleBodyUnchecked, "Name"}},
		{"twice, in order the second time", `{"name":"movies","domain":"ECOMMERCE","name":"other"}`, &refusal{RuleBodyUnchecked, "Name"}},
		{"twice, escaped", `{"name":"movies","\u006eame":"other"}`, &refusal{RuleBodyUnchecked, "Name"}},
		{"twice, other case", `{"name":"movies","NAME":"other"}`, &refusal{RuleBodyUnchecked, "Name"}},
		{"tag key twice", `{"tags":[{"tagKey":"team","tagKey":"aws:x"}]}`, &refusal{RuleBodyUnchecked, "Tags[0].TagKey"}},
		{"unknown", `{"name":"movies","names":"x"}`, &refusal{RuleUnknownMember, "(unknown member)"}},
		{"unknown, a prefix", `{"nam":"movies"}`, &refusal{RuleUnknownMember, "(unknown member)"}},
		{"unknown, longer", `{"kmsKeyArnX":"movies"}`, &refusal{RuleUnknownMember, "(unknown member)"}},
		{"unknown in a tag", `{"tags":[{"tagKey":"team","tagValu":"recs"}]}`, &refusal{RuleUnknownMember, "Tags[0].(unknown member)"}},
		{"name without its colon", `{"name" "movies"}`, &refusal{RuleBodyUnchecked, ""}},
		{"name cut short", `{"name`, &refusal{RuleBodyUnchecked, ""}},
		{"name's quote cut", `{"name"`, &refusal{RuleBodyUnchecked, ""}},
		{"control character in a name", "{\"na\nme\":\"movies\"}", &refusal{RuleBodyUnchecked, ""}},
		{"text after", `{"name":"movies"} x`, &refusal{RuleBodyUnchecked, ""}},
		{"comma before the end", `{"name":"movies",}`, &refusal{RuleBodyUnchecked, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := g.checkBody(ctx, "CreateDatasetGroup", tt.body)
			var got *refusal
			var sg *SafeguardError
			if errors.As(err, &sg) {
				got = &refusal{sg.Rule, sg.Field}
			} else if err != nil {
				t.Fatalf("checkBody = %v, want nil or a SafeguardError", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("checkBody(%s) (-want +got):\n%s", tt.body, diff)
			}
		})
	}
}

// withoutKeys copies the structure tree n without the keys jsonscan's
// NextKeyIn compares, so that a walk along the copy finds every member by
// its name, as the wire walk did before NextKeyIn (the reference).
func withoutKeys(n *node, seen map[*node]*node) *node {
	if n == nil {
		return nil
	}
	if cp, ok := seen[n]; ok {
		return cp
	}
	cp := *n
	seen[n] = &cp
	cp.keys = nil
	cp.elem = withoutKeys(n.elem, seen)
	if n.fields != nil {
		cp.fields = make([]*node, len(n.fields))
		cp.byMember = make(map[string]*node, len(n.fields))
		for i, f := range n.fields {
			cp.fields[i] = withoutKeys(f, seen)
			cp.byMember[f.member] = cp.fields[i]
		}
		cp.keyFields = make([]*node, len(n.keyFields))
		for i, f := range n.keyFields {
			cp.keyFields[i] = withoutKeys(f, seen)
		}
	}
	cp.valueName = withoutKeys(n.valueName, seen)
	cp.namedValues = nil
	for _, v := range n.namedValues {
		cp.namedValues = append(cp.namedValues, withoutKeys(v, seen))
	}
	return &cp
}

// wireOps are the operations FuzzWireMemberLookupMatchesOld walks bodies
// of: tags, a key place, nested structures, maps, named values.
var wireOps = []string{"CreateDatasetGroup", "CreateSolution", "CreateDatasetImportJob", "CreateBatchInferenceJob", "CreateMetricAttribution", "CreateCampaign"}

// FuzzWireMemberLookupMatchesOld holds the wire walk, which compares a
// name written as it is with the members after the last one found, to the
// walk that reads every name and looks it up: for any body of any of
// wireOps, both pass, or both refuse with the same rule, field and reason.
func FuzzWireMemberLookupMatchesOld(f *testing.F) {
	for _, body := range []string{
		`{"domain":"VIDEO_ON_DEMAND","name":"movies","tags":[{"tagKey":"team","tagValue":"recs"},{"tagKey":"env","tagValue":"prod"}]}`,
		`{"name":"movies","name":"other"}`, `{"tags":[{"tagValue":"recs","tagKey":"team"}],"Name":"x y"}`,
		`{"solutionConfig":{"hpoConfig":{"algorithmHyperParameterRanges":{"categoricalHyperParameterRanges":[{"name":"acct","values":["912803456"]}]}}},"name":"s"}`,
		`{"dataSource":{"dataLocation":"s3://bucket/key"},"datasetArn":"arn:aws:personalize:us-east-1:111122223333:dataset/d","jobName":"j","roleArn":"arn:aws:iam::111122223333:role/R"}`,
		`{"jobInput":{"s3DataSource":{"path":"s3://b/in"}},"jobName":"j","jobOutput":{"s3DataDestination":{"kmsKeyArn":"arn:aws:kms:us-east-1:111122223333:key/k","path":"s3://b/out"}}}`,
		`{"metrics":[{"eventType":"click","expression":"SUM(Items.PRICE)","metricName":"revenue"}],"name":"m"}`,
		`{"campaignConfig":{"itemExplorationConfig":{"explorationWeight":"0.3"}},"minProvisionedTPS":1,"name":"c"}`,
		`{"datasetArn":"arn:aws:personalize:us-east-1:111122223333:dataset/d","dataSource":{"dataLocation":"s3://bucket/key"},"jobName":"j","roleArn":"arn:aws:iam::111122223333:role/R"}`,
		`{"datasetArn":"x","dataSource":{"dataLocation":"s3://b/k"},"dataSource":{"dataLocation":"s3://b/k"}}`,
		`{"\u006eame":"movies","nam\u0065":"x"}`, `{ "name" : "movies" }`, `{"name":"movies"} `, `{"name":"movies",}`,
	} {
		for i := range wireOps {
			f.Add(uint8(i), body)
		}
	}
	g := testGuard(f, Policy{})
	old := testGuard(f, Policy{})
	old.ops = make(map[string]*boundOp, len(g.ops))
	seen := map[*node]*node{}
	for name, op := range g.ops {
		cp := *op
		cp.input = withoutKeys(op.input, seen)
		old.ops[name] = &cp
	}
	type refusal struct{ Rule, Field, Reason string }
	result := func(err error) *refusal {
		var sg *SafeguardError
		switch {
		case err == nil:
			return nil
		case errors.As(err, &sg):
			return &refusal{sg.Rule, sg.Field, sg.Reason}
		}
		return &refusal{Reason: err.Error()}
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		op := wireOps[int(which)%len(wireOps)]
		ctx := middleware.WithOperationName(context.Background(), op)
		want := result(old.checkBody(ctx, op, body))
		got := result(g.checkBody(ctx, op, body))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s %q: (-by name +compared in place):\n%s", op, body, diff)
		}
	})
}

// TestWireMemberRefusalsReportOnly: in report-only mode an unknown or
// repeated member is reported, not refused, and ends the structure's walk
// as the refusal would have (walkWireStruct's cold paths, apart from it
// since imp25): nothing after it in the structure is read, so a body whose
// top structure ends so is not one JSON document the walk read, and is
// refused all the same (fail closed); nothing panics. The outcomes are the
// walk's before the split (8c7c550), and the strict guard's refusals.
func TestWireMemberRefusalsReportOnly(t *testing.T) {
	g := testGuard(t, Policy{InsecureReportOnly: true, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	strict := testGuard(t, Policy{})
	ctx := middleware.WithOperationName(context.Background(), "CreateDatasetGroup")
	tests := []struct {
		body                 string
		reportOnly, refusing string // the rules; "" for none
	}{
		{`{"name":"movies","names":"x","domain":"BOOKS"}`, RuleBodyUnchecked, RuleUnknownMember},
		{`{"names":"x"}`, RuleBodyUnchecked, RuleUnknownMember},
		{`{"name":"movies","name":"other","domain":"BOOKS"}`, RuleBodyUnchecked, RuleBodyUnchecked},
		{`{"domain":"ECOMMERCE","tags":[],"domain":"BOOKS"}`, RuleBodyUnchecked, RuleBodyUnchecked},
		{`{"tags":[{"tagKey":"team","tagValu":"recs"}],"name":"movies"}`, "", RuleUnknownMember},
		{`{"domain":"ECOMMERCE","name":"movies"}`, "", ""},
	}
	rule := func(err error) string {
		var sg *SafeguardError
		if errors.As(err, &sg) {
			return sg.Rule
		}
		if err != nil {
			return err.Error()
		}
		return ""
	}
	for _, tt := range tests {
		got := []string{rule(g.checkBody(ctx, "CreateDatasetGroup", tt.body)), rule(strict.checkBody(ctx, "CreateDatasetGroup", tt.body))}
		if diff := cmp.Diff([]string{tt.reportOnly, tt.refusing}, got); diff != "" {
			t.Errorf("checkBody(%s) [report-only, strict] (-want +got):\n%s", tt.body, diff)
		}
	}
}

// TestWireOrderIsTheSDKs holds each structure's keyFields to the order
// wireOrder gives (member names sorted ignoring case, each member's pos its
// index, keys in the same order), and pins the import's order, the one
// whose table order differs. TestWireOrderIsTheSDKsSerializer holds the
// order to what the SDK's serializers write.
func TestWireOrderIsTheSDKs(t *testing.T) {
	g := testGuard(t, Policy{})
	checked := 0
	for name, op := range g.ops {
		var walk func(n *node)
		walk = func(n *node) {
			if n == nil {
				return
			}
			for i, f := range n.keyFields {
				if f.pos != i {
					t.Errorf("%s: member %s at %d of keyFields has pos %d", name, f.member, i, f.pos)
				}
				if i > 0 && strings.ToLower(n.keyFields[i-1].member) >= strings.ToLower(f.member) {
					t.Errorf("%s: members %s, %s out of the SDK's order", name, n.keyFields[i-1].member, f.member)
				}
				if n.keys != nil && n.keys[i] != mustPlainKey(t, f.member) {
					t.Errorf("%s: key %d is not member %s's", name, i, f.member)
				}
				checked++
			}
			for _, f := range n.fields {
				walk(f)
			}
			walk(n.elem)
		}
		walk(op.input)
	}
	if checked < 100 {
		t.Errorf("checked %d members, want the tables' hundreds", checked)
	}
	// The SDK's order itself, on the import whose two orders differ.
	ctx := middleware.WithOperationName(context.Background(), "CreateDatasetImportJob")
	body := `{"datasetArn":"arn:aws:personalize:us-east-1:111122223333:dataset/movies/INTERACTIONS","dataSource":{"dataLocation":"s3://b/k"},"importMode":"FULL","jobName":"j","publishAttributionMetricsToS3":true,"roleArn":"arn:aws:iam::111122223333:role/R","tags":[{"tagKey":"team","tagValue":"recs"}]}`
	var got []string
	imp := g.ops["CreateDatasetImportJob"].input
	for _, f := range imp.keyFields {
		got = append(got, f.member)
	}
	want := []string{"datasetArn", "dataSource", "importMode", "jobName", "publishAttributionMetricsToS3", "roleArn", "tags"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("CreateDatasetImportJob's keyFields (-want +got):\n%s", diff)
	}
	if err := g.checkBody(ctx, "CreateDatasetImportJob", body); err != nil {
		var sg *SafeguardError
		if !errors.As(err, &sg) || sg.Rule == RuleUnknownMember || sg.Rule == RuleBodyUnchecked {
			t.Errorf("checkBody(the SDK's order) = %v", err)
		}
	}
}

func mustPlainKey(t *testing.T, name string) jsonscan.PlainKey {
	t.Helper()
	k, ok := jsonscan.NewPlainKey(name)
	if !ok {
		t.Fatalf("NewPlainKey(%q) failed", name)
	}
	return k
}
