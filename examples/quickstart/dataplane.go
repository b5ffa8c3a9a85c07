package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	awspersonalize "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	awspersonalizeevents "github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	awspersonalizeruntime "github.com/aws/aws-sdk-go-v2/service/personalizeruntime"

	"github.com/personalizeguard/personalizeguard/personalizeevents"
	"github.com/personalizeguard/personalizeguard/personalizeruntime"
	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/pseudonym"
)

// The customer of the data-plane steps, as the shop knows them, and the
// card number a careless event carries. Neither is ever printed or sent.
const (
	customerEmail = "jane.doe@example.com"
	customerCard  = "4111 1111 1111 1111"
	webSession    = "web-session-7f3a"
)

// skippedOnAWS says why the data-plane steps do not run against AWS unless
// they are given a campaign and a tracker to use.
const skippedOnAWS = "skipped: against AWS the quickstart does not train a solution (hours) or deploy a campaign (billed by the hour); " +
	"pass -campaign-arn and -tracking-id (an existing campaign and its dataset group's event tracker) to run these steps against them"

// dataPlane continues the flow where services spend their calls: a campaign
// and an event tracker, a pseudonym key sealed under the KMS key, a customer
// known by e-mail address recommended to and sending an event under their
// pseudonym, then two requests the data-plane guard refuses. It returns
// false when it skipped the steps (against AWS, without a campaign).
func (st *steps) dataPlane(ctx context.Context, s setup, client *awspersonalize.Client, groupARN *string, group string) (ran bool, err error) {
	fmt.Fprintln(st.w, "\nThe data plane, where a service calls on every page view: a customer known by e-mail address, under a pseudonym:")
	campaignARN, trackingID := s.campaignARN, s.trackingID
	if s.local == nil && (campaignARN == "" || trackingID == "") {
		fmt.Fprintf(st.w, "   %s\n", skippedOnAWS)
		return false, nil
	}
	if s.local != nil {
		if campaignARN, trackingID, err = st.campaign(ctx, s, client, groupARN, group); err != nil {
			return true, err
		}
	}

	st.step("Make a pseudonym key under %s and keep only its sealed form", s.keyARN)
	kmsClient := kms.NewFromConfig(s.cfg)
	sealed, err := pseudonym.GenerateKey(ctx, kmsClient, s.keyARN, 1)
	if err != nil {
		return true, st.fail(err)
	}
	stored, err := json.Marshal(sealed) // what a deployment keeps: a file, a parameter, a secret
	if err != nil {
		return true, st.fail(err)
	}
	fmt.Fprintf(st.w, "   stored: %s (%d bytes: the key version, the KMS key and KMS's ciphertext; no plaintext key)\n", abbreviated(stored, sealed), len(stored))
	var back pseudonym.SealedKey
	if err := json.Unmarshal(stored, &back); err != nil {
		return true, st.fail(err)
	}
	key, err := pseudonym.LoadKey(ctx, kmsClient, s.keyARN, 1, &back)
	if err != nil {
		return true, st.fail(err)
	}
	p, err := pseudonym.New(key)
	if err != nil {
		return true, st.fail(err)
	}
	st.ok("loaded back (what a service does at start-up) with kms:Decrypt under the configured key and version: %v", key)

	// One Policy for both clients: one customer, one pseudonym in events and
	// in recommendation requests.
	policy := personalizeevents.Policy{Pseudonymizer: p, Logger: slog.New(&auditPrinter{w: st.w})}
	events, err := personalizeevents.New(s.cfg, policy)
	if err != nil {
		return true, err
	}
	runtime, err := personalizeruntime.New(s.cfg, policy)
	if err != nil {
		return true, err
	}
	userPseudonym, err := p.UserID(customerEmail)
	if err != nil {
		return true, err
	}
	sessionPseudonym, err := p.SessionID(webSession)
	if err != nil {
		return true, err
	}
	// onlyPseudonyms checks, against the embedded endpoints, that the
	// pseudonyms reached them and the raw identifiers did not.
	onlyPseudonyms := func(what string, pseudonyms ...string) {
		if s.local == nil {
			return
		}
		for _, v := range pseudonyms {
			if !s.local.Seen(v) {
				st.failed++
				fmt.Fprintf(st.w, "   UNEXPECTED: the endpoints never received %s\n", v)
				return
			}
		}
		if s.local.Seen(customerEmail) || s.local.Seen(webSession) {
			st.failed++
			fmt.Fprintln(st.w, "   UNEXPECTED: a raw identifier reached the endpoints")
			return
		}
		fmt.Fprintf(st.w, "   checked: %s\n", what)
	}
	recommend := func() ([]string, error) {
		out, err := runtime.GetRecommendations(ctx, &awspersonalizeruntime.GetRecommendationsInput{
			CampaignArn: aws.String(campaignARN), UserId: aws.String(customerEmail), NumResults: 5})
		if err != nil {
			return nil, err
		}
		items := make([]string, 0, len(out.ItemList))
		for _, it := range out.ItemList {
			items = append(items, aws.ToString(it.ItemId))
		}
		return items, nil
	}

	st.step("Recommend to a customer known by e-mail address (runtime client with the Pseudonymizer)")
	fmt.Fprintf(st.w, "   input: UserId %s, sent as %s\n", masked(customerEmail), userPseudonym)
	items, err := recommend()
	if err != nil {
		return true, st.fail(err)
	}
	if len(items) == 0 {
		return true, st.fail(fmt.Errorf("the campaign recommended nothing, so there is no item for the customer to view"))
	}
	st.ok("recommended %s", strings.Join(items, " "))
	onlyPseudonyms("the endpoints received the pseudonym, never the e-mail address", userPseudonym)

	viewed := items[0]
	st.step("Send the customer's view of %s (events client, same Policy)", viewed)
	fmt.Fprintf(st.w, "   input: UserId %s, SessionId %s\n", masked(customerEmail), masked(webSession))
	if _, err := events.PutEvents(ctx, &awspersonalizeevents.PutEventsInput{TrackingId: aws.String(trackingID),
		UserId: aws.String(customerEmail), SessionId: aws.String(webSession), EventList: []eventstypes.Event{
			{EventType: aws.String("view"), ItemId: aws.String(viewed), SentAt: aws.Time(time.Now())},
		}}); err != nil {
		return true, st.fail(err)
	}
	st.ok("sent as UserId %s, SessionId %s", userPseudonym, sessionPseudonym)
	onlyPseudonyms("the endpoints received both pseudonyms, never the e-mail address or the session ID", userPseudonym, sessionPseudonym)

	st.step("Recommend to the same customer again")
	after, err := recommend()
	if err != nil {
		return true, st.fail(err)
	}
	st.ok("recommended %s", strings.Join(after, " "))
	if s.local != nil {
		// The emulator leaves out what a user has interacted with: the view
		// only counts if the event and the request carried one pseudonym.
		if slices.Contains(after, viewed) {
			st.failed++
			fmt.Fprintf(st.w, "   UNEXPECTED: %s is still recommended: the event and the request did not name the same user\n", viewed)
		} else {
			fmt.Fprintf(st.w, "   checked: %s, now seen, is left out: the event and the request carried the same pseudonym\n", viewed)
		}
	}

	fmt.Fprintln(st.w, "\nTwo requests the data-plane guard refuses before they are sent:")
	unseen := func(v string) string {
		if s.local == nil || s.local.Seen(v) {
			return ""
		}
		return "no request carrying the value reached the endpoints"
	}
	bare, err := personalizeruntime.New(s.cfg, personalizeruntime.Policy{Logger: slog.New(&auditPrinter{w: st.w})})
	if err != nil {
		return true, err
	}
	st.refusal("An e-mail address as userId, from a runtime client built without a Pseudonymizer", "UserId", customerEmail, "sensitive.email", func() (string, error) {
		_, err := bare.GetRecommendations(ctx, &awspersonalizeruntime.GetRecommendationsInput{CampaignArn: aws.String(campaignARN), UserId: aws.String(customerEmail)})
		return unseen(customerEmail), err
	})
	properties := `{"paymentCard":"` + customerCard + `"}`
	st.refusal("An event whose properties carry a card number", "EventList[0].Properties", properties, "sensitive.credit-card", func() (string, error) {
		_, err := events.PutEvents(ctx, &awspersonalizeevents.PutEventsInput{TrackingId: aws.String(trackingID),
			UserId: aws.String(customerEmail), SessionId: aws.String(webSession), EventList: []eventstypes.Event{
				{EventType: aws.String("purchase"), ItemId: aws.String(viewed), SentAt: aws.Time(time.Now()), Properties: aws.String(properties)},
			}})
		return unseen(customerCard), err
	})
	return true, nil
}

