package personalize

import "testing"

func TestWellFormedARN(t *testing.T) {
	tests := []struct {
		arn  string
		want bool
	}{
		{"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies", true},
		{"arn:aws-cn:personalize:cn-north-1:111122223333:dataset-group/movies", true},
		{"arn:aws-us-gov:personalize:us-gov-west-1:111122223333:campaign/c", true},
		{"arn:aws:personalize:eusc-de-east-1:111122223333:solution/s", true},
		{"arn:aws:personalize:::recipe/aws-user-personalization", true},
		{"arn:aws:iam::111122223333:role/PersonalizeRole", true},
		{"arn:aws:personalize:jane.doe@example.com:111122223333:dataset-group/movies", false},
		{"arn:aws:personalize:us-east-1:acct-12345678:dataset-group/movies", false},
		{"arn:4111111111111111:personalize:us-east-1:111122223333:dataset-group/movies", false},
		{"arn:aws-:personalize:us-east-1:111122223333:x", false},
		{"arn:awsx:personalize:us-east-1:111122223333:x", false},
		{"arn:aws:personalize:us-east-:111122223333:x", false},
		{"arn:aws:personalize:u-east-1:111122223333:x", false},
		{"arn:aws:personalize:us-1:111122223333:x", false},
		{"arn:aws:personalize:us-east-1:11112222333:x", false},
		{"arn:aws:personalize", false},
	}
	for _, tt := range tests {
		if got := wellFormedARN(tt.arn); got != tt.want {
			t.Errorf("wellFormedARN(%q) = %v, want %v", tt.arn, got, tt.want)
		}
	}
}
