package fakepersonalize

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestParseAvroSchema(t *testing.T) {
	tests := []struct {
		reason string
		in     string
		want   []schemaField
		ok     bool
	}{
		{"required and optional fields", `{"type":"record","name":"I","fields":[{"name":"USER_ID","type":"string"},{"name":"GENRE","type":["null","string"]}]}`,
			[]schemaField{{"USER_ID", false}, {"GENRE", true}}, true},
		{"union without null", `{"type":"record","name":"I","fields":[{"name":"A","type":["int","string"]}]}`, []schemaField{{"A", false}}, true},
		{"not JSON", `USER_ID`, nil, false},
		{"enum, not record", `{"type":"enum","name":"E","symbols":["a"]}`, nil, false},
		{"record without name", `{"type":"record","fields":[{"name":"A","type":"int"}]}`, nil, false},
		{"field without type", `{"type":"record","name":"I","fields":[{"name":"A"}]}`, nil, false},
		{"field without name", `{"type":"record","name":"I","fields":[{"type":"int"}]}`, nil, false},
	}
	for _, tt := range tests {
		got, err := parseAvroSchema(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("%s: parseAvroSchema() error = %v, want ok %v", tt.reason, err, tt.ok)
			continue
		}
		if diff := cmp.Diff(tt.want, got, cmp.AllowUnexported(schemaField{})); diff != "" {
			t.Errorf("%s: parseAvroSchema() mismatch (-want +got):\n%s", tt.reason, diff)
		}
	}
}

var interactionsSchema = &schema{fields: []schemaField{{"USER_ID", false}, {"ITEM_ID", false}, {"TIMESTAMP", false}, {"EVENT_TYPE", true}}}

func TestParseCSV(t *testing.T) {
	tests := []struct {
		reason     string
		in         string
		wantRows   int
		wantReason string
	}{
		{"minimal", "USER_ID,ITEM_ID,TIMESTAMP\nu,i,1\nu,j,2\n", 2, ""},
		{"optional column and BOM", "\xef\xbb\xbfUSER_ID, ITEM_ID ,TIMESTAMP,EVENT_TYPE\nu,i,1,click\n", 1, ""},
		{"quoted cell with a comma", "USER_ID,ITEM_ID,TIMESTAMP\n\"u,1\",i,1\n", 1, ""},
		{"blank", " \n", 0, "empty"},
		{"header only", "USER_ID,ITEM_ID,TIMESTAMP", 0, "no records"},
		{"required column missing", "USER_ID,TIMESTAMP\nu,1\n", 0, "required column ITEM_ID"},
		{"unknown column name is quoted", "USER_ID,ITEM_ID,TIMESTAMP,NOTE\nu,i,1,x\n", 0, "declare: NOTE"},
		{"data as a header is not repeated", "USER_ID,ITEM_ID,TIMESTAMP,jane@example.com\nu,i,1,x\n", 0, "not a schema field name"},
		{"bare quote", "USER_ID,ITEM_ID,TIMESTAMP\nu\"x,i,1\n", 0, "line 2"},
	}
	for _, tt := range tests {
		rows, reason := parseCSV([]byte(tt.in), interactionsSchema)
		if len(rows) != tt.wantRows || !strings.Contains(reason, tt.wantReason) || (tt.wantReason == "") != (reason == "") {
			t.Errorf("%s: parseCSV() = %d rows, %q; want %d rows, %q", tt.reason, len(rows), reason, tt.wantRows, tt.wantReason)
		}
		if strings.Contains(reason, "jane@example.com") {
			t.Errorf("%s: reason %q repeats a value", tt.reason, reason)
		}
	}
	rows, _ := parseCSV([]byte("ITEM_ID,USER_ID,TIMESTAMP\ni,u,7\n"), interactionsSchema)
	if diff := cmp.Diff([]map[string]string{{"ITEM_ID": "i", "USER_ID": "u", "TIMESTAMP": "7"}}, rows); diff != "" {
		t.Errorf("parseCSV row mismatch (-want +got):\n%s", diff)
	}
}

