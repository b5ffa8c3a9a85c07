package personalize_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/internal/dataplanetest"
	"github.com/personalizeguard/personalizeguard/personalize"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestFailedCheckBacksOff: while KMS refuses the guard's reads, calls fail
// closed; within the back-off they do so without asking KMS again, so a
// throttled service gets no more load from the guard than one request per
// back-off. With a negative back-off every call asks again.
func TestFailedCheckBacksOff(t *testing.T) {
	for _, tt := range []struct {
		name      string
		backoff   time.Duration
		wantCalls int
	}{
		{"default back-off", 0, 1},
		{"no back-off", -1, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed", CheckFailureBackoff: tt.backoff})
			e.srv.Deny(personalizetest.ServiceKMS, "DescribeKey")
			for i := range 5 {
				_, err := e.client.CreateDatasetGroup(context.Background(), &sdk.CreateDatasetGroupInput{Name: aws.String(fmt.Sprintf("movies-%d", i))})
				var sg *personalize.SafeguardError
				if !errors.As(err, &sg) || sg.Rule != personalize.RuleKMSCheckFailed {
					t.Fatalf("call %d with KMS denied = %v, want %s", i, err, personalize.RuleKMSCheckFailed)
				}
			}
			calls := 0
			for _, r := range e.srv.Requests() {
				if r.Service == personalizetest.ServiceKMS && r.Operation == "DescribeKey" {
					calls++
				}
			}
			if calls != tt.wantCalls {
				t.Errorf("5 calls made %d DescribeKey requests, want %d", calls, tt.wantCalls)
			}
		})
	}
}

// BenchmarkRealTraffic sends what real traffic sends — a new name on every
// call, since Personalize never takes a name twice — through a bare and a
// guarded client to personalizetest, interleaved, and reports each side's
// mean and their ratio. The bare client passes the key and role itself, so
// both put the same bytes on the wire, and keeps its connections, as the
// guarded one does: "bare=steady" sends as the SDK does, the headers flushed
// before the body (dataplanetest.Steady), "bare=onewrite" in one write as
// the guard does (dataplanetest.OneWrite), so that its ratio is the guard's
// own cost alone.
func BenchmarkRealTraffic(b *testing.B) {
	ctx := context.Background()
	schema := itemsSchema(10 << 10)
	importCall := func(e *env, c *sdk.Client, guarded bool, i int) (func(), error) {
		in := importInput(e, fmt.Sprintf("i%t-%d", guarded, i))
		out, err := c.CreateDatasetImportJob(ctx, in)
		if err != nil {
			return nil, err
		}
		// A dataset takes one import at a time: see this one through
		// before the next call.
		return func() { settle(e, out.DatasetImportJobArn) }, nil
	}
	for _, bc := range []struct {
		name string
		// call makes one call; after, when not nil, is untimed work to do
		// before the next.
		call func(e *env, c *sdk.Client, guarded bool, i int) (after func(), err error)
		// skipScan turns the import scan off, to tell its cost from the
		// posture checks'.
		skipScan bool
	}{
		{"CreateDatasetGroup", func(e *env, c *sdk.Client, guarded bool, i int) (func(), error) {
			in := &sdk.CreateDatasetGroupInput{Name: aws.String(fmt.Sprintf("g%t-%d", guarded, i)),
				Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}, {TagKey: aws.String("env"), TagValue: aws.String("prod")}}}
			if !guarded {
				in.KmsKeyArn, in.RoleArn = aws.String(e.scene.KeyARN), aws.String(e.scene.RoleARN)
			}
			_, err := c.CreateDatasetGroup(ctx, in)
			return nil, err
		}, false},
		{"CreateDatasetImportJob", importCall, false},
		{"CreateDatasetImportJob-InsecureSkipImportScan", importCall, true},
		{"CreateSchema-10KiB", func(e *env, c *sdk.Client, guarded bool, i int) (func(), error) {
			_, err := c.CreateSchema(ctx, &sdk.CreateSchemaInput{Name: aws.String(fmt.Sprintf("s%t-%d", guarded, i)), Schema: aws.String(schema)})
			return nil, err
		}, false},
	} {
		for _, bv := range []struct {
			name string
			bare func(aws.Config) aws.Config
		}{{"bare=steady", dataplanetest.Steady}, {"bare=onewrite", dataplanetest.OneWrite}} {
			b.Run(bc.name+"/"+bv.name, func(b *testing.B) {
				e := newEnv(b, personalize.Policy{KMSKeyARN: "keyed", Logger: discardLogger(), InsecureSkipImportScan: bc.skipScan}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
				ds, err := createDatasetAndSchema(ctx, e.client, "movies")
				if err != nil {
					b.Fatal(err)
				}
				for range 20 { // the emulator moves a resource on with each describe
					out, err := e.client.DescribeDataset(ctx, &sdk.DescribeDatasetInput{DatasetArn: aws.String(ds)})
					if err != nil {
						b.Fatal(err)
					}
					if aws.ToString(out.Dataset.Status) == "ACTIVE" {
						break
					}
				}
				// A steady bare client: one whose connections are not lost to
				// aws-sdk-go-v2#2737 (see dataplanetest.Steady), so the ratio is
				// the guard's cost, not the bare client's reconnects.
				bare := sdk.NewFromConfig(bv.bare(guardedConfig(e.srv)))
				interleave(b, func(guarded bool, i int) (func(), error) {
					if guarded {
						return bc.call(e, e.client, true, i)
					}
					return bc.call(e, bare, false, i)
				})
			})
		}
	}
}

