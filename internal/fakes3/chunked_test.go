package fakes3

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodeAWSChunked(t *testing.T) {
	tests := []struct {
		reason       string
		in           string
		want         string
		wantTrailers http.Header
		wantErr      bool
	}{
		{reason: "one chunk and a trailer", in: "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n", want: "hello",
			wantTrailers: http.Header{"X-Amz-Checksum-Crc32": {"NhCmhg=="}}},
		{reason: "signed chunks carry extensions", in: "3;chunk-signature=ab\r\nhel\r\n2;chunk-signature=cd\r\nlo\r\n0;chunk-signature=ef\r\n\r\n", want: "hello", wantTrailers: http.Header{}},
		{reason: "empty body", in: "0\r\n\r\n", want: "", wantTrailers: http.Header{}},
		{reason: "no final empty line", in: "1\r\nx\r\n0\r\n", want: "x", wantTrailers: http.Header{}},
		{reason: "size not hex", in: "zz\r\nhello\r\n0\r\n\r\n", wantErr: true},
		{reason: "chunk shorter than its size", in: "9\r\nhello\r\n", wantErr: true},
		{reason: "missing CRLF after data", in: "5\r\nhelloX0\r\n\r\n", wantErr: true},
		{reason: "size larger than the body", in: "ffffff\r\nhello\r\n", wantErr: true},
		{reason: "no zero chunk", in: "5\r\nhello\r\n", wantErr: true},
		{reason: "trailer without colon", in: "0\r\nbroken\r\n\r\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			got, trailers, err := decodeAWSChunked([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("decodeAWSChunked(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if diff := cmp.Diff(tt.want, string(got)); diff != "" {
				t.Errorf("decodeAWSChunked(%q) data mismatch (-want +got):\n%s", tt.in, diff)
			}
			if diff := cmp.Diff(tt.wantTrailers, trailers); diff != "" {
				t.Errorf("decodeAWSChunked(%q) trailers mismatch (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestVerifyChecksums(t *testing.T) {
	tests := []struct {
		reason  string
		hdr     http.Header
		wantBad string
	}{
		{"no checksum", http.Header{}, ""},
		{"crc32", http.Header{"X-Amz-Checksum-Crc32": {"NhCmhg=="}}, ""},
		{"crc32c", http.Header{"X-Amz-Checksum-Crc32c": {"mnG7TA=="}}, ""},
		{"sha256", http.Header{"X-Amz-Checksum-Sha256": {"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="}}, ""},
		{"crc64nvme is not verified", http.Header{"X-Amz-Checksum-Crc64nvme": {"anything"}}, ""},
		{"wrong crc32", http.Header{"X-Amz-Checksum-Crc32": {"AAAAAA=="}}, "X-Amz-Checksum-Crc32"},
	}
	for _, tt := range tests {
		bad, ok := verifyChecksums(tt.hdr, []byte("hello"))
		if bad != tt.wantBad || ok != (tt.wantBad == "") {
			t.Errorf("%s: verifyChecksums() = %q, %v; want %q", tt.reason, bad, ok, tt.wantBad)
		}
	}
}

func FuzzDecodeAWSChunked(f *testing.F) {
	for _, seed := range []string{
		"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n",
		"3;chunk-signature=ab\r\nhel\r\n0\r\n\r\n",
		"0\r\n\r\n", "", "\r\n", "-1\r\n", "7fffffffffffffff\r\n",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		data, trailers, err := decodeAWSChunked(in)
		data2, _, err2 := decodeAWSChunked(in)
		if (err == nil) != (err2 == nil) || !bytes.Equal(data, data2) {
			t.Fatalf("decodeAWSChunked(%q) is not deterministic", in)
		}
		if err != nil {
			if data != nil || trailers != nil {
				t.Fatalf("decodeAWSChunked(%q) returned data with an error", in)
			}
			return
		}
		if len(data) > len(in) {
			t.Fatalf("decodeAWSChunked(%q) produced %d bytes from %d", in, len(data), len(in))
		}
	})
}
