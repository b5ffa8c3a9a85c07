//go:build !linux

package datascan

import "time"

func threadCPU() time.Duration { return 0 }