// interleave times call's calls, bare (guarded false) and guarded, in turn,
// the order swapped every round, two rounds of each first to warm
// connections and caches, and reports each side's mean and median and
// their ratios. call makes one call; after, when not nil, is untimed work
// to do before the next.
func interleave(b *testing.B, call func(guarded bool, i int) (after func(), err error)) {
	run := func(guarded bool, i int) time.Duration {
		start := time.Now()
		after, err := call(guarded, i)
		d := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if after != nil {
			after()
		}
		return d
	}
	for i := range 2 {
		run(false, -1-i)
		run(true, -1-i)
	}
	var bareTime, guardedTime time.Duration
	var times dataplanetest.Timings
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		first, second := false, true
		if i%2 == 1 {
			first, second = true, false
		}
		for _, guarded := range []bool{first, second} {
			d := run(guarded, i)
			times.Add(guarded, d)
			if guarded {
				guardedTime += d
			} else {
				bareTime += d
			}
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(bareTime.Nanoseconds())/n, "bare-ns/call")
	b.ReportMetric(float64(guardedTime.Nanoseconds())/n, "guarded-ns/call")
	b.ReportMetric(float64(guardedTime)/float64(bareTime), "guarded/bare")
	times.Report(b)
}

// BenchmarkRealTrafficBareVsBare is BenchmarkRealTraffic's CreateDatasetGroup
// with two bare=steady clients, one on each side: the same code on two
// connections to the same server, timed as the guarded and the bare side
// are (its "guarded" side is the second bare client). How far its ratios
// land from 1 is what the benchmark itself can tell apart: a guarded/bare
// ratio inside that spread is no measured cost.
func BenchmarkRealTrafficBareVsBare(b *testing.B) {
	ctx := context.Background()
	e := newEnv(b, personalize.Policy{KMSKeyARN: "keyed", Logger: discardLogger()}, func(o *personalizetest.SceneOptions) { o.DatasetGroup = "movies" })
	clients := [2]*sdk.Client{sdk.NewFromConfig(dataplanetest.Steady(guardedConfig(e.srv))), sdk.NewFromConfig(dataplanetest.Steady(guardedConfig(e.srv)))}
	interleave(b, func(second bool, i int) (func(), error) {
		in := &sdk.CreateDatasetGroupInput{Name: aws.String(fmt.Sprintf("g%t-%d", second, i)), KmsKeyArn: aws.String(e.scene.KeyARN), RoleArn: aws.String(e.scene.RoleARN),
			Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("recs")}, {TagKey: aws.String("env"), TagValue: aws.String("prod")}}}
		c := clients[0]
		if second {
			c = clients[1]
		}
		_, err := c.CreateDatasetGroup(ctx, in)
		return nil, err
	})
}

// itemsSchema builds an Items schema of about n bytes, as real item-metadata
// schemas look: many fields with docs and defaults.
func itemsSchema(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"record","name":"Items","namespace":"com.amazonaws.personalize.schema","fields":[{"name":"ITEM_ID","type":"string"}`)
	for i := 0; b.Len() < n-40; i++ {
		fmt.Fprintf(&b, `,{"name":"ATTR_%d","type":["null","string"],"categorical":true,"doc":"catalogue attribute %d"}`, i, i)
	}
	b.WriteString(`],"version":"1.0"}`)
	return b.String()
}

// discardLogger audits into nothing: the benchmark pays for the audit
// event, as production does, without printing it.
func discardLogger() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

// settle describes an import job until it is done, outside any timing:
// the emulator moves a job on with each describe.
func settle(e *env, job *string) {
	for range 20 {
		out, err := e.client.DescribeDatasetImportJob(context.Background(), &sdk.DescribeDatasetImportJobInput{DatasetImportJobArn: job})
		if err != nil || aws.ToString(out.DatasetImportJob.Status) == "ACTIVE" {
			return
		}
	}
}
