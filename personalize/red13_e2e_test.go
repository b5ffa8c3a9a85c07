package personalize_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestRed13ImportIntoUnencryptedGroupByDefault: the zero-value Policy
// refuses a dataset group without a customer managed key, since a group's
// key is fixed at creation. An import into such a group, created outside
// the guard, writes the data under a key AWS owns all the same: it is
// refused too, unless InsecureAllowUnencryptedDatasetGroups says otherwise.
func TestRed13ImportIntoUnencryptedGroupByDefault(t *testing.T) {
	tests := []struct {
		name     string
		policy   personalize.Policy
		wantRule string // "" for an import the guard lets through
	}{
		{"zero-value Policy", personalize.Policy{}, personalize.RuleDatasetGroupKey},
		{"opted out", personalize.Policy{InsecureAllowUnencryptedDatasetGroups: true}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, tt.policy)
			err := importIntoUnencryptedGroup(t, e)
			// Whether the emulator then accepts the job (the dataset may
			// still be creating) is not the guard's business.
			var got struct {
				Rule    string
				Reached bool
			}
			if sg := (*personalize.SafeguardError)(nil); errors.As(err, &sg) {
				got.Rule = sg.Rule
			}
			for _, op := range e.personalizeCalls() {
				got.Reached = got.Reached || op == "CreateDatasetImportJob"
			}
			want := got
			want.Rule, want.Reached = tt.wantRule, tt.wantRule == ""
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("import (-want +got):\n%s", diff)
			}
		})
	}
}

// nilDescriber answers DescribeDataset, or DescribeDatasetGroup, with no
// output and no error, as a wrapped or hand-written Policy.PersonalizeClient
// may.
type nilDescriber struct {
	*sdk.Client
	group bool // DescribeDatasetGroup answers nil; DescribeDataset is the emulator's
}

func (d nilDescriber) DescribeDataset(ctx context.Context, in *sdk.DescribeDatasetInput, opts ...func(*sdk.Options)) (*sdk.DescribeDatasetOutput, error) {
	if d.group {
		return d.Client.DescribeDataset(ctx, in, opts...)
	}
	return nil, nil
}

func (d nilDescriber) DescribeDatasetGroup(ctx context.Context, in *sdk.DescribeDatasetGroupInput, opts ...func(*sdk.Options)) (*sdk.DescribeDatasetGroupOutput, error) {
	if d.group {
		return nil, nil
	}
	return d.Client.DescribeDatasetGroup(ctx, in, opts...)
}

// TestRed13NilDescribeAnswer: a describe call that answers nothing is a
// dataset group the guard could not look up, refused, not a panic in the
// caller's goroutine.
func TestRed13NilDescribeAnswer(t *testing.T) {
	for _, group := range []bool{false, true} {
		t.Run(fmt.Sprintf("group=%v", group), func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
			ctx := context.Background()
			if _, err := createDatasetAndSchema(ctx, e.client, "movies"); err != nil {
				t.Fatal(err)
			}
			p := personalize.Policy{KMSKeyARN: e.scene.KeyARN, RoleARN: e.scene.RoleARN, InsecureSkipImportScan: true,
				PersonalizeClient: nilDescriber{Client: sdk.NewFromConfig(e.srv.Config()), group: group}}
			client, err := personalize.New(guardedConfig(e.srv), p)
			if err != nil {
				t.Fatal(err)
			}
			var rule string
			func() {
				defer func() {
					if r := recover(); r != nil {
						rule = fmt.Sprintf("panic: %v", r)
					}
				}()
				_, err = client.CreateDatasetImportJob(ctx, importInput(e, "import-1"))
				if sg := (*personalize.SafeguardError)(nil); errors.As(err, &sg) {
					rule = sg.Rule
				}
			}()
			if diff := cmp.Diff(personalize.RuleDatasetGroupLookup, rule); diff != "" {
				t.Errorf("rule (-want +got):\n%s(err = %v)", diff, err)
			}
		})
	}
}
