package dataplane

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
)

// BenchmarkCheckPropertiesWide is the wire walk of a catalogue properties
// document at its model limit (32,000 characters) that holds thousands of
// short names: the check of unique names must stay linear in them, as a
// PutItems of ten such items would otherwise cost the guard a tenth of a
// second or more before anything is sent.
func BenchmarkCheckPropertiesWide(b *testing.B) {
	for _, width := range []int{50, 4000} {
		b.Run(fmt.Sprintf("names=%d", width), func(b *testing.B) {
			g := testGuard(b, Policy{})
			var doc strings.Builder
			doc.WriteString(`{`)
			for i := range width {
				if i > 0 {
					doc.WriteString(`,`)
				}
				fmt.Fprintf(&doc, `\"%x\":1`, i)
			}
			doc.WriteString(`}`)
			body := `{"properties":"` + doc.String() + `"}`
			if _, rule, err := check(g, body); err != nil {
				b.Fatal(rule, err)
			}
			b.SetBytes(int64(len(body)))
			b.ReportAllocs()
			for b.Loop() {
				_, _, _ = check(g, body)
			}
		})
	}
}

// BenchmarkCheckBodyEvents is the wire walk of a PutEvents body of ten
// events with properties (the shape of personalizeevents' table), as the
// guard walks it on every call once its memo holds the event type, items
// and documents: the gate's own work on a body, without the SDK.
func BenchmarkCheckBodyEvents(b *testing.B) {
	api := &API{Operations: map[string]*Node{"PutEvents": Struct(map[string]*Node{
		"eventList": List(Struct(map[string]*Node{
			"eventId":    String(RuleText, 1, 256),
			"eventType":  String(RuleText, 1, 256),
			"eventValue": Scalar,
			"impression": List(String(RuleCatalogID, 1, 256), 1, 25),
			"itemId":     String(RuleCatalogID, 1, 256),
			"metricAttribution": Struct(map[string]*Node{
				"eventAttributionSource": String(RuleText, 0, 1024),
			}),
			"properties":       String(RuleProperties, 1, 1024),
			"recommendationId": String(RuleToken, 1, 40),
			"sentAt":           Scalar,
		}), 1, 10),
		"sessionId":  String(RuleSessionID, 1, 256),
		"trackingId": String(RuleToken, 1, 256),
		"userId":     String(RuleUserID, 1, 256),
	})}}
	g, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{}, api)
	if err != nil {
		b.Fatal(err)
	}
	var body strings.Builder
	body.WriteString(`{"eventList":[`)
	for i := range 10 {
		if i > 0 {
			body.WriteString(`,`)
		}
		fmt.Fprintf(&body, `{"eventType":"view","itemId":"item-%d","properties":"{\"device\":\"mobile\",\"discount\":\"0.15\",\"position\":%d}","sentAt":%d}`, i%4+1, i, 1700001000+i)
	}
	body.WriteString(`],"sessionId":"web-session-1","trackingId":"4d9f2a6e-0c1b-4b8e-9a55-7f3c2d1e0a9b","userId":"customer-0001"}`)
	ctx := middleware.WithOperationName(context.Background(), "PutEvents")
	st := &callState{passes: stepIdentifiers}
	ctx = withState(ctx, st)
	if err := g.checkBody(ctx, "PutEvents", st, body.String()); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(body.Len()))
	b.ReportAllocs()
	for b.Loop() {
		_ = g.checkBody(ctx, "PutEvents", st, body.String())
	}
}

// BenchmarkCheckBodyRecommendations is the wire walk of a GetRecommendations
// body (the shape of personalizeruntime's table), memo warm: a campaign's
// ARN, a context entry, a number and the pseudonym the guard put in.
func BenchmarkCheckBodyRecommendations(b *testing.B) {
	api := &API{Operations: map[string]*Node{"GetRecommendations": Struct(map[string]*Node{
		"campaignArn": String(RuleARN, 0, 256),
		"context":     Map(String(RuleAttribute, 0, 150), String(RuleText, 0, 1000), 150),
		"filterArn":   String(RuleARN, 0, 256),
		"numResults":  Scalar,
		"userId":      String(RuleUserID, 0, 256),
	})}}
	g, err := NewGuard(aws.Config{Region: "us-east-1"}, Policy{}, api)
	if err != nil {
		b.Fatal(err)
	}
	body := `{"campaignArn":"arn:aws:personalize:us-east-1:123456789012:campaign/for-you","context":{"DEVICE":"mobile"},"numResults":10,"userId":"customer-0001"}`
	ctx := middleware.WithOperationName(context.Background(), "GetRecommendations")
	st := &callState{passes: stepIdentifiers}
	ctx = withState(ctx, st)
	if err := g.checkBody(ctx, "GetRecommendations", st, body); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		_ = g.checkBody(ctx, "GetRecommendations", st, body)
	}
}