func TestPaginate(t *testing.T) {
	items := []int{1, 2, 3, 4, 5}
	var got []int
	p := page{MaxResults: ptr(int32(2))}
	for calls := 0; ; calls++ {
		out, next, err := paginate(items, p)
		if err != nil || calls > 3 {
			t.Fatalf("paginate() = %v after %d calls", err, calls)
		}
		got = append(got, out...)
		if next == nil {
			break
		}
		p.NextToken = next
	}
	if diff := cmp.Diff(items, got); diff != "" {
		t.Errorf("pages mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []page{{MaxResults: ptr(int32(0))}, {MaxResults: ptr(int32(101))}, {NextToken: ptr("garbage")}, {NextToken: ptr("cHQxOjk5")} /* offset 99 */} {
		if _, _, err := paginate(items, bad); err == nil {
			t.Errorf("paginate(%+v) = nil error", bad)
		}
	}
	if out, next, err := paginate([]int{}, page{}); err != nil || len(out) != 0 || next != nil {
		t.Errorf("paginate(empty) = %v, %v, %v", out, next, err)
	}
}

func ptr[T any](v T) *T { return &v }

func TestLifecycle(t *testing.T) {
	now := time.Unix(1700000000, 0)
	s := New(Config{StatusSteps: 2, Now: func() time.Time { now = now.Add(time.Second); return now }})
	m := &meta{}
	ran := 0
	s.begin(m, createPhase, func() string { ran++; return "" }, nil)
	var statuses []string
	statuses = append(statuses, m.status)
	for range 3 {
		s.advance(m)
		statuses = append(statuses, m.status)
	}
	if diff := cmp.Diff([]string{"CREATE PENDING", "CREATE IN_PROGRESS", "ACTIVE", "ACTIVE"}, statuses); diff != "" || ran != 1 {
		t.Errorf("lifecycle mismatch (finish ran %d times) (-want +got):\n%s", ran, diff)
	}
	failing := &meta{}
	s.begin(failing, batchPhase, func() string { return "no data" }, nil)
	s.advance(failing)
	if failing.status != "IN PROGRESS" {
		t.Errorf("batch in progress = %q, want IN PROGRESS", failing.status)
	}
	s.advance(failing)
	if failing.status != statusCreateFailed || failing.failure != "no data" {
		t.Errorf("failed lifecycle = %q %q", failing.status, failing.failure)
	}
	gone := false
	s.begin(m, deletePhase, nil, func() { gone = true })
	s.advance(m)
	s.advance(m)
	if !gone {
		t.Errorf("deletion did not settle after two steps")
	}
}

func FuzzParseAvroSchema(f *testing.F) {
	for _, seed := range []string{
		`{"type":"record","name":"I","fields":[{"name":"USER_ID","type":"string"}]}`,
		`{"type":"record","name":"I","fields":[{"name":"A","type":["null","long"]}]}`,
		`{}`, `[]`, `null`, `{"type":"record","name":"I","fields":[{"name":"A","type":{"type":"array","items":"int"}}]}`,
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		fields, err := parseAvroSchema(in)
		fields2, err2 := parseAvroSchema(in)
		if (err == nil) != (err2 == nil) || !cmp.Equal(fields, fields2, cmp.AllowUnexported(schemaField{})) {
			t.Fatalf("parseAvroSchema(%q) is not deterministic", in)
		}
		if err == nil && len(fields) == 0 {
			t.Fatalf("parseAvroSchema(%q) accepted a schema without fields", in)
		}
		if err != nil && len(in) > 8 && strings.Contains(err.Error(), in) {
			t.Fatalf("parseAvroSchema error %q repeats the input", err)
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	for _, seed := range []string{"USER_ID,ITEM_ID,TIMESTAMP\nu,i,1\n", "", "\"", "USER_ID\n", "a,b\nc"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in string) {
		rows, reason := parseCSV([]byte(in), interactionsSchema)
		rows2, reason2 := parseCSV([]byte(in), interactionsSchema)
		if reason != reason2 || !cmp.Equal(rows, rows2) {
			t.Fatalf("parseCSV(%q) is not deterministic", in)
		}
		if (reason == "") == (rows == nil) {
			t.Fatalf("parseCSV(%q) = %d rows with reason %q", in, len(rows), reason)
		}
		for _, row := range rows {
			for _, col := range []string{"USER_ID", "ITEM_ID", "TIMESTAMP"} {
				if _, ok := row[col]; !ok {
					t.Fatalf("parseCSV(%q) accepted a row without %s", in, col)
				}
			}
		}
	})
}
