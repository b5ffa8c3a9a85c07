package fakepersonalize_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func TestCreateSolution(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	tests := []struct {
		reason string
		in     *personalize.CreateSolutionInput
		want   string
	}{
		{"recipe", &personalize.CreateSolutionInput{Name: aws.String("sol"), DatasetGroupArn: &group, RecipeArn: aws.String(userPersonalization),
			SolutionConfig: &types.SolutionConfig{AlgorithmHyperParameters: map[string]string{"hidden_dimension": "64"}}}, ""},
		{"AutoML without recipe", &personalize.CreateSolutionInput{Name: aws.String("auto"), DatasetGroupArn: &group, PerformAutoML: true}, ""},
		{"neither recipe nor AutoML", &personalize.CreateSolutionInput{Name: aws.String("none"), DatasetGroupArn: &group}, "InvalidInputException"},
		{"unknown recipe", &personalize.CreateSolutionInput{Name: aws.String("r"), DatasetGroupArn: &group, RecipeArn: aws.String("arn:aws:personalize:::recipe/aws-magic")}, "ResourceNotFoundException"},
		{"unknown group", &personalize.CreateSolutionInput{Name: aws.String("g"), RecipeArn: aws.String(userPersonalization), DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/none")}, "ResourceNotFoundException"},
		{"duplicate", &personalize.CreateSolutionInput{Name: aws.String("sol"), DatasetGroupArn: &group, RecipeArn: aws.String(userPersonalization)}, "ResourceAlreadyExistsException"},
		{"event type too long", &personalize.CreateSolutionInput{Name: aws.String("e"), DatasetGroupArn: &group, RecipeArn: aws.String(userPersonalization), EventType: aws.String(strings.Repeat("e", 257))}, "InvalidInputException"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			out, err := f.c.CreateSolution(f.ctx, tt.in)
			if tt.want != "" {
				checkErr(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatalf("CreateSolution() = %v", err)
			}
			if want := "arn:aws:personalize:us-east-1:111122223333:solution/" + *tt.in.Name; aws.ToString(out.SolutionArn) != want {
				t.Errorf("SolutionArn = %s, want %s", aws.ToString(out.SolutionArn), want)
			}
		})
	}
}

func TestDescribeListDeleteSolution(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	out, err := f.c.CreateSolution(f.ctx, &personalize.CreateSolutionInput{Name: aws.String("sol"), DatasetGroupArn: &group, RecipeArn: aws.String(userPersonalization),
		EventType: aws.String("click"), PerformAutoTraining: aws.Bool(false), SolutionConfig: &types.SolutionConfig{AlgorithmHyperParameters: map[string]string{"hidden_dimension": "64"}}})
	if err != nil {
		t.Fatal(err)
	}
	var statuses []string
	var last *types.Solution
	for range 2 {
		d, err := f.c.DescribeSolution(f.ctx, &personalize.DescribeSolutionInput{SolutionArn: out.SolutionArn})
		if err != nil {
			t.Fatalf("DescribeSolution() = %v", err)
		}
		statuses = append(statuses, aws.ToString(d.Solution.Status))
		last = d.Solution
	}
	if diff := cmp.Diff([]string{"CREATE IN_PROGRESS", "ACTIVE"}, statuses); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	got := []string{aws.ToString(last.Name), aws.ToString(last.DatasetGroupArn), aws.ToString(last.RecipeArn), aws.ToString(last.EventType), last.SolutionConfig.AlgorithmHyperParameters["hidden_dimension"]}
	if diff := cmp.Diff([]string{"sol", group, userPersonalization, "click", "64"}, got); diff != "" {
		t.Errorf("DescribeSolution mismatch (-want +got):\n%s", diff)
	}
	if aws.ToBool(last.PerformAutoTraining) || last.LatestSolutionVersion != nil {
		t.Errorf("DescribeSolution: PerformAutoTraining %v, LatestSolutionVersion %v; want false and none", aws.ToBool(last.PerformAutoTraining), last.LatestSolutionVersion)
	}
	list, err := f.c.ListSolutions(f.ctx, &personalize.ListSolutionsInput{DatasetGroupArn: &group})
	if err != nil || len(list.Solutions) != 1 || aws.ToString(list.Solutions[0].RecipeArn) != userPersonalization {
		t.Errorf("ListSolutions() = %+v, %v", list, err)
	}
	if _, err := f.c.DeleteSolution(f.ctx, &personalize.DeleteSolutionInput{SolutionArn: out.SolutionArn}); err != nil {
		t.Fatalf("DeleteSolution() = %v", err)
	}
	for range 2 {
		_, err = f.c.DescribeSolution(f.ctx, &personalize.DescribeSolutionInput{SolutionArn: out.SolutionArn})
	}
	checkErr(t, err, "ResourceNotFoundException")
}

func TestSolutionVersions(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	ds := f.interactions(group, "events")
	sol := f.solution(group, "sol")

	// No data yet: training fails, as on AWS.
	noData, err := f.c.CreateSolutionVersion(f.ctx, &personalize.CreateSolutionVersionInput{SolutionArn: &sol, Name: aws.String("v0")})
	if err != nil {
		t.Fatalf("CreateSolutionVersion() = %v", err)
	}
	_, err = f.c.CreateSolutionVersion(f.ctx, &personalize.CreateSolutionVersionInput{SolutionArn: &sol})
	checkErr(t, err, "ResourceInUseException")
	if status, reason := f.settle(f.describeVersion(noData.SolutionVersionArn)); status != "CREATE FAILED" || !strings.Contains(reason, "interactions") {
		t.Errorf("training without data settled as %s (%s), want CREATE FAILED", status, reason)
	}

	if status, reason := f.imported(ds, "import", f.scene.DataLocation); status != "ACTIVE" {
		t.Fatalf("import settled as %s (%s)", status, reason)
	}
	out, err := f.c.CreateSolutionVersion(f.ctx, &personalize.CreateSolutionVersionInput{SolutionArn: &sol, Name: aws.String("v1"), TrainingMode: types.TrainingModeFull})
	if err != nil {
		t.Fatalf("CreateSolutionVersion() = %v", err)
	}
	if !strings.HasPrefix(aws.ToString(out.SolutionVersionArn), sol+"/") {
		t.Errorf("SolutionVersionArn = %s, want it under %s/", aws.ToString(out.SolutionVersionArn), sol)
	}
	f.mustActive("version", f.describeVersion(out.SolutionVersionArn))
	d, err := f.c.DescribeSolutionVersion(f.ctx, &personalize.DescribeSolutionVersionInput{SolutionVersionArn: out.SolutionVersionArn})
	if err != nil {
		t.Fatal(err)
	}
	v := d.SolutionVersion
	got := []string{aws.ToString(v.Name), aws.ToString(v.SolutionArn), aws.ToString(v.DatasetGroupArn), aws.ToString(v.RecipeArn), string(v.TrainingMode), string(v.TrainingType)}
	if diff := cmp.Diff([]string{"v1", sol, group, userPersonalization, "FULL", "MANUAL"}, got); diff != "" || aws.ToFloat64(v.TrainingHours) <= 0 {
		t.Errorf("DescribeSolutionVersion mismatch (TrainingHours %v) (-want +got):\n%s", aws.ToFloat64(v.TrainingHours), diff)
	}
	_, err = f.c.CreateSolutionVersion(f.ctx, &personalize.CreateSolutionVersionInput{SolutionArn: &sol, Name: aws.String("v1")})
	checkErr(t, err, "ResourceAlreadyExistsException")

	list, err := f.c.ListSolutionVersions(f.ctx, &personalize.ListSolutionVersionsInput{SolutionArn: &sol})
	if err != nil {
		t.Fatalf("ListSolutionVersions() = %v", err)
	}
	var statuses []string
	for _, s := range list.SolutionVersions {
		statuses = append(statuses, aws.ToString(s.Status))
	}
	if diff := cmp.Diff([]string{"CREATE FAILED", "ACTIVE"}, statuses); diff != "" {
		t.Errorf("ListSolutionVersions statuses mismatch (-want +got):\n%s", diff)
	}
	_, err = f.c.ListSolutionVersions(f.ctx, &personalize.ListSolutionVersionsInput{SolutionArn: aws.String("arn:aws:personalize:us-east-1:111122223333:solution/none")})
	checkErr(t, err, "ResourceNotFoundException")

	s, err := f.c.DescribeSolution(f.ctx, &personalize.DescribeSolutionInput{SolutionArn: &sol})
	if err != nil || s.Solution.LatestSolutionVersion == nil || aws.ToString(s.Solution.LatestSolutionVersion.SolutionVersionArn) != aws.ToString(out.SolutionVersionArn) {
		t.Errorf("DescribeSolution().LatestSolutionVersion = %+v, %v; want the new version", s.Solution.LatestSolutionVersion, err)
	}
	_, err = f.c.CreateSolutionVersion(f.ctx, &personalize.CreateSolutionVersionInput{SolutionArn: &sol, TrainingMode: "SOMETIMES"})
	checkErr(t, err, "InvalidInputException")
}

func (f *fixture) describeCampaign(arn *string) func() (*string, *string, error) {
	return func() (*string, *string, error) {
		d, err := f.c.DescribeCampaign(f.ctx, &personalize.DescribeCampaignInput{CampaignArn: arn})
		if err != nil {
			return nil, nil, err
		}
		return d.Campaign.Status, d.Campaign.FailureReason, nil
	}
}

func TestCampaigns(t *testing.T) {
	f := newFixture(t, func(o *personalizetest.Options) { o.StatusSteps = 2 })
	_, sol, version := f.trained("camp")
	tests := []struct {
		reason string
		in     *personalize.CreateCampaignInput
		want   string
	}{
		{"valid", &personalize.CreateCampaignInput{Name: aws.String("live"), SolutionVersionArn: &version, MinProvisionedTPS: aws.Int32(2),
			CampaignConfig: &types.CampaignConfig{ItemExplorationConfig: map[string]string{"explorationWeight": "0.3"}}}, ""},
		{"duplicate", &personalize.CreateCampaignInput{Name: aws.String("live"), SolutionVersionArn: &version}, "ResourceAlreadyExistsException"},
		{"zero TPS", &personalize.CreateCampaignInput{Name: aws.String("zero"), SolutionVersionArn: &version, MinProvisionedTPS: aws.Int32(0)}, "InvalidInputException"},
		{"unknown version", &personalize.CreateCampaignInput{Name: aws.String("x"), SolutionVersionArn: aws.String(sol + "/ffffffff")}, "ResourceNotFoundException"},
	}
	var arn *string
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			out, err := f.c.CreateCampaign(f.ctx, tt.in)
			if tt.want != "" {
				checkErr(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatalf("CreateCampaign() = %v", err)
			}
			arn = out.CampaignArn
		})
	}
	if arn == nil {
		t.Fatal("no campaign")
	}
	// Not ACTIVE yet: updates and deletions wait.
	_, err := f.c.UpdateCampaign(f.ctx, &personalize.UpdateCampaignInput{CampaignArn: arn, MinProvisionedTPS: aws.Int32(5)})
	checkErr(t, err, "ResourceInUseException")
	_, err = f.c.DeleteCampaign(f.ctx, &personalize.DeleteCampaignInput{CampaignArn: arn})
	checkErr(t, err, "ResourceInUseException")
	f.mustActive("campaign", f.describeCampaign(arn))

	d, err := f.c.DescribeCampaign(f.ctx, &personalize.DescribeCampaignInput{CampaignArn: arn})
	if err != nil {
		t.Fatal(err)
	}
	c := d.Campaign
	if aws.ToString(c.Name) != "live" || aws.ToString(c.SolutionVersionArn) != version || aws.ToInt32(c.MinProvisionedTPS) != 2 ||
		c.CampaignConfig.ItemExplorationConfig["explorationWeight"] != "0.3" || c.LatestCampaignUpdate != nil {
		t.Errorf("DescribeCampaign() = %+v", c)
	}

	if _, err := f.c.UpdateCampaign(f.ctx, &personalize.UpdateCampaignInput{CampaignArn: arn, MinProvisionedTPS: aws.Int32(5)}); err != nil {
		t.Fatalf("UpdateCampaign() = %v", err)
	}
	var statuses []string
	for range 2 {
		d, err := f.c.DescribeCampaign(f.ctx, &personalize.DescribeCampaignInput{CampaignArn: arn})
		if err != nil {
			t.Fatal(err)
		}
		statuses = append(statuses, aws.ToString(d.Campaign.Status)+"/"+aws.ToString(d.Campaign.LatestCampaignUpdate.Status))
		c = d.Campaign
	}
	if diff := cmp.Diff([]string{"UPDATE IN_PROGRESS/UPDATE IN_PROGRESS", "ACTIVE/ACTIVE"}, statuses); diff != "" {
		t.Errorf("update statuses mismatch (-want +got):\n%s", diff)
	}
	if aws.ToInt32(c.MinProvisionedTPS) != 5 || aws.ToInt32(c.LatestCampaignUpdate.MinProvisionedTPS) != 5 {
		t.Errorf("after the update MinProvisionedTPS = %d (latest update %d), want 5", aws.ToInt32(c.MinProvisionedTPS), aws.ToInt32(c.LatestCampaignUpdate.MinProvisionedTPS))
	}

	list, err := f.c.ListCampaigns(f.ctx, &personalize.ListCampaignsInput{SolutionArn: &sol})
	if err != nil || len(list.Campaigns) != 1 || aws.ToString(list.Campaigns[0].CampaignArn) != *arn {
		t.Errorf("ListCampaigns() = %+v, %v", list, err)
	}
	_, err = f.c.DeleteSolution(f.ctx, &personalize.DeleteSolutionInput{SolutionArn: &sol})
	checkErr(t, err, "ResourceInUseException")
	if _, err := f.c.DeleteCampaign(f.ctx, &personalize.DeleteCampaignInput{CampaignArn: arn}); err != nil {
		t.Fatalf("DeleteCampaign() = %v", err)
	}
	for range 2 {
		_, err = f.c.DescribeCampaign(f.ctx, &personalize.DescribeCampaignInput{CampaignArn: arn})
	}
	checkErr(t, err, "ResourceNotFoundException")
	_, err = f.c.UpdateCampaign(f.ctx, &personalize.UpdateCampaignInput{CampaignArn: arn})
	checkErr(t, err, "ResourceNotFoundException")
}
