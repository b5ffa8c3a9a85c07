package dataplanetest

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/personalizeguard/personalizeguard/internal/securetransport"
	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// Interleave runs bare and guarded alternately, each first on every other
// iteration, so drift on a shared machine hits both alike, and reports each
// side's mean time and allocations per call, their ratio, and the
// difference: what the guard adds to a call, and each side's median time
// (see Timings). Where the OS gives it, it also
// reports the difference in the calling thread's CPU time (guard-cpu-ns/call),
// which other processes on a shared machine do not inflate as they inflate
// wall time. ns/op and allocs/op cover one call of each.
func Interleave(b *testing.B, bare, guarded func() error) {
	b.Helper()
	for _, call := range []func() error{bare, guarded} { // warm connections and pools
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
	bareAllocs := testing.AllocsPerRun(20, func() { _ = bare() })
	guardedAllocs := testing.AllocsPerRun(20, func() { _ = guarded() })
	// Thread CPU time needs the calls on one thread.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var bareTime, guardedTime, bareCPU, guardedCPU time.Duration
	var times Timings
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		first, second, t1, t2, c1, c2 := bare, guarded, &bareTime, &guardedTime, &bareCPU, &guardedCPU
		if i%2 == 1 {
			first, second, t1, t2, c1, c2 = guarded, bare, &guardedTime, &bareTime, &guardedCPU, &bareCPU
		}
		start, cpu0 := time.Now(), threadCPU()
		if err := first(); err != nil {
			b.Fatal(err)
		}
		mid, cpu1 := time.Now(), threadCPU()
		if err := second(); err != nil {
			b.Fatal(err)
		}
		d1, d2 := mid.Sub(start), time.Since(mid)
		*t1 += d1
		*t2 += d2
		*c1 += cpu1 - cpu0
		*c2 += threadCPU() - cpu1
		times.Add(i%2 == 1, d1)
		times.Add(i%2 == 0, d2)
	}
	n := float64(b.N)
	b.ReportMetric(float64(bareTime.Nanoseconds())/n, "bare-ns/call")
	b.ReportMetric(float64(guardedTime.Nanoseconds())/n, "guarded-ns/call")
	b.ReportMetric(float64(guardedTime)/float64(bareTime), "guarded/bare")
	b.ReportMetric(float64((guardedTime-bareTime).Nanoseconds())/n, "guard-ns/call")
	if threadCPUMeasured {
		b.ReportMetric(float64(bareCPU.Nanoseconds())/n, "bare-cpu-ns/call")
		b.ReportMetric(float64((guardedCPU-bareCPU).Nanoseconds())/n, "guard-cpu-ns/call")
	}
	b.ReportMetric(bareAllocs, "bare-allocs/call")
	b.ReportMetric(guardedAllocs, "guarded-allocs/call")
	times.Report(b)
}

