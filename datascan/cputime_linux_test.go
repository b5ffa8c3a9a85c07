package datascan

import (
	"syscall"
	"time"
	"unsafe"
)

// threadCPU is the CPU time of the calling thread; the caller locks its
// goroutine to it. Rewrite reads on the calling goroutine and pseudonymises
// on others, so the reader's own time bounds its pace when cores are free,
// whatever else the machine runs.
func threadCPU() time.Duration {
	const clockThreadCPUTimeID = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, errno := syscall.Syscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTimeID, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0
	}
	return time.Duration(ts.Nano())
}
