//go:build race

package pseudonym_test

// raceEnabled skips the allocation counts: under the race detector sync.Pool
// drops items at random, so every call may allocate a new HMAC state.
const raceEnabled = true
