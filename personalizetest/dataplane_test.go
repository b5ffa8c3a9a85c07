package personalizetest_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	ptypes "github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	runtimetypes "github.com/aws/aws-sdk-go-v2/service/personalizeruntime/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// itemsSchema declares a categorical GENRE for filter tests.
const itemsSchema = `{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema",` +
	`"fields":[{"name":"ITEM_ID","type":"string"},{"name":"GENRE","type":["null","string"],"categorical":true}],"version":"1.0"}`

// interactionsWithTypes adds EVENT_TYPE to personalizetest.InteractionsSchema.
const interactionsWithTypes = `{"type":"record","name":"Interactions","namespace":"com.amazonaws.personalize.schema",` +
	`"fields":[{"name":"USER_ID","type":"string"},{"name":"ITEM_ID","type":"string"},{"name":"TIMESTAMP","type":"long"},` +
	`{"name":"EVENT_TYPE","type":["null","string"]}],"version":"1.0"}`

// shop is a dataset group trained on personalizetest.InteractionsCSV and
// ready to answer: an interactions and an items dataset, a user-
// personalization campaign, a personalized-ranking campaign and an event
// tracker. Every resource is ACTIVE at once (StatusSteps 0).
type shop struct {
	s                                  *personalizetest.Server
	scene                              personalizetest.Scene
	interactionsArn, itemsArn          string
	campaignArn, rankingArn, trackerID string
	events                             *personalizeevents.Client
	runtime                            *personalizeruntime.Client
	control                            *personalize.Client
}

func newShop(t testing.TB) *shop {
	t.Helper()
	ctx := context.Background()
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	sc, err := s.SeedScene(ctx, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "shop" })
	if err != nil {
		t.Fatal(err)
	}
	cfg := s.Config()
	pz := personalize.NewFromConfig(cfg)
	sh := &shop{s: s, scene: sc, control: pz, events: personalizeevents.NewFromConfig(cfg), runtime: personalizeruntime.NewFromConfig(cfg)}
	must := func(step string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}
	g := &sc.DatasetGroupARN
	is, err := pz.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String("interactions"), Schema: aws.String(interactionsWithTypes)})
	must("create interactions schema", err)
	ms, err := pz.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String("items"), Schema: aws.String(itemsSchema)})
	must("create items schema", err)
	ds, err := pz.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String("interactions"), DatasetGroupArn: g, DatasetType: aws.String("Interactions"), SchemaArn: is.SchemaArn})
	must("create interactions dataset", err)
	sh.interactionsArn = aws.ToString(ds.DatasetArn)
	items, err := pz.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String("items"), DatasetGroupArn: g, DatasetType: aws.String("Items"), SchemaArn: ms.SchemaArn})
	must("create items dataset", err)
	sh.itemsArn = aws.ToString(items.DatasetArn)
	_, err = pz.CreateDatasetImportJob(ctx, &personalize.CreateDatasetImportJobInput{JobName: aws.String("import"), DatasetArn: ds.DatasetArn,
		DataSource: &ptypes.DataSource{DataLocation: &sc.DataLocation}, RoleArn: &sc.RoleARN})
	must("import interactions", err)
	for _, c := range []struct {
		name, recipe string
		arn          *string
	}{
		{"for-you", "arn:aws:personalize:::recipe/aws-user-personalization", &sh.campaignArn},
		{"ranking", "arn:aws:personalize:::recipe/aws-personalized-ranking", &sh.rankingArn},
	} {
		sol, err := pz.CreateSolution(ctx, &personalize.CreateSolutionInput{Name: aws.String(c.name), DatasetGroupArn: g, RecipeArn: aws.String(c.recipe)})
		must("create solution", err)
		sv, err := pz.CreateSolutionVersion(ctx, &personalize.CreateSolutionVersionInput{SolutionArn: sol.SolutionArn})
		must("create solution version", err)
		camp, err := pz.CreateCampaign(ctx, &personalize.CreateCampaignInput{Name: aws.String(c.name), SolutionVersionArn: sv.SolutionVersionArn})
		must("create campaign", err)
		*c.arn = aws.ToString(camp.CampaignArn)
	}
	tr, err := pz.CreateEventTracker(ctx, &personalize.CreateEventTrackerInput{Name: aws.String("web"), DatasetGroupArn: g})
	must("create event tracker", err)
	sh.trackerID = aws.ToString(tr.TrackingId)
	return sh
}

// recommend returns the item IDs GetRecommendations answers.
func (sh *shop) recommend(t *testing.T, in *personalizeruntime.GetRecommendationsInput) []string {
	t.Helper()
	out, err := sh.runtime.GetRecommendations(context.Background(), in)
	if err != nil {
		t.Fatalf("GetRecommendations: %v", err)
	}
	return itemIDs(out.ItemList)
}

func itemIDs(items []runtimetypes.PredictedItem) []string {
	ids := []string{}
	for _, it := range items {
		ids = append(ids, aws.ToString(it.ItemId))
	}
	return ids
}

