package personalize

import (
	"strings"
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// TestRed26aPolicyListsCopied: 4d3f804 copies the key and role, but the
// lists Policy.validate keeps (slices.Clone) still held the caller's
// strings: a caller that builds an allowed bucket, key or ignored finding
// over a buffer it rewrites after New changed what the guard allows,
// without validation (an invalid bucket name passed as allowed), racing
// with calls. The guard keeps copies of the strings too.
func TestRed26aPolicyListsCopied(t *testing.T) {
	bucket, key, finding := []byte("allowed-output"), []byte(testKeyARN), []byte("kms.key-rotation-disabled")
	str := func(b []byte) string { return unsafe.String(&b[0], len(b)) }
	g := testGuard(t, Policy{KMSKeyARN: testKeyARN, RoleARN: testRoleARN,
		AllowedOutputBuckets: []string{str(bucket)}, AllowedKMSKeyARNs: []string{str(key)}, InsecureIgnoreFindings: []string{str(finding)}})
	copy(bucket, "Evil_Bucket!..")
	copy(key, strings.Repeat("x", len(key)))
	copy(finding, strings.Repeat("y", len(finding)))
	want := []string{"allowed-output", testKeyARN, "kms.key-rotation-disabled"}
	if diff := cmp.Diff(want, []string{g.s.AllowedOutputBuckets[0], g.s.AllowedKMSKeyARNs[0], g.s.InsecureIgnoreFindings[0]}); diff != "" {
		t.Errorf("the guard's lists after the caller rewrote its buffers (-want +got):\n%s", diff)
	}
}
