package fakepersonalize

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidateInput(t *testing.T) {
	const group = `"datasetGroupArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/g"`
	tests := []struct {
		reason, op, body string
		want             *apiError
	}{
		{"a valid request", "CreateSolution", `{"name":"s",` + group + `}`, nil},
		{"an empty body lacks required members", "CreateSolution", ``, &apiError{"InvalidInputException",
			"2 validation errors detected: Value null at 'datasetGroupArn' failed to satisfy constraint: Member must not be null; " +
				"Value null at 'name' failed to satisfy constraint: Member must not be null"}},
		{"JSON null is absent", "CreateSolution", `{"name":null,` + group + `}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null"}},
		{"the name pattern binds the end", "CreateSolution", `{"name":"ok!",` + group + `}`, &apiError{"InvalidInputException",
			`1 validation error detected: Value at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9][a-zA-Z0-9\-_]*`}},
		{"length in characters, not bytes", "CreateSolution", `{"name":"` + strings.Repeat("a", 64) + `",` + group + `}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value at 'name' failed to satisfy constraint: Member must have length less than or equal to 63"}},
		{"nested enum", "CreateSolution", `{"name":"s",` + group + `,"solutionConfig":{"optimizationObjective":{"objectiveSensitivity":"EXTREME"}}}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value at 'solutionConfig.optimizationObjective.objectiveSensitivity' failed to satisfy constraint: Member must satisfy enum value set: [LOW, MEDIUM, HIGH, OFF]"}},
		{"list element in a nested list", "CreateSolution", `{"name":"s",` + group + `,"solutionConfig":{"autoMLConfig":{"recipeList":["arn:aws:personalize:::recipe/x","nope"]}}}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value at 'solutionConfig.autoMLConfig.recipeList.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:([a-z\\d-]+):personalize:.*:.*:.+"}},
		{"map value length", "CreateSolution", `{"name":"s",` + group + `,"solutionConfig":{"algorithmHyperParameters":{"k":"` + strings.Repeat("v", 1001) + `"}}}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value at 'solutionConfig.algorithmHyperParameters' failed to satisfy constraint: Map value must satisfy constraint: [Member must have length less than or equal to 1000]"}},
		{"map key enum", "CreateCampaign", `{"name":"c","solutionVersionArn":"arn:aws:personalize:::x","campaignConfig":{"rankingInfluence":{"RECENCY":0.5}}}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value at 'campaignConfig.rankingInfluence' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy enum value set: [POPULARITY, FRESHNESS]]"}},
		{"double range", "CreateCampaign", `{"name":"c","solutionVersionArn":"arn:aws:personalize:::x","campaignConfig":{"rankingInfluence":{"POPULARITY":1.5}}}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value at 'campaignConfig.rankingInfluence' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1]"}},
		{"integer range", "ListSolutions", `{"maxResults":0}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"}},
		{"NumResults has no range", "CreateBatchSegmentJob", `{"jobName":"j","solutionVersionArn":"arn:aws:personalize:::x","numResults":0,"roleArn":"arn:aws:iam::111122223333:role/r","jobInput":{"s3DataSource":{"path":"s3://b/k"}},"jobOutput":{"s3DataDestination":{"path":"s3://b/o"}}}`, nil},
		{"an operation without InvalidInputException answers its pagination error", "ListDatasetGroups", `{"maxResults":101}`, &apiError{"InvalidNextTokenException",
			"1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 100"}},
		{"more than 200 tags is TooManyTagsException", "TagResource", `{"resourceArn":"arn:aws:personalize:::x","tags":[` + strings.Repeat(`{"tagKey":"k","tagValue":"v"},`, 200) + `{"tagKey":"k","tagValue":"v"}]}`, &apiError{"TooManyTagsException",
			"1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 200"}},
		{"untag keys follow the TagKey pattern", "UntagResource", `{"resourceArn":"arn:aws:personalize:::x","tagKeys":["ok","no!"]}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value at 'tagKeys.2.member' failed to satisfy constraint: Member must satisfy regular expression pattern: ^([\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*)$"}},
		{"schema up to 20,000 characters", "CreateSchema", `{"name":"s","schema":"` + strings.Repeat("x", 20000) + `"}`, nil},
		{"schema beyond 20,000 characters", "CreateSchema", `{"name":"s","schema":"` + strings.Repeat("x", 20001) + `"}`, &apiError{"InvalidInputException",
			"1 validation error detected: Value at 'schema' failed to satisfy constraint: Member must have length less than or equal to 20000"}},
		{"wrong JSON type", "CreateSolution", `{"name":7,` + group + `}`, &apiError{"SerializationException", "The value at 'name' has the wrong JSON type for this operation's input."}},
		{"not JSON", "CreateSolution", `{`, &apiError{"SerializationException", "The request body could not be parsed as this operation's input."}},
	}
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			got := validateInput(operations[tt.op], []byte(tt.body))
			if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(apiError{})); diff != "" {
				t.Errorf("validateInput(%s) mismatch (-want +got):\n%s", tt.op, diff)
			}
		})
	}
}

// TestDeclaredErrorsOnly maps a handler's undeclared error type to the
// operation's validation error.
func TestDeclaredErrorsOnly(t *testing.T) {
	tests := []struct {
		op, typ, want string
	}{
		{"CreateFilter", "ResourceInUseException", "InvalidInputException"},
		{"CreateFilter", "ResourceNotFoundException", "ResourceNotFoundException"},
		{"CreateSchema", "ResourceNotFoundException", "InvalidInputException"},
		{"CreateSchema", "SerializationException", "SerializationException"},
	}
	for _, tt := range tests {
		if got := declared(operations[tt.op], &apiError{tt.typ, "m"}); got.typ != tt.want || got.message != "m" {
			t.Errorf("declared(%s, %s) = %v, want %s", tt.op, tt.typ, got, tt.want)
		}
	}
}

// FuzzValidateInput: no panic, deterministic, never a string from the
// request in the message, and the name verdict agrees with the model.
func FuzzValidateInput(f *testing.F) {
	for _, seed := range []string{"ok-name_1", "", "-x", "a b", strings.Repeat("a", 64), "4111 1111 1111 1111", "ü", "jane@example.com"} {
		f.Add(seed, `{"tags":[{"tagKey":"k","tagValue":"v"}]}`)
	}
	namePattern := regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9\-_]*$`)
	f.Fuzz(func(t *testing.T, name, extra string) {
		body, _ := json.Marshal(map[string]any{"name": name, "datasetGroupArn": "arn:aws:personalize:us-east-1:111122223333:dataset-group/g"})
		err := validateInput(operations["CreateSolution"], body)
		valid := namePattern.MatchString(name) && len([]rune(name)) <= 63
		if (err == nil) != valid {
			t.Fatalf("validateInput(name %q) = %v, want valid=%v", name, err, valid)
		}
		if err != nil && len(name) > 3 && strings.Contains(err.message, name) {
			t.Fatalf("validateInput error %q repeats the name", err.message)
		}
		e1, e2 := validateInput(operations["CreateSolution"], []byte(extra)), validateInput(operations["CreateSolution"], []byte(extra))
		if !cmp.Equal(e1, e2, cmp.AllowUnexported(apiError{})) {
			t.Fatalf("validateInput(%q) is not deterministic", extra)
		}
		var doc map[string]any
		if e1 != nil && json.Unmarshal([]byte(extra), &doc) == nil {
			for _, v := range doc {
				if s, ok := v.(string); ok && len(s) > 16 && strings.Contains(e1.message, s) {
					t.Fatalf("validateInput error %q repeats a value", e1.message)
				}
			}
		}
	})
}

// FuzzValidateAnyOperation feeds arbitrary bodies to every operation's
// rules: no panic, and a verdict that does not depend on the run.
func FuzzValidateAnyOperation(f *testing.F) {
	names := make([]string, 0, len(operations))
	for n := range operations {
		names = append(names, n)
	}
	sort.Strings(names)
	f.Add(uint8(0), []byte(`{"jobName":"j","jobInput":{"s3DataSource":{"path":7}}}`))
	f.Add(uint8(20), []byte(`{"solutionConfig":{"algorithmHyperParameters":{"a":null},"autoMLConfig":{"recipeList":[null]}}}`))
	f.Add(uint8(70), []byte(`{"tagKeys":["a",{"b":1}]}`))
	f.Fuzz(func(t *testing.T, i uint8, body []byte) {
		op := operations[names[int(i)%len(names)]]
		e1, e2 := validateInput(op, body), validateInput(op, body)
		if !cmp.Equal(e1, e2, cmp.AllowUnexported(apiError{})) {
			t.Fatalf("validateInput(%q) is not deterministic", body)
		}
		if e1 != nil && !op.declares(e1.typ) && e1.typ != "SerializationException" {
			t.Fatalf("validateInput(%q) answered %s, which the operation does not declare", body, e1.typ)
		}
	})
}

// BenchmarkValidateInput measures the model check every request pays
// before its handler runs: a CreateSolution with a nested configuration.
func BenchmarkValidateInput(b *testing.B) {
	body := []byte(`{"name":"movies-solution","datasetGroupArn":"arn:aws:personalize:us-east-1:111122223333:dataset-group/movies",` +
		`"recipeArn":"arn:aws:personalize:::recipe/aws-user-personalization","tags":[{"tagKey":"team","tagValue":"recs"}],` +
		`"solutionConfig":{"eventValueThreshold":"0.5","algorithmHyperParameters":{"hidden_dimension":"64"},` +
		`"hpoConfig":{"hpoObjective":{"type":"Maximize","metricName":"precision_at_25"}},` +
		`"autoTrainingConfig":{"schedulingExpression":"rate(7 days)"},"optimizationObjective":{"objectiveSensitivity":"LOW"}}}`)
	op := operations["CreateSolution"]
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if err := validateInput(op, body); err != nil {
			b.Fatal(err)
		}
	}
}
