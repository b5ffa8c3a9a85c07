package personalizetest_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

// TestKMSPerServer: two Servers in one process have their own keys, and a
// ciphertext of one does not decrypt on the other.
func TestKMSPerServer(t *testing.T) {
	ctx := context.Background()
	a, b := personalizetest.New(t), personalizetest.New(t)
	ka, kb := kms.NewFromConfig(a.Config()), kms.NewFromConfig(b.Config())
	key, err := ka.CreateKey(ctx, &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	enc, err := ka.Encrypt(ctx, &kms.EncryptInput{KeyId: key.KeyMetadata.Arn, Plaintext: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	var notFound *types.NotFoundException
	if _, err := kb.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: key.KeyMetadata.Arn}); !errors.As(err, &notFound) {
		t.Errorf("DescribeKey of the other Server's key = %v, want *types.NotFoundException", err)
	}
	var invalid *types.InvalidCiphertextException
	if _, err := kb.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob}); !errors.As(err, &invalid) {
		t.Errorf("Decrypt of the other Server's ciphertext = %v, want *types.InvalidCiphertextException", err)
	}
	if out, err := ka.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob}); err != nil || string(out.Plaintext) != "x" {
		t.Errorf("Decrypt on its own Server = %v; want the plaintext", err)
	}
	list, err := kb.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil || len(list.Keys) != 0 {
		t.Errorf("ListKeys on a fresh Server = %v, %v; want no keys", list, err)
	}
}
