package fakes3

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
)

var errChunkFraming = errors.New("malformed aws-chunked body")

// isAWSChunked reports whether a request body uses the aws-chunked framing
// (the SDK's streaming and trailing-checksum uploads).
func isAWSChunked(h http.Header) bool {
	return strings.HasPrefix(h.Get("X-Amz-Content-Sha256"), "STREAMING-") ||
		strings.Contains(h.Get("Content-Encoding"), "aws-chunked")
}

// decodeAWSChunked removes the aws-chunked framing: "<hex size>[;ext]\r\n
// <data>\r\n" repeated, a zero-size chunk, then optional trailer lines
// "name:value\r\n" and an empty line. Chunk signatures are not verified.
func decodeAWSChunked(body []byte) (data []byte, trailers http.Header, err error) {
	rd := bufio.NewReader(bytes.NewReader(body))
	var out bytes.Buffer
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return nil, nil, errChunkFraming
		}
		sizeText, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeText), 16, 64)
		if err != nil || size < 0 || size > int64(len(body)) {
			return nil, nil, errChunkFraming
		}
		if size == 0 {
			break
		}
		if _, err := io.CopyN(&out, rd, size); err != nil {
			return nil, nil, errChunkFraming
		}
		if crlf, err := rd.ReadString('\n'); err != nil || strings.TrimRight(crlf, "\r\n") != "" {
			return nil, nil, errChunkFraming
		}
	}
	trailers = http.Header{}
	for {
		line, err := rd.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line != "" {
			name, value, ok := strings.Cut(line, ":")
			if !ok {
				return nil, nil, errChunkFraming
			}
			trailers.Set(strings.TrimSpace(name), strings.TrimSpace(value))
		}
		if err != nil || line == "" {
			break
		}
	}
	return out.Bytes(), trailers, nil
}

// checksumHashes are the x-amz-checksum-* algorithms verified here;
// CRC64NVME is accepted unverified (the standard library lacks its table).
var checksumHashes = map[string]func() hash.Hash{
	"X-Amz-Checksum-Crc32":  func() hash.Hash { return crc32.NewIEEE() },
	"X-Amz-Checksum-Crc32c": func() hash.Hash { return crc32.New(crc32.MakeTable(crc32.Castagnoli)) },
	"X-Amz-Checksum-Sha1":   sha1.New,
	"X-Amz-Checksum-Sha256": sha256.New,
}

// verifyChecksums checks every x-amz-checksum-* value in h against data and
// returns the name of the first that does not match.
func verifyChecksums(h http.Header, data []byte) (bad string, ok bool) {
	for name, newHash := range checksumHashes {
		want := h.Get(name)
		if want == "" {
			continue
		}
		sum := newHash()
		sum.Write(data)
		// hash/crc32 sums are big-endian, as S3 encodes them.
		if base64.StdEncoding.EncodeToString(sum.Sum(nil)) != want {
			return name, false
		}
	}
	return "", true
}