func (sh *shop) putEvents(t testing.TB, user string, typ string, items ...string) {
	t.Helper()
	var list []eventstypes.Event
	for i, it := range items {
		list = append(list, eventstypes.Event{EventType: aws.String(typ), ItemId: aws.String(it), SentAt: aws.Time(time.Unix(1700001000+int64(i), 0))})
	}
	if _, err := sh.events.PutEvents(context.Background(), &personalizeevents.PutEventsInput{TrackingId: &sh.trackerID,
		UserId: aws.String(user), SessionId: aws.String("session-" + user), EventList: list}); err != nil {
		t.Fatalf("PutEvents: %v", err)
	}
}

// TestRecommendationsFromImportAndEvents walks the whole flow: imported
// interactions train the campaign, PutEvents updates it, and
// GetRecommendations answers exactly what popularity and co-occurrence
// predict.
func TestRecommendationsFromImportAndEvents(t *testing.T) {
	sh := newShop(t)
	// InteractionsCSV: user-1 has item-1 and item-2, user-2 item-1, user-3
	// item-3. For user-2, item-2 co-occurs with item-1 (through user-1);
	// item-3 does not.
	in := &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String("user-2")}
	if diff := cmp.Diff([]string{"item-2", "item-3"}, sh.recommend(t, in)); diff != "" {
		t.Errorf("before events: GetRecommendations(user-2) mismatch (-want +got):\n%s", diff)
	}

	// user-9 has item-3 and item-1: now item-3 co-occurs with item-1 too,
	// and is more popular than item-2.
	sh.putEvents(t, "user-9", "click", "item-3", "item-1")
	out, err := sh.runtime.GetRecommendations(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	type scoredItem struct {
		ID    string
		Score float64
	}
	var got []scoredItem
	for _, it := range out.ItemList {
		got = append(got, scoredItem{aws.ToString(it.ItemId), aws.ToFloat64(it.Score)})
	}
	// Values: item-3 1 + 2/4, item-2 1 + 1/4; scores are their shares.
	want := []scoredItem{{"item-3", 0.5454545}, {"item-2", 0.4545455}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("after events: GetRecommendations(user-2) mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(aws.ToString(out.RecommendationId), "RID-") {
		t.Errorf("RecommendationId = %q, want RID-...", aws.ToString(out.RecommendationId))
	}

	// user-9 interacted with everything but item-2.
	in.UserId = aws.String("user-9")
	if diff := cmp.Diff([]string{"item-2"}, sh.recommend(t, in)); diff != "" {
		t.Errorf("GetRecommendations(user-9) mismatch (-want +got):\n%s", diff)
	}
	// numResults cuts the list.
	in.UserId, in.NumResults = aws.String("user-3"), 1
	if diff := cmp.Diff([]string{"item-1"}, sh.recommend(t, in)); diff != "" {
		t.Errorf("GetRecommendations(user-3, 1 result) mismatch (-want +got):\n%s", diff)
	}

	if !sh.s.Seen("user-9") {
		t.Error(`Seen("user-9") = false after PutEvents sent it`)
	}
	var ops []string
	for _, r := range sh.s.Requests() {
		if r.Service == personalizetest.ServiceEvents || r.Service == personalizetest.ServiceRuntime {
			ops = append(ops, r.Service+" "+r.Operation)
		}
	}
	wantOps := []string{"personalize-runtime GetRecommendations", "personalize-events PutEvents",
		"personalize-runtime GetRecommendations", "personalize-runtime GetRecommendations", "personalize-runtime GetRecommendations"}
	if diff := cmp.Diff(wantOps, ops); diff != "" {
		t.Errorf("data-plane requests in the log mismatch (-want +got):\n%s", diff)
	}
}

func TestPersonalizedRanking(t *testing.T) {
	sh := newShop(t)
	out, err := sh.runtime.GetPersonalizedRanking(context.Background(), &personalizeruntime.GetPersonalizedRankingInput{
		CampaignArn: &sh.rankingArn, UserId: aws.String("user-2"), InputList: []string{"new-item", "item-3", "item-1", "item-2"}})
	if err != nil {
		t.Fatal(err)
	}
	// Trained items by co-occurrence with item-1, then popularity; the
	// untrained one last, as AWS appends it.
	if diff := cmp.Diff([]string{"item-2", "item-1", "item-3", "new-item"}, itemIDs(out.PersonalizedRanking)); diff != "" {
		t.Errorf("GetPersonalizedRanking mismatch (-want +got):\n%s", diff)
	}
}

func TestFilters(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	_, err := sh.events.PutItems(ctx, &personalizeevents.PutItemsInput{DatasetArn: &sh.itemsArn, Items: []eventstypes.Item{
		{ItemId: aws.String("item-1"), Properties: aws.String(`{"genre":"comedy"}`)},
		{ItemId: aws.String("item-2"), Properties: aws.String(`{"genre":"drama|comedy"}`)},
		{ItemId: aws.String("item-3"), Properties: aws.String(`{"genre":"drama"}`)},
	}})
	if err != nil {
		t.Fatalf("PutItems: %v", err)
	}
	sh.putEvents(t, "user-3", "purchase", "item-1")
	filter := func(name, expr string) *string {
		out, err := sh.control.CreateFilter(ctx, &personalize.CreateFilterInput{Name: aws.String(name), DatasetGroupArn: &sh.scene.DatasetGroupARN, FilterExpression: aws.String(expr)})
		if err != nil {
			t.Fatalf("CreateFilter(%s): %v", name, err)
		}
		return out.FilterArn
	}
	genre := filter("genre", `INCLUDE ItemID WHERE Items.GENRE IN ($GENRE)`)
	notGenre := filter("not-genre", `EXCLUDE ItemID WHERE Items.GENRE IN ("drama")`)
	bought := filter("bought", `EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")`)

	tests := []struct {
		name   string
		user   string
		filter *string
		values map[string]string
		want   []string
	}{
		{"no filter", "user-4", nil, nil, []string{"item-1", "item-2", "item-3"}},
		{"include by parameter", "user-4", genre, map[string]string{"GENRE": `"comedy"`}, []string{"item-1", "item-2"}},
		{"include by two values", "user-4", genre, map[string]string{"GENRE": `"drama", "nothing"`}, []string{"item-2", "item-3"}},
		{"exclude literal, multi-valued field", "user-4", notGenre, nil, []string{"item-1"}},
		// user-3 has item-3 (imported) and a purchase of item-1 (an event):
		// both are already excluded as interacted.
		{"exclude by event type", "user-3", bought, nil, []string{"item-2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := sh.recommend(t, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: &tc.user, FilterArn: tc.filter, FilterValues: tc.values})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("GetRecommendations(%s) mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

// TestDataPlaneErrors checks the answers the SDK's own validators cannot
// give: constraints of the models, resources that do not exist or do not
// fit, and what the emulator cannot evaluate. The SDK types each error, and
// no message repeats the value that broke a rule.
func TestDataPlaneErrors(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	const secret = "alice@example.com"
	unknownCampaign := "arn:aws:personalize:us-east-1:111122223333:campaign/nope"
	complexFilter, err := sh.control.CreateFilter(ctx, &personalize.CreateFilterInput{Name: aws.String("complex"), DatasetGroupArn: &sh.scene.DatasetGroupARN,
		FilterExpression: aws.String(`EXCLUDE ItemID WHERE Items.GENRE IN ("a") | INCLUDE ItemID WHERE Items.GENRE IN ("b")`)})
	if err != nil {
		t.Fatal(err)
	}
	event := func(mod func(*eventstypes.Event)) []eventstypes.Event {
		e := eventstypes.Event{EventType: aws.String("click"), ItemId: aws.String("item-1"), SentAt: aws.Time(time.Unix(1700000000, 0))}
		mod(&e)
		return []eventstypes.Event{e}
	}
	tests := []struct {
		name       string
		call       func() error
		wantCode   string
		wantStatus int
		wantMsg    string // part of the message AWS words the same way
	}{
		{"PutEvents unknown tracking ID", func() error {
			_, err := sh.events.PutEvents(ctx, &personalizeevents.PutEventsInput{TrackingId: aws.String("00000000-0000-4000-8000-000000000000"),
				SessionId: aws.String("s"), EventList: event(func(*eventstypes.Event) {})})
			return err
		}, "InvalidInputException", 400, `trackingId does not name an event tracker`},
		{"PutEvents event type over 256 characters", func() error {
			_, err := sh.events.PutEvents(ctx, &personalizeevents.PutEventsInput{TrackingId: &sh.trackerID, SessionId: aws.String("s"),
				EventList: event(func(e *eventstypes.Event) { e.EventType = aws.String(strings.Repeat("x", 257)) })})
			return err
		}, "InvalidInputException", 400, `'eventList.1.member.eventType' failed to satisfy constraint: Member must have length less than or equal to 256`},
		{"PutEvents eleven events", func() error {
			list := event(func(*eventstypes.Event) {})
			for len(list) < 11 {
				list = append(list, list[0])
			}
			_, err := sh.events.PutEvents(ctx, &personalizeevents.PutEventsInput{TrackingId: &sh.trackerID, SessionId: aws.String("s"), EventList: list})
			return err
		}, "InvalidInputException", 400, `'eventList' failed to satisfy constraint: Member must have length less than or equal to 10`},
		{"PutEvents properties not a JSON object", func() error {
			_, err := sh.events.PutEvents(ctx, &personalizeevents.PutEventsInput{TrackingId: &sh.trackerID, SessionId: aws.String("s"),
				EventList: event(func(e *eventstypes.Event) { e.Properties = aws.String(secret) })})
			return err
		}, "InvalidInputException", 400, `eventList.1.member.properties must be a JSON object`},
		{"PutItems unknown dataset", func() error {
			_, err := sh.events.PutItems(ctx, &personalizeevents.PutItemsInput{DatasetArn: aws.String(sh.itemsArn + "-nope"),
				Items: []eventstypes.Item{{ItemId: aws.String("item-1")}}})
			return err
		}, "ResourceNotFoundException", 404, `Could not find resource`},
		{"PutItems malformed dataset ARN", func() error {
			_, err := sh.events.PutItems(ctx, &personalizeevents.PutItemsInput{DatasetArn: aws.String("not-an-arn"),
				Items: []eventstypes.Item{{ItemId: aws.String("item-1")}}})
			return err
		}, "InvalidInputException", 400, `'datasetArn' failed to satisfy constraint: Member must satisfy regular expression pattern`},
		{"PutItems into the interactions dataset", func() error {
			_, err := sh.events.PutItems(ctx, &personalizeevents.PutItemsInput{DatasetArn: &sh.interactionsArn,
				Items: []eventstypes.Item{{ItemId: aws.String("item-1")}}})
			return err
		}, "InvalidInputException", 400, `is not of type ITEMS`},
		{"PutItems property the schema lacks", func() error {
			_, err := sh.events.PutItems(ctx, &personalizeevents.PutItemsInput{DatasetArn: &sh.itemsArn,
				Items: []eventstypes.Item{{ItemId: aws.String("item-1"), Properties: aws.String(`{"email":"` + secret + `"}`)}}})
			return err
		}, "InvalidInputException", 400, `items.1.member.properties has a property that the dataset's schema does not declare`},
		{"PutUsers without a users dataset", func() error {
			_, err := sh.events.PutUsers(ctx, &personalizeevents.PutUsersInput{DatasetArn: aws.String(strings.Replace(sh.itemsArn, "ITEMS", "USERS", 1)),
				Users: []eventstypes.User{{UserId: aws.String(secret)}}})
			return err
		}, "ResourceNotFoundException", 404, `Could not find resource`},
		{"GetRecommendations without a campaign or recommender", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{UserId: aws.String(secret)})
			return err
		}, "InvalidInputException", 400, `Either campaignArn or recommenderArn is required`},
		{"GetRecommendations with both", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn,
				RecommenderArn: aws.String("arn:aws:personalize:us-east-1:111122223333:recommender/r"), UserId: aws.String(secret)})
			return err
		}, "InvalidInputException", 400, `not both`},
		{"GetRecommendations unknown campaign", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &unknownCampaign, UserId: aws.String(secret)})
			return err
		}, "ResourceNotFoundException", 404, `Could not find resource `},
		{"GetRecommendations numResults over 500", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String(secret), NumResults: 501})
			return err
		}, "InvalidInputException", 400, `'numResults' failed to satisfy constraint: Member must have value less than or equal to 500`},
		{"GetRecommendations without the userId the recipe needs", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, ItemId: aws.String("item-1")})
			return err
		}, "InvalidInputException", 400, `userId is required for a USER_PERSONALIZATION recipe`},
		{"GetRecommendations filter the emulator cannot evaluate", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String(secret), FilterArn: complexFilter.FilterArn})
			return err
		}, "InvalidInputException", 400, `cannot evaluate the filter`},
		{"GetRecommendations unknown filter", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String(secret),
				FilterArn: aws.String(sh.scene.DatasetGroupARN + "-filter")})
			return err
		}, "ResourceNotFoundException", 404, `Could not find resource`},
		{"GetRecommendations filter values without a filter", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String(secret),
				FilterValues: map[string]string{"GENRE": `"` + secret + `"`}})
			return err
		}, "InvalidInputException", 400, `filterValues need a filterArn`},
		{"GetRecommendations promotions", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String(secret),
				Promotions: []runtimetypes.Promotion{{Name: aws.String("p"), PercentPromotedItems: aws.Int32(10)}}})
			return err
		}, "InvalidInputException", 400, `promotions are not supported`},
		{"GetRecommendations from a ranking campaign", func() error {
			_, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.rankingArn, UserId: aws.String(secret)})
			return err
		}, "InvalidInputException", 400, `GetRecommendations does not answer`},
		{"GetPersonalizedRanking from a user-personalization campaign", func() error {
			_, err := sh.runtime.GetPersonalizedRanking(ctx, &personalizeruntime.GetPersonalizedRankingInput{CampaignArn: &sh.campaignArn, UserId: aws.String(secret), InputList: []string{"item-1"}})
			return err
		}, "InvalidInputException", 400, `GetPersonalizedRanking needs a PERSONALIZED_RANKING recipe`},
		{"GetPersonalizedRanking over 500 items", func() error {
			_, err := sh.runtime.GetPersonalizedRanking(ctx, &personalizeruntime.GetPersonalizedRankingInput{CampaignArn: &sh.rankingArn, UserId: aws.String(secret), InputList: make([]string, 501)})
			return err
		}, "InvalidInputException", 400, `'inputList' failed to satisfy constraint`},
		{"GetActionRecommendations from an items campaign", func() error {
			_, err := sh.runtime.GetActionRecommendations(ctx, &personalizeruntime.GetActionRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String(secret)})
			return err
		}, "InvalidInputException", 400, `GetActionRecommendations needs a PERSONALIZED_ACTIONS recipe`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			code, status := apiError(err)
			if code != tc.wantCode || status != tc.wantStatus {
				t.Fatalf("error = %v (code %q, status %d), want code %q, status %d", err, code, status, tc.wantCode, tc.wantStatus)
			}
			if !strings.Contains(err.Error(), tc.wantMsg) {
				t.Errorf("error = %v, want a message with %q", err, tc.wantMsg)
			}
			if strings.Contains(err.Error(), secret) {
				t.Errorf("error %q repeats the value sent", err)
			}
		})
	}
}

