//go:build race

package datascan

// raceEnabled: the race detector makes sync.Pool drop items at random, so the
// pseudonymizer's pooled HMAC states allocate and allocation checks that go
// through it do not hold.
const raceEnabled = true
