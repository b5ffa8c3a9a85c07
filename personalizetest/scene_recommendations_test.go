package personalizetest_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

func withRecommendations(o *personalizetest.SceneOptions) { o.Recommendations = true }

// TestSeedSceneRecommendations seeds two scenes with the default
// StatusSteps, so every resource is waited for, and checks what they hold.
func TestSeedSceneRecommendations(t *testing.T) {
	s := personalizetest.New(t)
	ctx := context.Background()
	first, err := s.SeedScene(ctx, withRecommendations)
	if err != nil {
		t.Fatalf("SeedScene(Recommendations) = %v", err)
	}
	named, err := s.SeedScene(ctx, withRecommendations, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "shop" })
	if err != nil {
		t.Fatalf("SeedScene(Recommendations, DatasetGroup shop) = %v", err)
	}
	const arn = "arn:aws:personalize:us-east-1:111122223333:"
	tests := []struct {
		reason string
		got    personalizetest.Scene
		group  string
		bucket string
	}{
		{"default names", first, "personalizetest-recommendations", "personalizetest-data"},
		{"named group, second scene", named, "shop", "personalizetest-data-2"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			sc := tt.got
			// The key, the solution version's and event tracker's IDs and
			// the tracking ID are random: checked by shape below.
			want := personalizetest.Scene{
				KeyARN:                 sc.KeyARN,
				RoleARN:                personalizetest.RoleARN,
				Bucket:                 tt.bucket,
				DataLocation:           "s3://" + tt.bucket + "/interactions.csv",
				ExportLocation:         "s3://" + tt.bucket + "/export/",
				DatasetGroupARN:        arn + "dataset-group/" + tt.group,
				InteractionsSchemaARN:  arn + "schema/" + tt.group,
				InteractionsDatasetARN: arn + "dataset/" + tt.group + "/INTERACTIONS",
				DatasetImportJobARN:    arn + "dataset-import-job/" + tt.group,
				SolutionARN:            arn + "solution/" + tt.group,
				SolutionVersionARN:     sc.SolutionVersionARN,
				CampaignARN:            arn + "campaign/" + tt.group,
				EventTrackerARN:        sc.EventTrackerARN,
				TrackingID:             sc.TrackingID,
			}
			if diff := cmp.Diff(want, sc); diff != "" {
				t.Errorf("Scene mismatch (-want +got):\n%s", diff)
			}
			if !strings.HasPrefix(sc.SolutionVersionARN, sc.SolutionARN+"/") || !strings.HasPrefix(sc.EventTrackerARN, arn+"event-tracker/") || sc.TrackingID == "" {
				t.Errorf("SolutionVersionARN %q, EventTrackerARN %q, TrackingID %q: want a version of %s, an event tracker and an ID",
					sc.SolutionVersionARN, sc.EventTrackerARN, sc.TrackingID, sc.SolutionARN)
			}
			checkSceneResources(t, s, sc)
		})
	}
}