// TestBucketsNamedLikeDataPlanePaths shows that S3 keeps its path-style
// buckets named "events" or "recommendations": the endpoint tells the APIs
// apart by the SigV4 credential scope, not by the path.
func TestBucketsNamedLikeDataPlanePaths(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	s3c := s3.NewFromConfig(sh.s.Config())
	sh.s.ResetRequests()
	for _, bucket := range []string{"events", "recommendations", "items", "users"} {
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
			t.Fatalf("CreateBucket(%s): %v", bucket, err)
		}
		if _, err := s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("k"), Body: strings.NewReader("v")}); err != nil {
			t.Fatalf("PutObject(%s): %v", bucket, err)
		}
		// DeleteObjects is a POST to /<bucket>?delete, the shape of a
		// data-plane call.
		out, err := s3c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String(bucket), Delete: &s3types.Delete{Objects: []s3types.ObjectIdentifier{{Key: aws.String("k")}}}})
		if err != nil || len(out.Deleted) != 1 {
			t.Fatalf("DeleteObjects(%s) = %v, %v; want one deleted", bucket, out, err)
		}
	}
	sh.putEvents(t, "user-1", "click", "item-3")

	counts := map[string]int{}
	for _, r := range sh.s.Requests() {
		counts[r.Service]++
	}
	if diff := cmp.Diff(map[string]int{personalizetest.ServiceS3: 12, personalizetest.ServiceEvents: 1}, counts); diff != "" {
		t.Errorf("requests by service mismatch (-want +got):\n%s", diff)
	}
}

