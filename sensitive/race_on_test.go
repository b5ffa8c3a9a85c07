//go:build race

package sensitive

// raceEnabled shrinks the largest inputs under the race detector, which
// slows the scan tenfold; the 10 MiB run happens without it.
const raceEnabled = true
