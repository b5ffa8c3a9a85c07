package fakepersonalize_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func tags(n int) []types.Tag {
	out := make([]types.Tag, n)
	for i := range out {
		out[i] = types.Tag{TagKey: aws.String("k" + strings.Repeat("x", i%5) + string(rune('a'+i%26)) + string(rune('a'+i/26))), TagValue: aws.String("v")}
	}
	return out
}

func TestCreateDatasetGroup(t *testing.T) {
	f := newFixture(t)
	disabled, err := kms.NewFromConfig(f.srv.Config()).CreateKey(f.ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kms.NewFromConfig(f.srv.Config()).DisableKey(f.ctx, &kms.DisableKeyInput{KeyId: disabled.KeyMetadata.Arn}); err != nil {
		t.Fatal(err)
	}
	key, role := &f.scene.KeyARN, &f.scene.RoleARN
	const secret = "4111111111111111"
	tests := []struct {
		reason   string
		in       personalize.CreateDatasetGroupInput
		wantErr  string
		wantDesc types.Domain
	}{
		{reason: "plain", in: personalize.CreateDatasetGroupInput{Name: aws.String("plain")}},
		{reason: "encrypted with key and role", in: personalize.CreateDatasetGroupInput{Name: aws.String("encrypted"), KmsKeyArn: key, RoleArn: role}},
		{reason: "domain", in: personalize.CreateDatasetGroupInput{Name: aws.String("shop"), Domain: types.DomainEcommerce}, wantDesc: types.DomainEcommerce},
		{reason: "tagged", in: personalize.CreateDatasetGroupInput{Name: aws.String("tagged"), Tags: tags(200)}},
		{reason: "name with a dot", in: personalize.CreateDatasetGroupInput{Name: aws.String("my.group")}, wantErr: "InvalidInputException"},
		{reason: "name starting with a dash", in: personalize.CreateDatasetGroupInput{Name: aws.String("-group")}, wantErr: "InvalidInputException"},
		{reason: "name of 64 characters", in: personalize.CreateDatasetGroupInput{Name: aws.String(strings.Repeat("a", 64))}, wantErr: "InvalidInputException"},
		{reason: "name holding a card number and a space", in: personalize.CreateDatasetGroupInput{Name: aws.String("card " + secret)}, wantErr: "InvalidInputException"},
		{reason: "role without key", in: personalize.CreateDatasetGroupInput{Name: aws.String("r"), RoleArn: role}, wantErr: "InvalidInputException"},
		{reason: "key without role", in: personalize.CreateDatasetGroupInput{Name: aws.String("k"), KmsKeyArn: key}, wantErr: "InvalidInputException"},
		{reason: "unknown key", in: personalize.CreateDatasetGroupInput{Name: aws.String("u"), RoleArn: role,
			KmsKeyArn: aws.String("arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000000")}, wantErr: "InvalidInputException"},
		{reason: "disabled key", in: personalize.CreateDatasetGroupInput{Name: aws.String("d"), RoleArn: role, KmsKeyArn: disabled.KeyMetadata.Arn}, wantErr: "InvalidInputException"},
		{reason: "alias instead of key ARN", in: personalize.CreateDatasetGroupInput{Name: aws.String("a"), RoleArn: role,
			KmsKeyArn: aws.String("arn:aws:kms:us-east-1:111122223333:alias/data")}, wantErr: "InvalidInputException"},
		{reason: "key in another Region", in: personalize.CreateDatasetGroupInput{Name: aws.String("o"), RoleArn: role,
			KmsKeyArn: aws.String(strings.Replace(*key, "us-east-1", "eu-west-1", 1))}, wantErr: "InvalidInputException"},
		{reason: "malformed role", in: personalize.CreateDatasetGroupInput{Name: aws.String("m"), KmsKeyArn: key, RoleArn: aws.String("PersonalizeRole")}, wantErr: "InvalidInputException"},
		{reason: "unknown domain", in: personalize.CreateDatasetGroupInput{Name: aws.String("dom"), Domain: "GAMES"}, wantErr: "InvalidInputException"},
		{reason: "201 tags", in: personalize.CreateDatasetGroupInput{Name: aws.String("many"), Tags: tags(201)}, wantErr: "TooManyTagsException"},
		{reason: "reserved tag key", in: personalize.CreateDatasetGroupInput{Name: aws.String("aws"), Tags: []types.Tag{{TagKey: aws.String("aws:owner"), TagValue: aws.String("x")}}}, wantErr: "InvalidInputException"},
		{reason: "tag value with a forbidden character", in: personalize.CreateDatasetGroupInput{Name: aws.String("tv"), Tags: []types.Tag{{TagKey: aws.String("k"), TagValue: aws.String(secret + ";")}}}, wantErr: "InvalidInputException"},
		{reason: "tag key too long", in: personalize.CreateDatasetGroupInput{Name: aws.String("tk"), Tags: []types.Tag{{TagKey: aws.String(strings.Repeat("k", 129)), TagValue: aws.String("")}}}, wantErr: "InvalidInputException"},
		{reason: "duplicate name", in: personalize.CreateDatasetGroupInput{Name: aws.String("plain")}, wantErr: "ResourceAlreadyExistsException"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			out, err := f.c.CreateDatasetGroup(f.ctx, &tt.in)
			if tt.wantErr != "" {
				checkErr(t, err, tt.wantErr)
				if err != nil && strings.Contains(err.Error(), secret) {
					t.Errorf("error %q repeats the rejected value", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("CreateDatasetGroup() = %v", err)
			}
			want := "arn:aws:personalize:us-east-1:111122223333:dataset-group/" + *tt.in.Name
			if aws.ToString(out.DatasetGroupArn) != want || out.Domain != tt.wantDesc {
				t.Errorf("CreateDatasetGroup() = %s %q, want %s %q", aws.ToString(out.DatasetGroupArn), out.Domain, want, tt.wantDesc)
			}
		})
	}
}

func TestCreateDatasetGroupRequiresName(t *testing.T) {
	s := personalizetest.New(t)
	// The SDK's validator would stop these before sending; AWS checks too.
	for _, body := range []string{`{}`, ``, `{"name":null}`} {
		if status, typ, _ := raw(t, s, "CreateDatasetGroup", body); status != 400 || typ != "InvalidInputException" {
			t.Errorf("CreateDatasetGroup(%s) = %d %s, want 400 InvalidInputException", body, status, typ)
		}
	}
	if status, typ, _ := raw(t, s, "CreateDatasetGroup", `{"name":7}`); status != 400 || typ != "SerializationException" {
		t.Errorf("CreateDatasetGroup with a number for name = %d %s, want 400 SerializationException", status, typ)
	}
}

func TestDescribeDatasetGroup(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 2 })
	out, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("described"), KmsKeyArn: &f.scene.KeyARN, RoleArn: &f.scene.RoleARN, Domain: types.DomainVideoOnDemand})
	if err != nil {
		t.Fatal(err)
	}
	list, err := f.c.ListDatasetGroups(f.ctx, &personalize.ListDatasetGroupsInput{})
	if err != nil || aws.ToString(list.DatasetGroups[0].Status) != "CREATE PENDING" {
		t.Fatalf("a new group lists as %v, %v; want CREATE PENDING", list, err)
	}
	var statuses []string
	var last *types.DatasetGroup
	for range 3 {
		d, err := f.c.DescribeDatasetGroup(f.ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: out.DatasetGroupArn})
		if err != nil {
			t.Fatalf("DescribeDatasetGroup() = %v", err)
		}
		statuses = append(statuses, aws.ToString(d.DatasetGroup.Status))
		last = d.DatasetGroup
	}
	if diff := cmp.Diff([]string{"CREATE IN_PROGRESS", "ACTIVE", "ACTIVE"}, statuses); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	got := []string{aws.ToString(last.Name), aws.ToString(last.DatasetGroupArn), aws.ToString(last.KmsKeyArn), aws.ToString(last.RoleArn), string(last.Domain), aws.ToString(last.FailureReason)}
	want := []string{"described", aws.ToString(out.DatasetGroupArn), f.scene.KeyARN, f.scene.RoleARN, "VIDEO_ON_DEMAND", ""}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("DescribeDatasetGroup mismatch (-want +got):\n%s", diff)
	}
	if last.CreationDateTime == nil || last.LastUpdatedDateTime == nil || last.LastUpdatedDateTime.Before(*last.CreationDateTime) || last.CreationDateTime.Year() < 2024 {
		t.Errorf("timestamps = %v, %v; want epoch times, updated after created", last.CreationDateTime, last.LastUpdatedDateTime)
	}

	_, err = f.c.DescribeDatasetGroup(f.ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/none")})
	checkErr(t, err, "ResourceNotFoundException")
	_, err = f.c.DescribeDatasetGroup(f.ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: aws.String("dataset-group/none")})
	checkErr(t, err, "InvalidInputException")
}

