package personalizetest_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalizeevents"
	eventstypes "github.com/aws/aws-sdk-go-v2/service/personalizeevents/types"
	"github.com/aws/aws-sdk-go-v2/service/personalizeruntime"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// BenchmarkStart measures bringing up and closing a Server (certificates,
// in-memory KMS, listener).
func BenchmarkStart(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		s, err := personalizetest.Start(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if err := s.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPersonalizeCall measures one SDK call through TLS, the request
// log and the Personalize emulator.
func BenchmarkPersonalizeCall(b *testing.B) {
	s := personalizetest.New(b, func(o *personalizetest.Options) { o.StatusSteps = 0 })
	c := personalize.NewFromConfig(s.Config())
	ctx := context.Background()
	out, err := c.CreateDatasetGroup(ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.DescribeDatasetGroup(ctx, &personalize.DescribeDatasetGroupInput{DatasetGroupArn: out.DatasetGroupArn}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkS3PutObject measures an SSE-KMS upload through the S3 front
// handler (aws-chunked decoding, checksum, key lookup) at several sizes.
func BenchmarkS3PutObject(b *testing.B) {
	s := personalizetest.New(b)
	ctx := context.Background()
	sc, err := s.SeedScene(ctx)
	if err != nil {
		b.Fatal(err)
	}
	c := s3.NewFromConfig(s.Config())
	for _, size := range []int{1 << 10, 1 << 20} {
		body := bytes.Repeat([]byte("u,i,1\n"), size/6)
		b.Run(fmt.Sprint(size), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				s.ResetRequests() // keep the log from growing with the benchmark
				if _, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: &sc.Bucket, Key: aws.String("bench.csv"), Body: bytes.NewReader(body)}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGetRecommendations measures one runtime call through TLS, the
// request log, model validation and the ranking of a trained campaign.
func BenchmarkGetRecommendations(b *testing.B) {
	sh := newShop(b)
	ctx := context.Background()
	in := &personalizeruntime.GetRecommendationsInput{CampaignArn: &sh.campaignArn, UserId: aws.String("user-2")}
	b.ReportAllocs()
	for b.Loop() {
		sh.s.ResetRequests()
		if _, err := sh.runtime.GetRecommendations(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPutEvents measures PutEvents with 10 events carrying properties,
// each stored and taught to the group's models.
func BenchmarkPutEvents(b *testing.B) {
	sh := newShop(b)
	ctx := context.Background()
	list := make([]eventstypes.Event, 10)
	for i := range list {
		list[i] = eventstypes.Event{EventType: aws.String("click"), ItemId: aws.String(fmt.Sprintf("item-%d", i)),
			Properties: aws.String(`{"device":"phone","position":3}`), SentAt: aws.Time(time.Unix(1700001000, 0))}
	}
	in := &personalizeevents.PutEventsInput{TrackingId: &sh.trackerID, UserId: aws.String("user-bench"), SessionId: aws.String("s"), EventList: list}
	b.ReportAllocs()
	for b.Loop() {
		sh.s.ResetRequests()
		if _, err := sh.events.PutEvents(ctx, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkContains measures the worst case of Request.Contains, a value
// that is absent: every raw form looked for, then the body decoded, with a
// properties document embedded in each event.
func BenchmarkContains(b *testing.B) {
	var body bytes.Buffer
	body.WriteString(`{"trackingId":"tid","sessionId":"s-1","eventList":[`)
	for i := range 20 {
		if i > 0 {
			body.WriteByte(',')
		}
		fmt.Fprintf(&body, `{"eventType":"click","itemId":"item-%d","sentAt":1.7e9,"properties":"{\"numberOfRatings\":%d,\"genre\":\"comedy\"}"}`, i, i)
	}
	body.WriteString(`]}`)
	r := personalizetest.Request{URL: "/events", Target: "/events", Body: body.Bytes()}
	b.ReportAllocs()
	b.SetBytes(int64(body.Len()))
	for b.Loop() {
		if r.Contains("jane@example.com") {
			b.Fatal("Contains(absent) = true")
		}
	}
}
