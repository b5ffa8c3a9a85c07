package datascan

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"
)

const benchSize = 64 << 20

func benchScan(b *testing.B, size int64, src func(seed uint64, size int64) *synth, optFns ...func(*Options)) {
	in := src(1, size)
	b.SetBytes(size)
	b.ReportAllocs()
	defer cpuThroughput(b, size)()
	for b.Loop() {
		if _, err := Scan(context.Background(), in.again(), optFns...); err != nil {
			b.Fatal(err)
		}
	}
}

// cpuThroughput reports MB per CPU-second (user and system time of the whole
// process, the garbage collector included) besides the wall-clock MB/s: on a
// shared, loaded machine the wall clock measures the neighbours too.
func cpuThroughput(b *testing.B, size int64) func() {
	start := cpuTime()
	return func() {
		if cpu := cpuTime() - start; cpu > 0 {
			b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
		}
	}
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkScanInteractions scans an interactions CSV of hashed IDs,
// timestamps and event types: the bulk of what Personalize imports.
func BenchmarkScanInteractions(b *testing.B) { benchScan(b, benchSize, newInteractions) }

// BenchmarkScanItems scans item metadata whose quoted descriptions are most
// of the bytes, declared textual by the schema.
func BenchmarkScanItems(b *testing.B) {
	schema, err := ParseSchema([]byte(itemSchema))
	if err != nil {
		b.Fatal(err)
	}
	benchScan(b, benchSize, newItems, func(o *Options) { o.Schema = schema })
}

// BenchmarkScanMemory scans inputs from 1 MiB to 1 GiB: B/op and the
// reported peak heap must not grow with the input. The gigabyte runs only
// without -short.
func BenchmarkScanMemory(b *testing.B) {
	for _, size := range []int64{1 << 20, 16 << 20, 256 << 20, 1 << 30} {
		b.Run(fmt.Sprintf("%dMiB", size>>20), func(b *testing.B) {
			if testing.Short() && size > 16<<20 {
				b.Skip("-short")
			}
			benchScan(b, size, newInteractions)
		})
	}
}

// BenchmarkScanParallel scans several inputs at once, one goroutine each,
// as the command does with several files. Compare -cpu 1,2: scanners share
// only the immutable detector, so MB/cpu-s stays the same and MB/s grows
// with the cores that are free.
func BenchmarkScanParallel(b *testing.B) {
	b.SetBytes(benchSize)
	b.ReportAllocs()
	inputs := make(chan *synth, runtime.GOMAXPROCS(0))
	for i := range cap(inputs) {
		inputs <- newInteractions(uint64(i), benchSize)
	}
	b.ResetTimer()
	defer cpuThroughput(b, benchSize)()
	b.RunParallel(func(pb *testing.PB) {
		in := <-inputs
		for pb.Next() {
			if _, err := Scan(context.Background(), in.again()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkSynth is the cost of reading the made-up input, included in the
// other figures (the block of rows is made once, outside the loop).
func BenchmarkSynth(b *testing.B) {
	in := newInteractions(1, benchSize)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	buf := make([]byte, readBufSize)
	for b.Loop() {
		if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{in.again()}, buf); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRewrite pseudonymises the USER_ID column of an interactions CSV.
// With users drawn at random from 50,000 nearly every row costs an HMAC; with
// each user's events together the pseudonym cache answers most of them.
// workers=1 makes the pseudonyms on the reading goroutine, workers=GOMAXPROCS
// (the default) beside it.
func BenchmarkRewrite(b *testing.B) {
	p := testPseudonymizer(b)
	workers := []int{1}
	if n := runtime.GOMAXPROCS(0); n > 1 {
		workers = append(workers, n)
	}
	for _, bm := range []struct {
		name string
		in   *synth
	}{
		{"users=random", newInteractions(1, benchSize)},
		{"users=grouped", newGroupedInteractions(1, benchSize)},
	} {
		for _, n := range workers {
			b.Run(fmt.Sprintf("%s/workers=%d", bm.name, n), func(b *testing.B) {
				b.SetBytes(benchSize)
				b.ReportAllocs()
				defer cpuThroughput(b, benchSize)()
				runtime.LockOSThread()
				defer runtime.UnlockOSThread()
				start := threadCPU()
				for b.Loop() {
					if _, err := Rewrite(context.Background(), io.Discard, bm.in.again(), p, func(o *Options) { o.Workers = n }); err != nil {
						b.Fatal(err)
					}
				}
				if cpu := threadCPU() - start; cpu > 0 {
					// The reading goroutine's pace: the most the rewrite
					// can do with a core free for the pseudonyms.
					b.ReportMetric(float64(benchSize)*float64(b.N)/1e6/cpu.Seconds(), "MB/reader-cpu-s")
				}
			})
		}
	}
}

// BenchmarkCSVReader is the reader alone, without detection: the floor
// under every scan.
func BenchmarkCSVReader(b *testing.B) {
	in := newInteractions(1, benchSize)
	b.SetBytes(benchSize)
	b.ReportAllocs()
	defer cpuThroughput(b, benchSize)()
	for b.Loop() {
		r := newCSVReader(in.again(), 1<<20)
		for {
			err := r.read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkScanFloatColumns scans interactions whose numbers a data frame
// with gaps wrote as floats: TIMESTAMP 1700000123.0 and a REVENUE of six
// integer digits and cents, each read also as the integer Personalize
// stores (see scanner.numberForms).
func BenchmarkScanFloatColumns(b *testing.B) {
	schema := &Schema{Fields: []Field{{"USER_ID", RoleUser}, {"ITEM_ID", RoleItem}, {"TIMESTAMP", RoleTimestamp}, {"REVENUE", RoleNumeric}}}
	benchScan(b, benchSize, newFloatInteractions, func(o *Options) { o.Schema = schema })
}

func newFloatInteractions(seed uint64, size int64) *synth {
	return newSynth("USER_ID,ITEM_ID,TIMESTAMP,REVENUE\n", func(dst []byte, i int, st *uint64) []byte {
		r := splitmix64(st)
		dst = strconv.AppendInt(dst, int64(r%50000), 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, int64(splitmix64(st)%100000), 10)
		dst = append(dst, ',')
		dst = strconv.AppendInt(dst, 1700000000+int64(i), 10)
		dst = append(dst, ".0,"...)
		dst = strconv.AppendFloat(dst, 100000+float64(r%90000000)/100, 'f', 2, 64)
		return append(dst, '\n')
	}, seed, size)
}
