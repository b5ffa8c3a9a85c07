package sensitive

import (
	"strconv"
	"testing"
)

// splitmix64 is the seeded hash that stands in for the one a data pipeline
// uses to turn user and item keys into signed 64-bit IDs, as in the AWS
// sample Personalize datasets' USER_ID and ITEM_ID columns.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// hashedIDs returns n signed 64-bit IDs in decimal: 18 to 20 characters,
// half of them with a leading '-'.
func hashedIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.FormatInt(int64(splitmix64(uint64(i)+0x5eed)), 10)
	}
	return ids
}

// TestHashedIDs measures how often hashed numeric IDs are flagged, alone and
// in the CSV and JSON rows that carry them: at most one in a thousand.
func TestHashedIDs(t *testing.T) {
	const n = 100_000
	const maxRate = 0.001
	ids := hashedIDs(n)
	d := Default()
	shapes := []struct {
		name string
		row  func(id, other string) string
	}{
		{"bare", func(id, _ string) string { return id }},
		{"csv", func(id, other string) string { return id + "," + other + ",1732800000,click" }},
		{"json", func(id, other string) string { return `{"USER_ID": ` + id + `, "ITEM_ID": "` + other + `"}` }},
		{"name", func(id, _ string) string { return "user-" + id }},
	}
	for _, sh := range shapes {
		flagged := 0
		for i, id := range ids {
			if d.Contains(sh.row(id, ids[(i+1)%n])) {
				flagged++
			}
		}
		rate := float64(flagged) / n
		t.Logf("hashed IDs, %s: %d of %d flagged (%.4f%%)", sh.name, flagged, n, 100*rate)
		if rate > maxRate {
			t.Errorf("hashed IDs, %s: %.4f%% flagged, want at most %.2f%%", sh.name, 100*rate, 100*maxRate)
		}
	}
}