func TestDenyDataPlane(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	sh.s.Deny(personalizetest.ServiceEvents, "PutEvents")
	sh.s.Deny(personalizetest.ServiceRuntime, personalizetest.AnyOperation)
	_, err := sh.events.PutEvents(ctx, &personalizeevents.PutEventsInput{TrackingId: &sh.trackerID, SessionId: aws.String("s"),
		EventList: []eventstypes.Event{{EventType: aws.String("click"), ItemId: aws.String("item-1"), SentAt: aws.Time(time.Unix(1700000000, 0))}}})
	if code, status := apiError(err); code != "AccessDeniedException" || status != 403 || !strings.Contains(err.Error(), "personalize:PutEvents") {
		t.Errorf("denied PutEvents = %v (code %q, status %d), want AccessDeniedException 403 naming personalize:PutEvents", err, code, status)
	}
	_, err = sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String("user-1")})
	if code, status := apiError(err); code != "AccessDeniedException" || status != 403 {
		t.Errorf("denied GetRecommendations = %v (code %q, status %d), want AccessDeniedException 403", err, code, status)
	}
	// Other operations of the events API still answer.
	if _, err := sh.events.PutItems(ctx, &personalizeevents.PutItemsInput{DatasetArn: &sh.itemsArn, Items: []eventstypes.Item{{ItemId: aws.String("item-9")}}}); err != nil {
		t.Errorf("PutItems with only PutEvents denied: %v", err)
	}
	sh.s.Allow(personalizetest.ServiceRuntime, personalizetest.AnyOperation)
	if _, err := sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String("user-1")}); err != nil {
		t.Errorf("GetRecommendations after Allow: %v", err)
	}
}