// checkSceneResources describes what a scene names and reads its object.
func checkSceneResources(t *testing.T, s *personalizetest.Server, sc personalizetest.Scene) {
	t.Helper()
	ctx := context.Background()
	pz := personalize.NewFromConfig(s.Config())
	g, err := pz.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: &sc.DatasetGroupARN})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(g.DatasetGroup.KmsKeyArn) != sc.KeyARN || aws.ToString(g.DatasetGroup.RoleArn) != sc.RoleARN {
		t.Errorf("dataset group key %s role %s, want the scene's %s and %s",
			aws.ToString(g.DatasetGroup.KmsKeyArn), aws.ToString(g.DatasetGroup.RoleArn), sc.KeyARN, sc.RoleARN)
	}
	schema, err := pz.DescribeSchema(ctx, &personalize.DescribeSchemaInput{SchemaArn: &sc.InteractionsSchemaARN})
	if err != nil || aws.ToString(schema.Schema.Schema) != personalizetest.InteractionsSchema {
		t.Errorf("DescribeSchema(%s) = %v, %v; want InteractionsSchema", sc.InteractionsSchemaARN, schema, err)
	}
	job, err := pz.DescribeDatasetImportJob(ctx, &personalize.DescribeDatasetImportJobInput{DatasetImportJobArn: &sc.DatasetImportJobARN})
	if err != nil {
		t.Fatal(err)
	}
	if loc := aws.ToString(job.DatasetImportJob.DataSource.DataLocation); loc != sc.DataLocation {
		t.Errorf("import job reads %s, want DataLocation %s", loc, sc.DataLocation)
	}
	statuses := map[string]func() (*string, error){
		"dataset group": func() (*string, error) { return g.DatasetGroup.Status, nil },
		"dataset": func() (*string, error) {
			d, err := pz.DescribeDataset(ctx, &personalize.DescribeDatasetInput{DatasetArn: &sc.InteractionsDatasetARN})
			if err != nil {
				return nil, err
			}
			return d.Dataset.Status, nil
		},
		"import job": func() (*string, error) { return job.DatasetImportJob.Status, nil },
		"solution": func() (*string, error) {
			d, err := pz.DescribeSolution(ctx, &personalize.DescribeSolutionInput{SolutionArn: &sc.SolutionARN})
			if err != nil {
				return nil, err
			}
			if r := aws.ToString(d.Solution.RecipeArn); r != personalizetest.UserPersonalizationRecipeARN {
				t.Errorf("solution recipe = %s, want %s", r, personalizetest.UserPersonalizationRecipeARN)
			}
			return d.Solution.Status, nil
		},
		"solution version": func() (*string, error) {
			d, err := pz.DescribeSolutionVersion(ctx, &personalize.DescribeSolutionVersionInput{SolutionVersionArn: &sc.SolutionVersionARN})
			if err != nil {
				return nil, err
			}
			return d.SolutionVersion.Status, nil
		},
		"campaign": func() (*string, error) {
			d, err := pz.DescribeCampaign(ctx, &personalize.DescribeCampaignInput{CampaignArn: &sc.CampaignARN})
			if err != nil {
				return nil, err
			}
			if v := aws.ToString(d.Campaign.SolutionVersionArn); v != sc.SolutionVersionARN {
				t.Errorf("campaign serves %s, want %s", v, sc.SolutionVersionARN)
			}
			return d.Campaign.Status, nil
		},
		"event tracker": func() (*string, error) {
			d, err := pz.DescribeEventTracker(ctx, &personalize.DescribeEventTrackerInput{EventTrackerArn: &sc.EventTrackerARN})
			if err != nil {
				return nil, err
			}
			if id := aws.ToString(d.EventTracker.TrackingId); id != sc.TrackingID {
				t.Errorf("event tracker's TrackingId = %s, want the scene's %s", id, sc.TrackingID)
			}
			return d.EventTracker.Status, nil
		},
	}
	for what, status := range statuses {
		if got, err := status(); err != nil || aws.ToString(got) != "ACTIVE" {
			t.Errorf("%s: status %s, error %v; want ACTIVE", what, aws.ToString(got), err)
		}
	}
	get, err := s3.NewFromConfig(s.Config()).GetObject(ctx, &s3.GetObjectInput{Bucket: &sc.Bucket, Key: aws.String("interactions.csv")})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(get.Body)
	get.Body.Close()
	if diff := cmp.Diff(personalizetest.RecommendationsCSV, string(body)); diff != "" {
		t.Errorf("interactions.csv mismatch (-want +got):\n%s", diff)
	}
}

// newRecommendationScene seeds a scene with Recommendations on a server
// whose resources are ACTIVE at once.
func newRecommendationScene(t *testing.T) (*personalizetest.Server, personalizetest.Scene) {
	t.Helper()
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	sc, err := s.SeedScene(context.Background(), withRecommendations)
	if err != nil {
		t.Fatalf("SeedScene(Recommendations) = %v", err)
	}
	return s, sc
}

func TestSceneCampaignRecommends(t *testing.T) {
	s, sc := newRecommendationScene(t)
	runtime := personalizeruntime.NewFromConfig(s.Config())
	tests := []struct {
		reason     string
		user       string
		numResults int32
		want       []string
	}{
		{"SceneUserID: items its neighbours share first, what it has seen left out", personalizetest.SceneUserID, 0,
			[]string{"item-3", "item-4", "item-5", "item-6", "item-7", "item-8"}},
		{"numResults cuts the list", personalizetest.SceneUserID, 2, []string{"item-3", "item-4"}},
		{"user-6 has item-7 and item-8, which user-5 shares with item-4", "user-6", 0,
			[]string{"item-4", "item-1", "item-2", "item-3", "item-5", "item-6"}},
		{"a user not in the data gets every item by popularity", "user-new", 0,
			[]string{"item-1", "item-2", "item-3", "item-4", "item-7", "item-8", "item-5", "item-6"}},
	}
	for _, tt := range tests {
		in := &personalizeruntime.GetRecommendationsInput{CampaignArn: &sc.CampaignARN, UserId: aws.String(tt.user), NumResults: tt.numResults}
		out, err := runtime.GetRecommendations(context.Background(), in)
		if err != nil {
			t.Errorf("%s: GetRecommendations(%q) = %v", tt.reason, tt.user, err)
			continue
		}
		if diff := cmp.Diff(tt.want, itemIDs(out.ItemList)); diff != "" {
			t.Errorf("%s: GetRecommendations(%q) mismatch (-want +got):\n%s", tt.reason, tt.user, diff)
		}
	}
}