// OneSide runs bare and guarded apart, as sub-benchmarks "bare" and
// "guarded", for an instruction count of each side under callgrind: the
// difference of the two counts per call is the guard's own work, exact
// where Interleave's times are noisy. Collect only in the measured loop
// with --collect-atstart=no --toggle-collect='*oneSideLoop*'.
func OneSide(b *testing.B, bare, guarded func() error) {
	for _, side := range []struct {
		name string
		call func() error
	}{{"bare", bare}, {"guarded", guarded}} {
		b.Run(side.name, func(b *testing.B) {
			for range 8 { // warm pools and the guard's caches
				if err := side.call(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			oneSideLoop(b, side.call)
		})
	}
}

// oneSideLoop is OneSide's measured loop, a function of its own for
// callgrind's --toggle-collect.
//
//go:noinline
func oneSideLoop(b *testing.B, call func() error) {
	for b.Loop() {
		if err := call(); err != nil {
			b.Fatal(err)
		}
	}
}

// Timings holds each side's wall time per call, for the medians: a mean
// carries every GC pause, reconnect and burst of another process on a
// shared machine into the ratio, a median only what most calls took.
type Timings struct{ bare, guarded []time.Duration }

// Add records one call's time.
func (t *Timings) Add(guarded bool, d time.Duration) {
	if guarded {
		t.guarded = append(t.guarded, d)
	} else {
		t.bare = append(t.bare, d)
	}
}

// Report reports each side's median time per call (median-bare-ns/call,
// median-guarded-ns/call) and their ratio (median-guarded/bare).
func (t *Timings) Report(b *testing.B) {
	if len(t.bare) == 0 || len(t.guarded) == 0 {
		return
	}
	bare, guarded := median(t.bare), median(t.guarded)
	b.ReportMetric(float64(bare.Nanoseconds()), "median-bare-ns/call")
	b.ReportMetric(float64(guarded.Nanoseconds()), "median-guarded-ns/call")
	b.ReportMetric(float64(guarded)/float64(bare), "median-guarded/bare")
}

// median returns the median of ds, which it sorts.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	n := len(ds)
	if n%2 == 1 {
		return ds[n/2]
	}
	return (ds[n/2-1] + ds[n/2]) / 2
}

// Steady returns cfg with its HTTP client sending each request body without
// the body's WriteTo, as the guard's transport does
// (securetransport.ReadOnlyBody): a bare client so configured keeps its
// connections (aws/aws-sdk-go-v2#2737), and a guarded-vs-bare ratio against
// it is the guard's cost on a steady connection, not the bare client's
// reconnects.
func Steady(cfg aws.Config) aws.Config {
	cfg.HTTPClient = hideWriteTo{cfg.HTTPClient}
	return cfg
}

// EachBare runs bench as three sub-benchmarks, one per bare client, which
// bench builds from its config with bare: the SDK's as users have it
// ("bare=sdk"), one that keeps its connections ("bare=steady", see Steady),
// and one that also sends each request in one write, as the guard does
// ("bare=onewrite", see OneWrite).
func EachBare(b *testing.B, bench func(b *testing.B, bare func(aws.Config) aws.Config)) {
	for _, v := range []struct {
		name string
		bare func(aws.Config) aws.Config
	}{
		{"bare=sdk", func(cfg aws.Config) aws.Config { return cfg }},
		{"bare=steady", Steady},
		{"bare=onewrite", OneWrite},
	} {
		b.Run(v.name, func(b *testing.B) { bench(b, v.bare) })
	}
}

type hideWriteTo struct{ next aws.HTTPClient }

func (h hideWriteTo) Do(r *http.Request) (*http.Response, error) {
	return h.next.Do(securetransport.WithoutWriteTo(r))
}

// OneWrite returns cfg with its HTTP client sending each request as the
// guard's wire gate does: the body, read into memory, behind io.NopCloser
// around a *bytes.Reader, which net/http writes with the request's headers
// in one write (the SDK's own body, which it cannot see into, goes after
// the headers, flushed on their own) and which cannot fail after a close
// (Steady). Against such a client, a guarded-vs-bare ratio is the guard's
// own work alone, without what its way of sending saves.
func OneWrite(cfg aws.Config) aws.Config {
	cfg.HTTPClient = oneWrite{cfg.HTTPClient}
	return cfg
}

type oneWrite struct{ next aws.HTTPClient }

func (o oneWrite) Do(r *http.Request) (*http.Response, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return o.next.Do(r)
	}
	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	sent := *r
	sent.Body = io.NopCloser(bytes.NewReader(body))
	return o.next.Do(&sent)
}

// BenchConfig is the Server's config as a user's would be: three attempts
// per call, as the SDK's default retryer has, and without the Server's
// middleware that hides request bodies' WriteTo
// (personalizetest.IDStreamWithoutWriteTo), so that a bare client built from
// it is the SDK's as users have it, losing a connection now and then
// (aws/aws-sdk-go-v2#2737; see Steady for one that does not).
func BenchConfig(s *personalizetest.Server) aws.Config {
	cfg := s.Config()
	cfg.RetryMaxAttempts = 3
	cfg.APIOptions = nil
	return cfg
}

// InstantConfig is a config whose HTTP client answers every request at
// once with status 200, body and a TLS 1.3 connection state, without a
// network: the calls then cost only the SDK's work and the guard's. A
// guard accepts its HTTP client only with
// Policy.InsecureAllowUnverifiableHTTPClient.
func InstantConfig(body string) aws.Config {
	return aws.Config{
		Region:       personalizetest.Region,
		Credentials:  credentials.NewStaticCredentialsProvider(personalizetest.AccessKeyID, personalizetest.SecretAccessKey, ""),
		BaseEndpoint: aws.String("https://personalize.example"),
		HTTPClient: instant(func(r *http.Request) (*http.Response, error) {
			if r.Body != nil {
				_, _ = io.Copy(io.Discard, r.Body)
			}
			return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
				Body: io.NopCloser(strings.NewReader(body)), TLS: &tls.ConnectionState{Version: tls.VersionTLS13}}, nil
		}),
		RetryMaxAttempts: 1,
	}
}

type instant func(*http.Request) (*http.Response, error)

func (f instant) Do(r *http.Request) (*http.Response, error) { return f(r) }

// UserSTS answers GetCallerIdentity for every caller as the IAM user
// personalizetest.UserARN, without a network: the Policy.STSClient of a
// guard whose config reaches no STS (InstantConfig, a test server that
// speaks only Personalize).
type UserSTS struct{}

func (UserSTS) GetCallerIdentity(context.Context, *sts.GetCallerIdentityInput, ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{Arn: aws.String(personalizetest.UserARN), Account: aws.String(personalizetest.AccountID),
		UserId: aws.String("AIDAPERSONALIZETEST00")}, nil
}
