package personalize

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// sceneGuard starts the emulated AWS with a protected scene and returns a
// fresh guard on it per call, so each benchmark iteration starts cold. The
// import scan is off: these benchmarks count the posture checks' AWS calls,
// and the scan, which reads the dataset's schema, needs a dataset the scene
// does not make (BenchmarkRealTraffic measures imports with it).
func sceneGuard(b *testing.B) (*personalizetest.Server, personalizetest.Scene, func() *Guard) {
	b.Helper()
	srv := personalizetest.New(b)
	scene, err := srv.SeedScene(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return srv, scene, func() *Guard {
		g, err := NewGuard(srv.Config(), Policy{KMSKeyARN: scene.KeyARN, RoleARN: scene.RoleARN, InsecureSkipImportScan: true, InsecureNoAuditLog: true})
		if err != nil {
			b.Fatal(err)
		}
		return g
	}
}

func terminal() middleware.InitializeHandler {
	return middleware.InitializeHandlerFunc(func(context.Context, middleware.InitializeInput) (middleware.InitializeOutput, middleware.Metadata, error) {
		return middleware.InitializeOutput{}, middleware.Metadata{}, nil
	})
}

// countCalls returns how many requests for op the emulator received.
func countCalls(srv *personalizetest.Server, op string) int {
	n := 0
	for _, r := range srv.Requests() {
		if r.Operation == op {
			n++
		}
	}
	return n
}

// BenchmarkConcurrentFirstCalls: N callers at once against a cold guard, as
// after a deploy. Each check must cost one round of AWS calls, shared by all:
// kms-rounds/op counts DescribeKey calls for N CreateDatasetGroup readiness
// checks, s3-rounds/op counts GetBucketPolicy calls for N import posture
// checks on one bucket.
func BenchmarkConcurrentFirstCalls(b *testing.B) {
	srv, scene, newGuard := sceneGuard(b)
	ctx := middleware.WithOperationName(context.Background(), "CreateDatasetGroup")
	importCtx := middleware.WithOperationName(context.Background(), "CreateDatasetImportJob")
	for _, bc := range []struct {
		name, metric, op string
		n                int
		run              func(g *Guard, i int) error
	}{
		{"CreateDatasetGroup-x100", "kms-rounds/op", "DescribeKey", 100, func(g *Guard, i int) error {
			in := &sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(scene.KeyARN), RoleArn: aws.String(scene.RoleARN)}
			_, _, err := g.stepByID(IDKeyReadiness).HandleInitialize(ctx, middleware.InitializeInput{Parameters: in}, terminal())
			return err
		}},
		{"CreateDatasetImportJob-x1000", "s3-rounds/op", "GetBucketPolicy", 1000, func(g *Guard, i int) error {
			in := &sdk.CreateDatasetImportJobInput{DataSource: &types.DataSource{DataLocation: aws.String(scene.DataLocation)}, RoleArn: aws.String(scene.RoleARN),
				DatasetArn: aws.String("arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":dataset/movies/INTERACTIONS")}
			_, _, err := chainInitialize(terminal(), g.stepByID(IDS3Location), g.stepByID(IDBucketPosture)).HandleInitialize(importCtx, middleware.InitializeInput{Parameters: in})
			return err
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv.ResetRequests()
			for b.Loop() {
				g := newGuard()
				var wg sync.WaitGroup
				errs := make(chan error, bc.n)
				for i := range bc.n {
					wg.Add(1)
					go func() {
						defer wg.Done()
						if err := bc.run(g, i); err != nil {
							errs <- err
						}
					}()
				}
				wg.Wait()
				close(errs)
				for err := range errs {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(countCalls(srv, bc.op))/float64(b.N), bc.metric)
		})
	}
}

// BenchmarkPostureCached is the hot path once the checks are cached: the
// guard's S3 location parsing and network checks for an import (bucket
// posture, source objects) and for a dataset group (key readiness) cost no
// AWS call and little time.
func BenchmarkPostureCached(b *testing.B) {
	srv, scene, newGuard := sceneGuard(b)
	for _, bc := range []struct {
		name string
		op   string
		h    func(*Guard) middleware.InitializeHandler
		in   any
	}{
		{"import-bucket-and-objects", "CreateDatasetImportJob",
			func(g *Guard) middleware.InitializeHandler {
				return chainInitialize(terminal(), g.stepByID(IDS3Location), g.stepByID(IDBucketPosture))
			},
			&sdk.CreateDatasetImportJobInput{DataSource: &types.DataSource{DataLocation: aws.String(scene.DataLocation)}, RoleArn: aws.String(scene.RoleARN),
				DatasetArn: aws.String("arn:aws:personalize:" + personalizetest.Region + ":" + personalizetest.AccountID + ":dataset/movies/INTERACTIONS")}},
		{"dataset-group-key", "CreateDatasetGroup",
			func(g *Guard) middleware.InitializeHandler {
				return chainInitialize(terminal(), g.stepByID(IDKeyReadiness))
			},
			&sdk.CreateDatasetGroupInput{Name: aws.String("movies"), KmsKeyArn: aws.String(scene.KeyARN), RoleArn: aws.String(scene.RoleARN)}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			// A guard of its own, so that every repetition (-count N)
			// warms its cache with the first call, as the check below
			// expects.
			h := bc.h(newGuard())
			ctx := middleware.WithOperationName(context.Background(), bc.op)
			srv.ResetRequests()
			if _, _, err := h.HandleInitialize(ctx, middleware.InitializeInput{Parameters: bc.in}); err != nil {
				b.Fatal(err)
			}
			if len(srv.Requests()) == 0 {
				b.Fatal("the first call made no AWS call: the check did not run")
			}
			srv.ResetRequests()
			b.ReportAllocs()
			for b.Loop() {
				if _, _, err := h.HandleInitialize(ctx, middleware.InitializeInput{Parameters: bc.in}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(len(srv.Requests()))/float64(b.N), "aws-calls/op")
		})
	}
}