// TestPutRecordsAreStored reads back, through a dataset export, what
// PutUsers and PutEvents stored: PUT data apart from the imported BULK data,
// a second PutUsers of the same ID replacing the first.
func TestPutRecordsAreStored(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	usersSchema := `{"type":"record","name":"Users","namespace":"com.amazonaws.personalize.schema",` +
		`"fields":[{"name":"USER_ID","type":"string"},{"name":"MEMBERSHIP","type":["null","string"],"categorical":true}],"version":"1.0"}`
	schema, err := sh.control.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String("users"), Schema: &usersSchema})
	if err != nil {
		t.Fatal(err)
	}
	users, err := sh.control.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String("users"), DatasetGroupArn: &sh.scene.DatasetGroupARN,
		DatasetType: aws.String("Users"), SchemaArn: schema.SchemaArn})
	if err != nil {
		t.Fatal(err)
	}
	for _, membership := range []string{"silver", "gold"} {
		if _, err := sh.events.PutUsers(ctx, &personalizeevents.PutUsersInput{DatasetArn: users.DatasetArn, Users: []eventstypes.User{
			{UserId: aws.String("user-1"), Properties: aws.String(`{"membership":"` + membership + `"}`)},
			{UserId: aws.String("user-" + membership)},
		}}); err != nil {
			t.Fatalf("PutUsers: %v", err)
		}
	}
	sh.putEvents(t, "user-5", "click", "item-2")

	export := func(name, datasetArn string, mode ptypes.IngestionMode) string {
		t.Helper()
		if _, err := sh.control.CreateDatasetExportJob(ctx, &personalize.CreateDatasetExportJobInput{JobName: aws.String(name), DatasetArn: &datasetArn,
			IngestionMode: mode, RoleArn: &sh.scene.RoleARN, JobOutput: &ptypes.DatasetExportJobOutput{S3DataDestination: &ptypes.S3DataConfig{Path: &sh.scene.ExportLocation}}}); err != nil {
			t.Fatalf("CreateDatasetExportJob(%s): %v", name, err)
		}
		d, err := sh.control.DescribeDataset(ctx, &personalize.DescribeDatasetInput{DatasetArn: &datasetArn})
		if err != nil {
			t.Fatal(err)
		}
		bucket, key := personalizetest.ExportObjectKey(sh.scene.ExportLocation, name, aws.ToString(d.Dataset.DatasetType))
		obj, err := s3.NewFromConfig(sh.s.Config()).GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key})
		if err != nil {
			t.Fatalf("GetObject(%s): %v", key, err)
		}
		defer obj.Body.Close()
		var b strings.Builder
		if _, err := io.Copy(&b, obj.Body); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	tests := []struct {
		name, dataset string
		mode          ptypes.IngestionMode
		want          string
	}{
		{"users", aws.ToString(users.DatasetArn), ptypes.IngestionModePut, "USER_ID,MEMBERSHIP\nuser-1,gold\nuser-silver,\nuser-gold,\n"},
		{"events", sh.interactionsArn, ptypes.IngestionModePut, "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\nuser-5,item-2,1700001000,click\n"},
		// InteractionsCSV, which has no EVENT_TYPE column.
		{"bulk", sh.interactionsArn, ptypes.IngestionModeBulk, "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n" +
			"user-1,item-1,1700000000,\nuser-1,item-2,1700000100,\nuser-2,item-1,1700000200,\nuser-3,item-3,1700000300,\n"},
	}
	for _, tc := range tests {
		got := export(tc.name, tc.dataset, tc.mode)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("export %s mismatch (-want +got):\n%s", tc.name, diff)
		}
	}
}