func TestDatasetGroupFailsWhenKeyIsDisabledMeanwhile(t *testing.T) {
	f := newFixture(t)
	out, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("revoked"), KmsKeyArn: &f.scene.KeyARN, RoleArn: &f.scene.RoleARN})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kms.NewFromConfig(f.srv.Config()).DisableKey(f.ctx, &kms.DisableKeyInput{KeyId: &f.scene.KeyARN}); err != nil {
		t.Fatal(err)
	}
	status, reason := f.settle(f.describeGroup(out.DatasetGroupArn))
	if status != "CREATE FAILED" || !strings.Contains(reason, "not enabled") {
		t.Errorf("group settled as %s (%s), want CREATE FAILED naming the key", status, reason)
	}
}

func TestListDatasetGroups(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	var want []string
	for _, n := range []string{"g1", "g2", "g3", "g4", "g5"} {
		want = append(want, f.datasetGroup(n))
	}
	var got []string
	pages := 0
	p := personalize.NewListDatasetGroupsPaginator(f.c, &personalize.ListDatasetGroupsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		page, err := p.NextPage(f.ctx)
		if err != nil {
			t.Fatalf("NextPage() = %v", err)
		}
		pages++
		for _, g := range page.DatasetGroups {
			got = append(got, aws.ToString(g.DatasetGroupArn))
			if aws.ToString(g.Status) != "ACTIVE" || g.CreationDateTime == nil || aws.ToString(g.Name) == "" {
				t.Errorf("summary %+v lacks status, name or time", g)
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
		t.Errorf("paginated list in %d pages (want 3), mismatch (-want +got):\n%s", pages, diff)
	}
	_, err := f.c.ListDatasetGroups(f.ctx, &personalize.ListDatasetGroupsInput{NextToken: aws.String("not-a-token")})
	checkErr(t, err, "InvalidNextTokenException")
	_, err = f.c.ListDatasetGroups(f.ctx, &personalize.ListDatasetGroupsInput{MaxResults: aws.Int32(101)})
	if err == nil {
		t.Errorf("ListDatasetGroups(MaxResults 101) succeeded, want a validation error")
	}
}

func TestDeleteDatasetGroup(t *testing.T) {
	f := newFixture(t)
	pending, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("pending")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.c.DeleteDatasetGroup(f.ctx, &personalize.DeleteDatasetGroupInput{DatasetGroupArn: pending.DatasetGroupArn})
	checkErr(t, err, "ResourceInUseException")

	parent := f.datasetGroup("parent")
	f.interactions(parent, "child")
	_, err = f.c.DeleteDatasetGroup(f.ctx, &personalize.DeleteDatasetGroupInput{DatasetGroupArn: &parent})
	checkErr(t, err, "ResourceInUseException")

	_, err = f.c.DeleteDatasetGroup(f.ctx, &personalize.DeleteDatasetGroupInput{DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/none")})
	checkErr(t, err, "ResourceNotFoundException")

	lone := f.datasetGroup("lone")
	if _, err := f.c.DeleteDatasetGroup(f.ctx, &personalize.DeleteDatasetGroupInput{DatasetGroupArn: &lone}); err != nil {
		t.Fatalf("DeleteDatasetGroup() = %v", err)
	}
	// The name stays taken until the deletion settles.
	_, err = f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("lone")})
	checkErr(t, err, "ResourceAlreadyExistsException")
	var statuses []string
	for range 3 {
		d, err := f.c.DescribeDatasetGroup(f.ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: &lone})
		if err != nil {
			checkErr(t, err, "ResourceNotFoundException")
			statuses = append(statuses, "gone")
			continue
		}
		statuses = append(statuses, aws.ToString(d.DatasetGroup.Status))
	}
	if diff := cmp.Diff([]string{"DELETE IN_PROGRESS", "gone", "gone"}, statuses); diff != "" {
		t.Errorf("deletion statuses mismatch (-want +got):\n%s", diff)
	}
	if _, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("lone")}); err != nil {
		t.Errorf("re-creating a deleted name = %v", err)
	}
}
