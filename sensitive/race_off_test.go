//go:build !race

package sensitive

const raceEnabled = false