// campaign trains a solution on the imported interactions and deploys it,
// and creates the group's event tracker, all through the guarded
// control-plane client.
func (st *steps) campaign(ctx context.Context, s setup, client *awspersonalize.Client, groupARN *string, group string) (campaignARN, trackingID string, err error) {
	st.step("Train a solution on the interactions and deploy it as a campaign; create an event tracker")
	sol, err := client.CreateSolution(ctx, &awspersonalize.CreateSolutionInput{Name: aws.String(group + "-for-you"), DatasetGroupArn: groupARN,
		RecipeArn: aws.String(personalizetest.UserPersonalizationRecipeARN)})
	if err != nil {
		return "", "", st.fail(err)
	}
	if _, err := waitFor(ctx, s.poll, func() (*types.Solution, string, error) {
		out, err := client.DescribeSolution(ctx, &awspersonalize.DescribeSolutionInput{SolutionArn: sol.SolutionArn})
		if err != nil {
			return nil, "", err
		}
		return out.Solution, aws.ToString(out.Solution.Status), nil
	}); err != nil {
		return "", "", st.fail(err)
	}
	sv, err := client.CreateSolutionVersion(ctx, &awspersonalize.CreateSolutionVersionInput{SolutionArn: sol.SolutionArn})
	if err != nil {
		return "", "", st.fail(err)
	}
	if _, err := waitFor(ctx, s.poll, func() (*types.SolutionVersion, string, error) {
		out, err := client.DescribeSolutionVersion(ctx, &awspersonalize.DescribeSolutionVersionInput{SolutionVersionArn: sv.SolutionVersionArn})
		if err != nil {
			return nil, "", err
		}
		return out.SolutionVersion, aws.ToString(out.SolutionVersion.Status), nil
	}); err != nil {
		return "", "", st.fail(err)
	}
	cp, err := client.CreateCampaign(ctx, &awspersonalize.CreateCampaignInput{Name: aws.String(group + "-for-you"), SolutionVersionArn: sv.SolutionVersionArn})
	if err != nil {
		return "", "", st.fail(err)
	}
	if _, err := waitFor(ctx, s.poll, func() (*types.Campaign, string, error) {
		out, err := client.DescribeCampaign(ctx, &awspersonalize.DescribeCampaignInput{CampaignArn: cp.CampaignArn})
		if err != nil {
			return nil, "", err
		}
		return out.Campaign, aws.ToString(out.Campaign.Status), nil
	}); err != nil {
		return "", "", st.fail(err)
	}
	tr, err := client.CreateEventTracker(ctx, &awspersonalize.CreateEventTrackerInput{Name: aws.String(group + "-web"), DatasetGroupArn: groupARN})
	if err != nil {
		return "", "", st.fail(err)
	}
	if _, err := waitFor(ctx, s.poll, func() (*types.EventTracker, string, error) {
		out, err := client.DescribeEventTracker(ctx, &awspersonalize.DescribeEventTrackerInput{EventTrackerArn: tr.EventTrackerArn})
		if err != nil {
			return nil, "", err
		}
		return out.EventTracker, aws.ToString(out.EventTracker.Status), nil
	}); err != nil {
		return "", "", st.fail(err)
	}
	st.ok("solution version, campaign %s and event tracker ACTIVE", aws.ToString(cp.CampaignArn))
	return aws.ToString(cp.CampaignArn), aws.ToString(tr.TrackingId), nil
}

// abbreviated shows the stored sealed key with its ciphertext cut short.
func abbreviated(stored []byte, sealed *pseudonym.SealedKey) string {
	b64 := base64.StdEncoding.EncodeToString(sealed.Ciphertext)
	if len(b64) <= 16 {
		return string(stored)
	}
	return strings.Replace(string(stored), b64, b64[:16]+"…", 1)
}
