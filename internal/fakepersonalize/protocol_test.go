package fakepersonalize_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/internal/apimodel"
	"github.com/personalizeguard/personalizeguard/internal/fakepersonalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func TestTags(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	schema := f.schema("s", personalizetest.InteractionsSchema)
	list := func() []string {
		t.Helper()
		out, err := f.c.ListTagsForResource(f.ctx, &personalize.ListTagsForResourceInput{ResourceArn: &group})
		if err != nil {
			t.Fatalf("ListTagsForResource() = %v", err)
		}
		var kv []string
		for _, tg := range out.Tags {
			kv = append(kv, aws.ToString(tg.TagKey)+"="+aws.ToString(tg.TagValue))
		}
		sort.Strings(kv)
		return kv
	}
	if got := list(); len(got) != 0 {
		t.Errorf("new group has tags %v", got)
	}
	if _, err := f.c.TagResource(f.ctx, &personalize.TagResourceInput{ResourceArn: &group, Tags: []types.Tag{
		{TagKey: aws.String("team"), TagValue: aws.String("recs")}, {TagKey: aws.String("env"), TagValue: aws.String("")},
	}}); err != nil {
		t.Fatalf("TagResource() = %v", err)
	}
	if _, err := f.c.TagResource(f.ctx, &personalize.TagResourceInput{ResourceArn: &group, Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("search")}}}); err != nil {
		t.Fatalf("TagResource(overwrite) = %v", err)
	}
	if diff := cmp.Diff([]string{"env=", "team=search"}, list()); diff != "" {
		t.Errorf("tags mismatch (-want +got):\n%s", diff)
	}
	if _, err := f.c.UntagResource(f.ctx, &personalize.UntagResourceInput{ResourceArn: &group, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatalf("UntagResource() = %v", err)
	}
	if diff := cmp.Diff([]string{"team=search"}, list()); diff != "" {
		t.Errorf("tags after untag mismatch (-want +got):\n%s", diff)
	}

	unknown := aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/none")
	manyKeys := make([]string, 201)
	for i := range manyKeys {
		manyKeys[i] = fmt.Sprint("k", i)
	}
	tests := []struct {
		reason string
		call   func() error
		want   string
	}{
		{"tag an unknown resource", func() error {
			_, err := f.c.TagResource(f.ctx, &personalize.TagResourceInput{ResourceArn: unknown, Tags: []types.Tag{{TagKey: aws.String("a"), TagValue: aws.String("b")}}})
			return err
		}, "ResourceNotFoundException"},
		{"untag an unknown resource", func() error {
			_, err := f.c.UntagResource(f.ctx, &personalize.UntagResourceInput{ResourceArn: unknown, TagKeys: []string{"a"}})
			return err
		}, "ResourceNotFoundException"},
		{"list tags of an unknown resource", func() error {
			_, err := f.c.ListTagsForResource(f.ctx, &personalize.ListTagsForResourceInput{ResourceArn: unknown})
			return err
		}, "ResourceNotFoundException"},
		{"schemas take no tags", func() error {
			_, err := f.c.TagResource(f.ctx, &personalize.TagResourceInput{ResourceArn: &schema, Tags: []types.Tag{{TagKey: aws.String("a"), TagValue: aws.String("b")}}})
			return err
		}, "InvalidInputException"},
		{"over 200 tags in total", func() error {
			_, err := f.c.TagResource(f.ctx, &personalize.TagResourceInput{ResourceArn: &group, Tags: tags(200)})
			return err
		}, "TooManyTagsException"},
		{"201 keys to remove", func() error {
			_, err := f.c.UntagResource(f.ctx, &personalize.UntagResourceInput{ResourceArn: &group, TagKeys: manyKeys})
			return err
		}, "TooManyTagKeysException"},
		{"invalid tag", func() error {
			_, err := f.c.TagResource(f.ctx, &personalize.TagResourceInput{ResourceArn: &group, Tags: []types.Tag{{TagKey: aws.String("aws:x"), TagValue: aws.String("b")}}})
			return err
		}, "InvalidInputException"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) { checkErr(t, tt.call(), tt.want) })
	}

	// Tags given at creation are listed too, for every taggable kind.
	out, err := f.c.CreateFilter(f.ctx, &personalize.CreateFilterInput{Name: aws.String("f"), DatasetGroupArn: &group,
		FilterExpression: aws.String(`INCLUDE ItemID WHERE Items.GENRE IN ("x")`), Tags: []types.Tag{{TagKey: aws.String("kind"), TagValue: aws.String("filter")}}})
	if err != nil {
		t.Fatal(err)
	}
	ft, err := f.c.ListTagsForResource(f.ctx, &personalize.ListTagsForResourceInput{ResourceArn: out.FilterArn})
	if err != nil || len(ft.Tags) != 1 || aws.ToString(ft.Tags[0].TagValue) != "filter" {
		t.Errorf("ListTagsForResource(filter) = %+v, %v", ft, err)
	}
}

