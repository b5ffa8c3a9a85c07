package fakekms

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
)

// BenchmarkEncryptDecrypt is one Encrypt and one Decrypt of 4 KiB (KMS's
// largest plaintext) with an encryption context, through the request
// decoding and response encoding but without HTTP: the emulator's own cost.
func BenchmarkEncryptDecrypt(b *testing.B) {
	s := newTestServer(b)
	out, e := s.serve("CreateKey", nil)
	if e != nil {
		b.Fatal(e)
	}
	arn := out.(map[string]any)["KeyMetadata"].(keyMetadata).Arn
	plaintext := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", maxPlaintext)))
	encReq := []byte(`{"KeyId":"` + arn + `","Plaintext":"` + plaintext + `","EncryptionContext":{"dataset":"movies"}}`)
	b.SetBytes(maxPlaintext)
	b.ReportAllocs()
	for b.Loop() {
		enc, e := s.serve("Encrypt", encReq)
		if e != nil {
			b.Fatal(e)
		}
		blob, _ := json.Marshal(enc.(map[string]any)["CiphertextBlob"])
		dec, e := s.serve("Decrypt", []byte(`{"CiphertextBlob":`+string(blob)+`,"EncryptionContext":{"dataset":"movies"}}`))
		if e != nil {
			b.Fatal(e)
		}
		if len(dec.(map[string]any)["Plaintext"].([]byte)) != maxPlaintext {
			b.Fatal("wrong plaintext length")
		}
	}
}

// BenchmarkListGrants lists one page of 100 grants, what the key check asks
// for on a busy key.
func BenchmarkListGrants(b *testing.B) {
	s := newTestServer(b)
	out, e := s.serve("CreateKey", nil)
	if e != nil {
		b.Fatal(e)
	}
	arn := out.(map[string]any)["KeyMetadata"].(keyMetadata).Arn
	for range 100 {
		if _, e := s.serve("CreateGrant", []byte(`{"KeyId":"`+arn+`","GranteePrincipal":"personalize.amazonaws.com","Operations":["Decrypt","GenerateDataKey"]}`)); e != nil {
			b.Fatal(e)
		}
	}
	req := []byte(`{"KeyId":"` + arn + `","Limit":100}`)
	b.ReportAllocs()
	for b.Loop() {
		if _, e := s.serve("ListGrants", req); e != nil {
			b.Fatal(e)
		}
	}
}
