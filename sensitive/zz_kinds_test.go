package sensitive

import "testing"

func BenchmarkZZKinds(b *testing.B) {
	s := cleanText(b, 1<<20)
	for _, k := range [][]Kind{{Email}, {URLCredentials}, {AWSSecretKey}, {AWSAccessKey}, {Email, URLCredentials, AWSSecretKey, AWSAccessKey}, {CreditCard, AccountNumber, IBAN, Phone, SSN}} {
		d, _ := New(func(o *Options) { o.Kinds = k })
		b.Run(string(k[0])+string(rune('0'+len(k))), func(b *testing.B) {
			b.SetBytes(int64(len(s)))
			defer cpuThroughput(b, len(s))()
			for b.Loop() {
				d.Find(s)
			}
		})
	}
}