func TestProtocolErrors(t *testing.T) {
	s := personalizetest.New(t)
	tests := []struct {
		reason, op, body string
		wantStatus       int
		wantType         string
	}{
		{"not a Personalize operation", "CreateBucket", "{}", 400, "UnknownOperationException"},
		{"malformed JSON", "ListSchemas", "{", 400, "SerializationException"},
		{"wrong JSON type", "ListSchemas", `{"maxResults":"ten"}`, 400, "SerializationException"},
		{"missing required ARN", "DescribeDatasetGroup", "{}", 400, "InvalidInputException"},
		{"missing tags", "TagResource", `{"resourceArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/x"}`, 400, "InvalidInputException"},
		{"missing tag keys", "UntagResource", `{"resourceArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/x"}`, 400, "InvalidInputException"},
		{"missing schema", "CreateSchema", `{"name":"s"}`, 400, "InvalidInputException"},
		{"missing filter expression", "CreateFilter", `{"name":"f","datasetGroupArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/x"}`, 400, "InvalidInputException"},
		{"missing data source", "CreateDatasetImportJob", `{"jobName":"j","datasetArn":"arn:aws:personalize:us-east-1:111122223333:dataset/x/ITEMS"}`, 400, "InvalidInputException"},
		{"solution config not an object", "CreateSolution", `{"name":"s","datasetGroupArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/x","recipeArn":"` + userPersonalization + `","solutionConfig":[]}`, 400, "SerializationException"},
		{"empty body is an empty input", "ListDatasetGroups", "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			status, typ, _ := raw(t, s, tt.op, tt.body)
			if status != tt.wantStatus || typ != tt.wantType {
				t.Errorf("%s(%s) = %d %q, want %d %q", tt.op, tt.body, status, typ, tt.wantStatus, tt.wantType)
			}
		})
	}
}

func TestServeHTTPWithoutTarget(t *testing.T) {
	srv := fakepersonalize.New(fakepersonalize.Config{Region: "us-east-1", AccountID: "111122223333"})
	for _, tt := range []struct{ method, target string }{{http.MethodGet, "AmazonPersonalize.ListSchemas"}, {http.MethodPost, ""}, {http.MethodPost, "TrentService.ListKeys"}} {
		req, _ := http.NewRequest(tt.method, "/", strings.NewReader("{}"))
		req.Header.Set("X-Amz-Target", tt.target)
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code != 400 || !strings.Contains(rec.Body.String(), "UnknownOperationException") {
			t.Errorf("%s with target %q = %d %s, want 400 UnknownOperationException", tt.method, tt.target, rec.Code, rec.Body)
		}
	}
}

func TestStatusStepsZero(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	out, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("instant")})
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.c.ListDatasetGroups(f.ctx, &personalize.ListDatasetGroupsInput{})
	if err != nil || aws.ToString(list.DatasetGroups[0].Status) != "ACTIVE" {
		t.Errorf("with zero steps a new group lists as %+v, %v; want ACTIVE at once", list, err)
	}
	if _, err := f.c.DeleteDatasetGroup(f.ctx, &personalize.DeleteDatasetGroupInput{DatasetGroupArn: out.DatasetGroupArn}); err != nil {
		t.Fatal(err)
	}
	_, err = f.c.DescribeDatasetGroup(f.ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: out.DatasetGroupArn})
	checkErr(t, err, "ResourceNotFoundException")
}

func TestStatusStepsThree(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 3 })
	out, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("slow")})
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	for range 3 {
		s, _, err := f.describeGroup(out.DatasetGroupArn)()
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, aws.ToString(s))
	}
	if diff := cmp.Diff([]string{"CREATE IN_PROGRESS", "CREATE IN_PROGRESS", "ACTIVE"}, statuses); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
}

func TestConcurrentCreates(t *testing.T) {
	s := personalizetest.New(t)
	c := personalize.NewFromConfig(s.Config())
	ctx := t.Context()
	var wg sync.WaitGroup
	var mu sync.Mutex
	wins, conflicts := 0, 0
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("contested")})
			_, err2 := c.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String(fmt.Sprint("own-", i))})
			if err2 != nil {
				t.Error(err2)
			}
			_, _ = c.ListDatasetGroups(ctx, &personalize.ListDatasetGroupsInput{})
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				wins++
			} else if isErr[*types.ResourceAlreadyExistsException](err) {
				conflicts++
			} else {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || conflicts != 7 {
		t.Errorf("8 concurrent creates of one name: %d succeeded, %d conflicted; want 1 and 7", wins, conflicts)
	}
}

// TestOperationsAreTheModels: the fake serves exactly the operations of
// the service model the SDK was generated from.
func TestOperationsAreTheModels(t *testing.T) {
	m, err := apimodel.Load(apimodel.Personalize)
	if err != nil {
		t.Fatal(err)
	}
	want := m.OperationNames()
	got := fakepersonalize.Operations()
	sort.Strings(got)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Operations() mismatch (-want +got):\n%s", diff)
	}
	if len(got) != 71 {
		t.Errorf("Operations() lists %d operations, want 71", len(got))
	}
}
