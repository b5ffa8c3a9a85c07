package main

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/personalizeguard/personalizeguard/datascan"
)

// progress draws one line on a terminal: bytes, rows, throughput and the
// time left, over every file being read. It draws nothing when stderr is
// not a terminal, so logs and CI output stay clean.
type progress struct {
	w     io.Writer
	mu    sync.Mutex
	total int64 // bytes in all inputs; 0 if unknown
	bytes []int64
	rows  []int64
	start time.Time
	last  time.Time
	drawn bool
}

const progressInterval = 250 * time.Millisecond

// newProgress returns nil when no line is to be drawn; a nil *progress
// ignores updates.
// sizes are the inputs' sizes, 0 where unknown: the files' from stat, the
// objects' from the listing.
func (c *command) newProgress(sizes []int64) *progress {
	if !c.progress {
		return nil
	}
	p := &progress{w: c.stderr, bytes: make([]int64, len(sizes)), rows: make([]int64, len(sizes)), start: time.Now()}
	for _, n := range sizes {
		p.total += n
	}
	return p
}

func (p *progress) update(i int, d datascan.Progress) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.bytes[i], p.rows[i] = d.Bytes, d.Rows
	now := time.Now()
	if now.Sub(p.last) < progressInterval {
		return
	}
	p.last, p.drawn = now, true
	var bytes, rows int64
	for j := range p.bytes {
		bytes += p.bytes[j]
		rows += p.rows[j]
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", progressLine(bytes, p.total, rows, now.Sub(p.start)))
}

// done clears the line.
func (p *progress) done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// progressLine is "1.2 GB of 4.0 GB (30%), 21,000,000 rows, 310 MB/s, 9s left".
func progressLine(bytes, total, rows int64, elapsed time.Duration) string {
	s := size(bytes)
	if total > 0 {
		s += fmt.Sprintf(" of %s (%d%%)", size(total), bytes*100/total)
	}
	s += fmt.Sprintf(", %s rows", thousands(rows))
	if sec := elapsed.Seconds(); sec > 0 {
		rate := float64(bytes) / sec
		s += fmt.Sprintf(", %s/s", size(int64(rate)))
		if total > bytes && rate > 0 {
			left := time.Duration(float64(total-bytes) / rate * float64(time.Second))
			s += fmt.Sprintf(", %s left", left.Round(time.Second))
		}
	}
	return s
}

func size(n int64) string {
	switch {
	case n >= 1e9:
		return fmt.Sprintf("%.1f GB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB", float64(n)/1e6)
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

func thousands(n int64) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