// TestSceneEventsChangeRecommendations sends events with the scene's
// TrackingID and asks the scene's campaign again, on a fresh scene per case.
func TestSceneEventsChangeRecommendations(t *testing.T) {
	tests := []struct {
		reason     string
		eventUser  string
		viewed     []string
		wantBefore []string
		wantAfter  []string
	}{
		{"SceneUserID views item-7, which users 5 and 6 paired with item-8", personalizetest.SceneUserID, []string{"item-7"},
			[]string{"item-3", "item-4", "item-5", "item-6", "item-7", "item-8"},
			[]string{"item-3", "item-4", "item-8", "item-5", "item-6"}},
		{"a new user pairs item-6 with both of SceneUserID's items", "user-7", []string{"item-1", "item-2", "item-6"},
			[]string{"item-3", "item-4", "item-5", "item-6", "item-7", "item-8"},
			[]string{"item-3", "item-6", "item-4", "item-5", "item-7", "item-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			s, sc := newRecommendationScene(t)
			ctx := context.Background()
			cfg := s.Config()
			runtime, events := personalizeruntime.NewFromConfig(cfg), personalizeevents.NewFromConfig(cfg)
			recommend := func() []string {
				t.Helper()
				out, err := runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sc.CampaignARN,
					UserId: aws.String(personalizetest.SceneUserID)})
				if err != nil {
					t.Fatalf("GetRecommendations(%q) = %v", personalizetest.SceneUserID, err)
				}
				return itemIDs(out.ItemList)
			}
			if diff := cmp.Diff(tt.wantBefore, recommend()); diff != "" {
				t.Errorf("before PutEvents: GetRecommendations(%q) mismatch (-want +got):\n%s", personalizetest.SceneUserID, diff)
			}
			var list []eventstypes.Event
			for i, item := range tt.viewed {
				list = append(list, eventstypes.Event{EventType: aws.String("view"), ItemId: aws.String(item), SentAt: aws.Time(time.Unix(1700002000+int64(i), 0))})
			}
			if _, err := events.PutEvents(ctx, &personalizeevents.PutEventsInput{TrackingId: &sc.TrackingID, UserId: aws.String(tt.eventUser),
				SessionId: aws.String("session-" + tt.eventUser), EventList: list}); err != nil {
				t.Fatalf("PutEvents(TrackingID, %q) = %v", tt.eventUser, err)
			}
			if diff := cmp.Diff(tt.wantAfter, recommend()); diff != "" {
				t.Errorf("after PutEvents: GetRecommendations(%q) mismatch (-want +got):\n%s", personalizetest.SceneUserID, diff)
			}
		})
	}
}

// TestSeedSceneRecommendationsFailsClosed denies each step's call in turn:
// SeedScene must stop there, return no Scene, and say which step failed.
func TestSeedSceneRecommendationsFailsClosed(t *testing.T) {
	tests := []struct {
		reason    string
		operation string
		wantStep  string
	}{
		{"dataset group", "CreateDatasetGroup", "create dataset group"},
		{"schema", "CreateSchema", "create interactions schema"},
		{"dataset", "CreateDataset", "create interactions dataset"},
		{"waiting for the dataset", "DescribeDataset", "wait for the interactions dataset"},
		{"import", "CreateDatasetImportJob", "create dataset import job"},
		{"waiting for the import", "DescribeDatasetImportJob", "wait for the dataset import job"},
		{"solution", "CreateSolution", "create solution"},
		{"waiting for the solution", "DescribeSolution", "wait for the solution"},
		{"solution version", "CreateSolutionVersion", "create solution version"},
		{"waiting for training", "DescribeSolutionVersion", "wait for the solution version"},
		{"campaign", "CreateCampaign", "create campaign"},
		{"waiting for the campaign", "DescribeCampaign", "wait for the campaign"},
		{"event tracker", "CreateEventTracker", "create event tracker"},
		{"waiting for the event tracker", "DescribeEventTracker", "wait for the event tracker"},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			s := personalizetest.New(t)
			s.Deny(personalizetest.ServicePersonalize, tt.operation)
			sc, err := s.SeedScene(context.Background(), withRecommendations)
			var apiErr smithy.APIError
			if err == nil || !strings.Contains(err.Error(), "seed scene: "+tt.wantStep+": ") ||
				!errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDeniedException" {
				t.Errorf("SeedScene() with %s denied = %v, want the AccessDeniedException wrapped, naming %q", tt.operation, err, tt.wantStep)
			}
			if diff := cmp.Diff(personalizetest.Scene{}, sc); diff != "" {
				t.Errorf("SeedScene() with %s denied returned a Scene (-want +got):\n%s", tt.operation, diff)
			}
		})
	}
}

// TestSeedSceneRecommendationsNameTaken shows a failure the server itself
// answers: the dataset group's name is in use, so nothing else is created.
func TestSeedSceneRecommendationsNameTaken(t *testing.T) {
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	ctx := context.Background()
	if _, err := personalize.NewFromConfig(s.Config()).CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("taken")}); err != nil {
		t.Fatal(err)
	}
	s.ResetRequests()
	_, err := s.SeedScene(ctx, withRecommendations, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "taken" })
	if err == nil || !strings.Contains(err.Error(), "seed scene: create dataset group: ") {
		t.Fatalf("SeedScene() with a taken group name = %v, want an error naming the step", err)
	}
	for _, r := range s.Requests() {
		if r.Service == personalizetest.ServicePersonalize && r.Operation != "CreateDatasetGroup" {
			t.Errorf("after the failed step, SeedScene sent %s", r.Operation)
		}
	}
}
