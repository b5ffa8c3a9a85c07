package personalizetest_test

import (
	"context"
	"fmt"
	"log"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// The events and runtime APIs share the endpoint: train a campaign on the
// scene's interactions, send an event, and get recommendations that a test
// can assert on, since the emulator ranks by co-occurrence and popularity.
func ExampleServer_recommendations() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx, func(o *personalizetest.Options) { o.StatusSteps = 0 }) // ACTIVE at once
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	sc, err := s.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "shop" })
	if err != nil {
		log.Fatal(err)
	}
	cfg := s.Config()
	pz := personalize.NewFromConfig(cfg)

	schema, err := pz.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String("interactions"), Schema: aws.String(personalizetest.InteractionsSchema)})
	if err != nil {
		log.Fatal(err)
	}
	ds, err := pz.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String("interactions"), DatasetGroupArn: &sc.DatasetGroupARN,
		DatasetType: aws.String("Interactions"), SchemaArn: schema.SchemaArn})
	if err != nil {
		log.Fatal(err)
	}
	if _, err := pz.CreateDatasetImportJob(ctx, &personalize.CreateDatasetImportJobInput{JobName: aws.String("import"), DatasetArn: ds.DatasetArn,
		DataSource: &ptypes.DataSource{DataLocation: &sc.DataLocation}, RoleArn: &sc.RoleARN}); err != nil {
		log.Fatal(err)
	}
	sol, err := pz.CreateSolution(ctx, &personalize.CreateSolutionInput{Name: aws.String("for-you"), DatasetGroupArn: &sc.DatasetGroupARN,
		RecipeArn: aws.String("arn:aws:personalize:::recipe/aws-user-personalization")})
	if err != nil {
		log.Fatal(err)
	}
	sv, err := pz.CreateSolutionVersion(ctx, &personalize.CreateSolutionVersionInput{SolutionArn: sol.SolutionArn})
	if err != nil {
		log.Fatal(err)
	}
	campaign, err := pz.CreateCampaign(ctx, &personalize.CreateCampaignInput{Name: aws.String("for-you"), SolutionVersionArn: sv.SolutionVersionArn})
	if err != nil {
		log.Fatal(err)
	}
	tracker, err := pz.CreateEventTracker(ctx, &personalize.CreateEventTrackerInput{Name: aws.String("web"), DatasetGroupArn: &sc.DatasetGroupARN})
	if err != nil {
		log.Fatal(err)
	}

	// user-2 has viewed item-1 (in the imported CSV) and now item-4.
	events := personalizeevents.NewFromConfig(cfg)
	if _, err := events.PutEvents(ctx, &personalizeevents.PutEventsInput{TrackingId: tracker.TrackingId, UserId: aws.String("user-2"),
		SessionId: aws.String("session-1"), EventList: []eventstypes.Event{
			{EventType: aws.String("view"), ItemId: aws.String("item-4"), SentAt: aws.Time(time.Unix(1700001000, 0))},
		}}); err != nil {
		log.Fatal(err)
	}

	runtime := personalizeruntime.NewFromConfig(cfg)
	for _, user := range []string{"user-1", "user-3"} {
		out, err := runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: campaign.CampaignArn, UserId: aws.String(user)})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(user, ":")
		for _, it := range out.ItemList {
			fmt.Printf(" %s (%.3f)", aws.ToString(it.ItemId), aws.ToFloat64(it.Score))
		}
		fmt.Println()
	}
	fmt.Println("user-2 seen:", s.Seen("user-2"))
	// Output:
	// user-1: item-4 (0.800) item-3 (0.200)
	// user-3: item-1 (0.500) item-2 (0.250) item-4 (0.250)
	// user-2 seen: true
}

// With Recommendations, SeedScene trains a campaign on RecommendationsCSV
// and creates an event tracker: a test of a service that calls the data
// plane starts from the Scene's CampaignARN and TrackingID, and asserts on
// what SceneUserID is recommended.
func ExampleServer_SeedScene_recommendations() {
	ctx := context.Background()
	s, err := personalizetest.Start(ctx)
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	sc, err := s.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.Recommendations = true })
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(sc.CampaignARN)

	runtime := personalizeruntime.NewFromConfig(s.Config())
	recommend := func() {
		out, err := runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sc.CampaignARN,
			UserId: aws.String(personalizetest.SceneUserID)})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Print(personalizetest.SceneUserID, ":")
		for _, it := range out.ItemList {
			fmt.Print(" ", aws.ToString(it.ItemId))
		}
		fmt.Println()
	}
	recommend()

	// The user views item-7, which two other users viewed with item-8.
	events := personalizeevents.NewFromConfig(s.Config())
	if _, err := events.PutEvents(ctx, &personalizeevents.PutEventsInput{TrackingId: &sc.TrackingID, UserId: aws.String(personalizetest.SceneUserID),
		SessionId: aws.String("session-1"), EventList: []eventstypes.Event{
			{EventType: aws.String("view"), ItemId: aws.String("item-7"), SentAt: aws.Time(time.Unix(1700002000, 0))},
		}}); err != nil {
		log.Fatal(err)
	}
	recommend()
	// Output:
	// arn:aws:personalize:us-east-1:111122223333:campaign/personalizetest-recommendations
	// user-1: item-3 item-4 item-5 item-6 item-7 item-8
	// user-1: item-3 item-4 item-8 item-5 item-6
}