// TestRecommenders answers from a domain dataset group's recommenders by
// use case: popular items without a user, related items for an item, and
// "recommended for you" for a user.
func TestRecommenders(t *testing.T) {
	ctx := context.Background()
	s := personalizetest.New(t, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	sc, err := s.SeedScene(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pz := personalize.NewFromConfig(s.Config())
	g, err := pz.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("store"), Domain: ptypes.DomainEcommerce})
	if err != nil {
		t.Fatal(err)
	}
	schema, err := pz.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String("store-interactions"), Domain: ptypes.DomainEcommerce, Schema: aws.String(interactionsWithTypes)})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := pz.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String("interactions"), DatasetGroupArn: g.DatasetGroupArn, DatasetType: aws.String("Interactions"), SchemaArn: schema.SchemaArn})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pz.CreateDatasetImportJob(ctx, &personalize.CreateDatasetImportJobInput{JobName: aws.String("import"), DatasetArn: ds.DatasetArn,
		DataSource: &ptypes.DataSource{DataLocation: &sc.DataLocation}, RoleArn: &sc.RoleARN}); err != nil {
		t.Fatal(err)
	}
	recommender := func(name, useCase string) *string {
		out, err := pz.CreateRecommender(ctx, &personalize.CreateRecommenderInput{Name: aws.String(name), DatasetGroupArn: g.DatasetGroupArn,
			RecipeArn: aws.String("arn:aws:personalize:::recipe/" + useCase)})
		if err != nil {
			t.Fatalf("CreateRecommender(%s): %v", useCase, err)
		}
		return out.RecommenderArn
	}
	popular := recommender("popular", "aws-ecomm-popular-items-by-views")
	alsoViewed := recommender("also-viewed", "aws-ecomm-customers-who-viewed-x-also-viewed")
	forYou := recommender("for-you", "aws-ecomm-recommended-for-you")

	rt := personalizeruntime.NewFromConfig(s.Config())
	tests := []struct {
		name string
		in   personalizeruntime.GetRecommendationsInput
		want []string
	}{
		{"popular", personalizeruntime.GetRecommendationsInput{RecommenderArn: popular}, []string{"item-1", "item-2", "item-3"}},
		{"popular, less what the user has", personalizeruntime.GetRecommendationsInput{RecommenderArn: popular, UserId: aws.String("user-2")}, []string{"item-2", "item-3"}},
		{"also viewed", personalizeruntime.GetRecommendationsInput{RecommenderArn: alsoViewed, ItemId: aws.String("item-2")}, []string{"item-1", "item-3"}},
		{"for you", personalizeruntime.GetRecommendationsInput{RecommenderArn: forYou, UserId: aws.String("user-3")}, []string{"item-1", "item-2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := rt.GetRecommendations(ctx, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, itemIDs(out.ItemList)); diff != "" {
				t.Errorf("GetRecommendations(%s) mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}

	// A stopped recommender does not answer.
	if _, err := pz.StopRecommender(ctx, &personalize.StopRecommenderInput{RecommenderArn: popular}); err != nil {
		t.Fatal(err)
	}
	_, err = rt.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{RecommenderArn: popular})
	if code, _ := apiError(err); code != "InvalidInputException" {
		t.Errorf("GetRecommendations(stopped recommender) = %v, want InvalidInputException", err)
	}
}

// TestActions covers the actions APIs: PutActions and PutActionInteractions
// feed a next-best-action campaign.
func TestActions(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	schema := func(name, fields string) *string {
		out, err := sh.control.CreateSchema(ctx, &personalize.CreateSchemaInput{Name: aws.String(name), Schema: aws.String(
			`{"type":"record","name":"` + name + `","namespace":"com.amazonaws.personalize.schema","fields":[` + fields + `],"version":"1.0"}`)})
		if err != nil {
			t.Fatal(err)
		}
		return out.SchemaArn
	}
	dataset := func(typ string, schemaArn *string) *string {
		out, err := sh.control.CreateDataset(ctx, &personalize.CreateDatasetInput{Name: aws.String(strings.ToLower(typ)), DatasetGroupArn: &sh.scene.DatasetGroupARN,
			DatasetType: aws.String(typ), SchemaArn: schemaArn})
		if err != nil {
			t.Fatal(err)
		}
		return out.DatasetArn
	}
	actions := dataset("Actions", schema("Actions", `{"name":"ACTION_ID","type":"string"},{"name":"KIND","type":["null","string"],"categorical":true}`))
	dataset("Action_Interactions", schema("ActionInteractions",
		`{"name":"USER_ID","type":"string"},{"name":"ACTION_ID","type":"string"},{"name":"TIMESTAMP","type":"long"},{"name":"EVENT_TYPE","type":"string"}`))

	if _, err := sh.events.PutActions(ctx, &personalizeevents.PutActionsInput{DatasetArn: actions, Actions: []eventstypes.Action{
		{ActionId: aws.String("subscribe"), Properties: aws.String(`{"kind":"paid"}`)},
		{ActionId: aws.String("newsletter"), Properties: aws.String(`{"kind":"free"}`)},
		{ActionId: aws.String("app"), Properties: aws.String(`{"kind":"free"}`)},
	}}); err != nil {
		t.Fatalf("PutActions: %v", err)
	}
	interactions := []eventstypes.ActionInteraction{}
	for i, ua := range [][2]string{{"u1", "subscribe"}, {"u1", "newsletter"}, {"u2", "subscribe"}, {"u2", "app"}, {"u3", "subscribe"}} {
		interactions = append(interactions, eventstypes.ActionInteraction{UserId: aws.String(ua[0]), ActionId: aws.String(ua[1]),
			SessionId: aws.String("s-" + ua[0]), EventType: aws.String("TAKEN"), Timestamp: aws.Time(time.Unix(1700000000+int64(i), 0))})
	}
	if _, err := sh.events.PutActionInteractions(ctx, &personalizeevents.PutActionInteractionsInput{TrackingId: &sh.trackerID, ActionInteractions: interactions}); err != nil {
		t.Fatalf("PutActionInteractions: %v", err)
	}

	sol, err := sh.control.CreateSolution(ctx, &personalize.CreateSolutionInput{Name: aws.String("nba"), DatasetGroupArn: &sh.scene.DatasetGroupARN,
		RecipeArn: aws.String("arn:aws:personalize:::recipe/aws-next-best-action")})
	if err != nil {
		t.Fatal(err)
	}
	sv, err := sh.control.CreateSolutionVersion(ctx, &personalize.CreateSolutionVersionInput{SolutionArn: sol.SolutionArn})
	if err != nil {
		t.Fatal(err)
	}
	camp, err := sh.control.CreateCampaign(ctx, &personalize.CreateCampaignInput{Name: aws.String("nba"), SolutionVersionArn: sv.SolutionVersionArn})
	if err != nil {
		t.Fatal(err)
	}
	free, err := sh.control.CreateFilter(ctx, &personalize.CreateFilterInput{Name: aws.String("free"), DatasetGroupArn: &sh.scene.DatasetGroupARN,
		FilterExpression: aws.String(`INCLUDE ActionID WHERE Actions.KIND IN ($KIND)`)})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   personalizeruntime.GetActionRecommendationsInput
		want []string
	}{
		// u3 took subscribe, which co-occurs with newsletter and app alike.
		{"by co-occurrence", personalizeruntime.GetActionRecommendationsInput{CampaignArn: camp.CampaignArn, UserId: aws.String("u3")}, []string{"app", "newsletter"}},
		{"numResults", personalizeruntime.GetActionRecommendationsInput{CampaignArn: camp.CampaignArn, UserId: aws.String("u3"), NumResults: 1}, []string{"app"}},
		{"new user: popularity", personalizeruntime.GetActionRecommendationsInput{CampaignArn: camp.CampaignArn, UserId: aws.String("u9")}, []string{"subscribe", "app", "newsletter"}},
		{"filtered", personalizeruntime.GetActionRecommendationsInput{CampaignArn: camp.CampaignArn, UserId: aws.String("u9"), FilterArn: free.FilterArn,
			FilterValues: map[string]string{"KIND": `"paid"`}}, []string{"subscribe"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := sh.runtime.GetActionRecommendations(ctx, &tc.in)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, a := range out.ActionList {
				got = append(got, aws.ToString(a.ActionId))
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("GetActionRecommendations(%s) mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

// TestDataPlaneWire sends what the SDK never would: a body that is not
// JSON, a member of the wrong JSON type, and a path no operation has. The
// answers are REST-JSON errors, and each request is in the log.
func TestDataPlaneWire(t *testing.T) {
	s := personalizetest.New(t)
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool(), MinVersion: tls.VersionTLS12}}}
	t.Cleanup(client.CloseIdleConnections)
	tests := []struct {
		name, method, path, body string
		wantStatus               int
		wantType                 string
		wantService, wantOp      string
	}{
		{"not JSON", "POST", "/events", `{"trackingId":`, 400, "SerializationException", personalizetest.ServiceEvents, "PutEvents"},
		{"wrong JSON type", "POST", "/recommendations", `{"numResults":"25"}`, 400, "SerializationException", personalizetest.ServiceRuntime, "GetRecommendations"},
		{"model constraint", "POST", "/users", `{"datasetArn":"x","users":[]}`, 400, "InvalidInputException", personalizetest.ServiceEvents, "PutUsers"},
		{"no such path", "POST", "/nothing", `{}`, 404, "UnknownOperationException", personalizetest.ServicePersonalize, ""},
		{"no such method", "GET", "/events", ``, 404, "UnknownOperationException", personalizetest.ServicePersonalize, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s.ResetRequests()
			req, err := http.NewRequest(tc.method, s.URL()+tc.path, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+personalizetest.AccessKeyID+"/20261129/us-east-1/personalize/aws4_request, SignedHeaders=host, Signature=0")
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body struct{ Message string }
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Message == "" {
				t.Errorf("body: %v, message %q; want {\"message\": ...}", err, body.Message)
			}
			if resp.StatusCode != tc.wantStatus || resp.Header.Get("X-Amzn-Errortype") != tc.wantType {
				t.Errorf("%s %s = %d %s, want %d %s", tc.method, tc.path, resp.StatusCode, resp.Header.Get("X-Amzn-Errortype"), tc.wantStatus, tc.wantType)
			}
			reqs := s.Requests()
			if len(reqs) != 1 || reqs[0].Service != tc.wantService || reqs[0].Operation != tc.wantOp {
				t.Errorf("logged %+v, want one request of %s %q", reqs, tc.wantService, tc.wantOp)
			}
		})
	}
}

// TestDataPlaneConcurrent sends events and asks for recommendations from
// several goroutines (run it with -race); every event counts.
func TestDataPlaneConcurrent(t *testing.T) {
	sh := newShop(t)
	ctx := context.Background()
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, 2*workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			user := fmt.Sprintf("c-%d", i)
			_, err := sh.events.PutEvents(ctx, &personalizeevents.PutEventsInput{TrackingId: &sh.trackerID, UserId: &user, SessionId: &user,
				EventList: []eventstypes.Event{{EventType: aws.String("click"), ItemId: aws.String("item-2"), SentAt: aws.Time(time.Unix(1700002000, 0))}}})
			errs <- err
			_, err = sh.runtime.GetRecommendations(ctx, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: &user})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	// item-2 now has 1 + 8 interactions, item-1 two.
	got := sh.recommend(t, &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String("user-3")})
	if diff := cmp.Diff([]string{"item-2", "item-1"}, got); diff != "" {
		t.Errorf("GetRecommendations(user-3) after concurrent events mismatch (-want +got):\n%s", diff)
	}
}
