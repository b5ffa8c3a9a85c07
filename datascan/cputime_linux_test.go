package datascan

import (
	"syscall"
	"time"
)

// threadCPU is the CPU time of the calling thread; the caller locks its
// goroutine to it. Rewrite reads on the calling goroutine and pseudonymises
// on others, so the reader's own time bounds its pace when cores are free,
// whatever else the machine runs.
func threadCPU() time.Duration {
	// RUSAGE_THREAD: getrusage takes it as it is, where clock_gettime
	// would need a pointer made with package unsafe.
	const rusageThread = 1
	var ru syscall.Rusage
	if syscall.Getrusage(rusageThread, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
