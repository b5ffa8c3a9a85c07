package personalize

import (
	"testing"
	"unsafe"

	"github.com/google/go-cmp/cmp"
)

// TestNodeHotFieldsShareALine holds node's layout to what the walks
// were measured with: the fields read per member end within the first 64
// bytes, and the node is a multiple of 64 bytes (256 now, an allocator
// size class of its own, whose objects start on a cache line), so that a
// node's first line holds them all.
// A field added among them, or one that grows the node off a multiple of
// 64, fails here rather than as a slower walk nobody notices.
func TestNodeHotFieldsShareALine(t *testing.T) {
	var n node
	ends := map[string]uintptr{
		"kind":       unsafe.Offsetof(n.kind) + unsafe.Sizeof(n.kind),
		"rule":       unsafe.Offsetof(n.rule) + unsafe.Sizeof(n.rule),
		"bound":      unsafe.Offsetof(n.bound) + unsafe.Sizeof(n.bound),
		"keyHolder":  unsafe.Offsetof(n.keyHolder) + unsafe.Sizeof(n.keyHolder),
		"roleHolder": unsafe.Offsetof(n.roleHolder) + unsafe.Sizeof(n.roleHolder),
		"pos":        unsafe.Offsetof(n.pos) + unsafe.Sizeof(n.pos),
		"shape":      unsafe.Offsetof(n.shape) + unsafe.Sizeof(n.shape),
		"name":       unsafe.Offsetof(n.name) + unsafe.Sizeof(n.name),
		"enum":       unsafe.Offsetof(n.enum) + unsafe.Sizeof(n.enum),
	}
	over := map[string]uintptr{}
	for f, end := range ends {
		if end > 64 {
			over[f] = end
		}
	}
	if diff := cmp.Diff(map[string]uintptr{}, over); diff != "" {
		t.Errorf("hot fields ending past byte 64 (-want +got):\n%s", diff)
	}
	if size := unsafe.Sizeof(n); size%64 != 0 {
		t.Errorf("node is %d bytes, not a multiple of 64", size)
	}
}
