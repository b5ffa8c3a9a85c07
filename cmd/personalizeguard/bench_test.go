package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/personalizeguard/personalizeguard/personalizetest"
	"github.com/personalizeguard/personalizeguard/s3guard"
)

const (
	benchObjects    = 8
	benchObjectSize = 4 << 20
)

// interactions returns about size bytes of a clean interactions CSV: signed
// 64-bit hashed user and item IDs, timestamps and event types.
func interactions(seed uint64, size int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	events := []string{"click", "view", "purchase", "add-to-cart"}
	b := make([]byte, 0, size+128)
	b = append(b, "USER_ID,ITEM_ID,TIMESTAMP,EVENT_TYPE\n"...)
	for len(b) < size {
		b = strconv.AppendInt(b, r.Int64()-r.Int64()/2, 10)
		b = append(b, ',')
		b = strconv.AppendUint(b, r.Uint64N(1e12), 10)
		b = append(b, ',')
		b = strconv.AppendInt(b, 1700000000+r.Int64N(1e7), 10)
		b = append(b, ',')
		b = append(b, events[r.IntN(len(events))]...)
		b = append(b, '\n')
	}
	return b
}

// BenchmarkScanObjects scans benchObjects objects of 4 MiB with one worker
// and with GOMAXPROCS, as scan -parallel does: from memory (the workers and
// datascan alone) and from personalizetest's S3 over TLS (listing, reads and
// the emulator, which shares the cores). MB/s over -parallel 1 is the
// scaling on the cores there are.
func BenchmarkScanObjects(b *testing.B) {
	bodies := make([][]byte, benchObjects)
	var total int64
	for i := range bodies {
		bodies[i] = interactions(uint64(i), benchObjectSize)
		total += int64(len(bodies[i]))
	}
	workers := []int{1}
	if n := runtime.GOMAXPROCS(0); n > 1 {
		workers = append(workers, n)
	}

	for _, w := range workers {
		b.Run(fmt.Sprintf("source=memory/workers=%d", w), func(b *testing.B) {
			targets := make([]target, len(bodies))
			for i, body := range bodies {
				targets[i] = target{name: fmt.Sprint("object-", i), size: int64(len(body)), source: -1,
					open: func(context.Context) (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }}
			}
			benchTargets(b, &command{stderr: io.Discard}, func() []target { return targets }, w, total)
		})
	}

	srv := personalizetest.New(b)
	ctx := context.Background()
	client := s3.NewFromConfig(srv.Config())
	bucket := "bench"
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		b.Fatal(err)
	}
	for i, body := range bodies {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(fmt.Sprintf("p/part-%d.csv", i)),
			Body: bytes.NewReader(body)}); err != nil {
			b.Fatal(err)
		}
	}
	c := &command{stderr: io.Discard, awsConfig: func(context.Context, string) (aws.Config, error) { return srv.Config(), nil }}
	sc, err := c.newS3Client(ctx)
	if err != nil {
		b.Fatal(err)
	}
	loc := s3guard.Location{Bucket: bucket, Key: "p/"}
	for _, w := range workers {
		b.Run(fmt.Sprintf("source=s3/workers=%d", w), func(b *testing.B) {
			// Each round lists again, as each run of the command does.
			list := func() []target {
				objs, err := listS3(ctx, sc, loc, 0, 0)
				if err != nil {
					b.Fatal(err)
				}
				targets := make([]target, len(objs))
				for i, o := range objs {
					targets[i] = target{name: o.key, size: o.size, source: 0,
						open: func(ctx context.Context) (io.ReadCloser, error) { return openS3(ctx, sc, bucket, o, defaultTimeout) }}
				}
				return targets
			}
			benchTargets(b, c, list, w, total)
		})
	}
}

func benchTargets(b *testing.B, c *command, targets func() []target, workers int, total int64) {
	b.SetBytes(total)
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		for _, r := range c.scanTargets(context.Background(), targets(), nil, workers) {
			if r.Error != "" || r.Report.Blocking() || !strings.HasPrefix(r.Report.Columns[0].Name, "USER_ID") {
				b.Fatalf("%s: %s (blocking: %v)", r.File, r.Error, r.Report != nil && r.Report.Blocking())
			}
		}
	}
	if cpu := cpuTime() - start; cpu > 0 {
		b.ReportMetric(float64(total)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
	}
}

// cpuTime is the process's user and system time: on a shared machine the
// wall clock measures the neighbours too, and MB/cpu-s staying put while
// workers are added says the scan itself scales.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
