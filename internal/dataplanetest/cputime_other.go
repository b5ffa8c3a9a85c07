//go:build !linux

package dataplanetest

import "time"

func threadCPU() time.Duration { return 0 }

const threadCPUMeasured = false
