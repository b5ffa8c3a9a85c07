//go:build !race

package personalize_test

import (
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/personalize"
)

// TestRed26aMemoBufferFlipping: a tag value built with unsafe over a buffer
// that another goroutine rewrites without pause, between a clean text and
// a card number of the same length, while two goroutines make calls with
// it: the memo's comparison, the Initialize check's copy, the serializer
// and the wire gate each read the bytes at another moment (a torn read of
// the caller's own, which no lock of the guard's can prevent). Whatever a
// call sends must be what the wire gate checked: the card number never
// reaches the endpoint, and every call is sent or refused by the guard.
// Not under -race: the caller's race on its buffer is the test.
func TestRed26aMemoBufferFlipping(t *testing.T) {
	const clean, card = "abcdefghijklmnop", "4111111111111111"
	e := newEnv(t, personalize.Policy{KMSKeyARN: "keyed"})
	buf := []byte(clean)
	value := unsafe.String(&buf[0], len(buf))
	var stop atomic.Bool
	flipped := make(chan struct{})
	go func() {
		defer close(flipped)
		for !stop.Load() {
			copy(buf, card)
			copy(buf, clean)
		}
	}()
	var sent, refused atomic.Int64
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 150 {
				_, err := e.client.CreateDatasetGroup(t.Context(), &sdk.CreateDatasetGroupInput{Name: aws.String("g" + string(rune('a'+w)) + string(rune('a'+i%26))),
					Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String(value)}}})
				var sg *personalize.SafeguardError
				switch {
				case err == nil:
					sent.Add(1)
				case errors.As(err, &sg):
					refused.Add(1)
				default:
					// The emulator may refuse a repeated name; that is no
					// leak, the request was checked and sent.
					sent.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	stop.Store(true)
	<-flipped
	if e.srv.Seen(card) {
		t.Errorf("the card number reached the endpoint (%d calls sent, %d refused)", sent.Load(), refused.Load())
	}
	t.Logf("%d calls sent, %d refused", sent.Load(), refused.Load())
}
