package fakepersonalize_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/google/go-cmp/cmp"

	"github.com/personalizeguard/personalizeguard/personalizetest"
)

var uuidPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)

func TestEventTrackers(t *testing.T) {
	f := newFixture(t)
	g1, g2 := f.datasetGroup("one"), f.datasetGroup("two")
	out, err := f.c.CreateEventTracker(f.ctx, &personalize.CreateEventTrackerInput{Name: aws.String("clicks"), DatasetGroupArn: &g1})
	if err != nil {
		t.Fatalf("CreateEventTracker() = %v", err)
	}
	if !uuidPattern.MatchString(aws.ToString(out.TrackingId)) || !strings.HasPrefix(aws.ToString(out.EventTrackerArn), "arn:aws:personalize:us-east-1:111122223333:event-tracker/") {
		t.Errorf("CreateEventTracker() = %s %s, want an event-tracker ARN and a UUID tracking ID", aws.ToString(out.EventTrackerArn), aws.ToString(out.TrackingId))
	}
	errTests := []struct {
		reason string
		in     *personalize.CreateEventTrackerInput
		want   string
	}{
		{"second tracker in a group", &personalize.CreateEventTrackerInput{Name: aws.String("views"), DatasetGroupArn: &g1}, "ResourceAlreadyExistsException"},
		{"same name elsewhere", &personalize.CreateEventTrackerInput{Name: aws.String("clicks"), DatasetGroupArn: &g2}, "ResourceAlreadyExistsException"},
		{"unknown group", &personalize.CreateEventTrackerInput{Name: aws.String("x"), DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/none")}, "ResourceNotFoundException"},
		{"bad name", &personalize.CreateEventTrackerInput{Name: aws.String("x y"), DatasetGroupArn: &g2}, "InvalidInputException"},
	}
	for _, tt := range errTests {
		_, err := f.c.CreateEventTracker(f.ctx, tt.in)
		t.Run(tt.reason, func(t *testing.T) { checkErr(t, err, tt.want) })
	}

	var statuses []string
	for range 2 {
		d, err := f.c.DescribeEventTracker(f.ctx, &personalize.DescribeEventTrackerInput{EventTrackerArn: out.EventTrackerArn})
		if err != nil {
			t.Fatalf("DescribeEventTracker() = %v", err)
		}
		statuses = append(statuses, aws.ToString(d.EventTracker.Status))
		got := []string{aws.ToString(d.EventTracker.Name), aws.ToString(d.EventTracker.AccountId), aws.ToString(d.EventTracker.DatasetGroupArn), aws.ToString(d.EventTracker.TrackingId)}
		if diff := cmp.Diff([]string{"clicks", personalizetest.AccountID, g1, aws.ToString(out.TrackingId)}, got); diff != "" {
			t.Errorf("DescribeEventTracker mismatch (-want +got):\n%s", diff)
		}
	}
	if diff := cmp.Diff([]string{"CREATE IN_PROGRESS", "ACTIVE"}, statuses); diff != "" {
		t.Errorf("statuses mismatch (-want +got):\n%s", diff)
	}
	list, err := f.c.ListEventTrackers(f.ctx, &personalize.ListEventTrackersInput{DatasetGroupArn: &g1})
	if err != nil || len(list.EventTrackers) != 1 || aws.ToString(list.EventTrackers[0].Name) != "clicks" {
		t.Errorf("ListEventTrackers() = %+v, %v", list, err)
	}
	if _, err := f.c.DeleteEventTracker(f.ctx, &personalize.DeleteEventTrackerInput{EventTrackerArn: out.EventTrackerArn}); err != nil {
		t.Fatalf("DeleteEventTracker() = %v", err)
	}
	for range 2 {
		_, err = f.c.DescribeEventTracker(f.ctx, &personalize.DescribeEventTrackerInput{EventTrackerArn: out.EventTrackerArn})
	}
	checkErr(t, err, "ResourceNotFoundException")
	_, err = f.c.DeleteEventTracker(f.ctx, &personalize.DeleteEventTrackerInput{EventTrackerArn: out.EventTrackerArn})
	checkErr(t, err, "ResourceNotFoundException")
	if _, err := f.c.CreateEventTracker(f.ctx, &personalize.CreateEventTrackerInput{Name: aws.String("views"), DatasetGroupArn: &g1}); err != nil {
		t.Errorf("a group whose tracker was deleted cannot get a new one: %v", err)
	}
}

func TestFilters(t *testing.T) {
	f := newFixture(t)
	group := f.datasetGroup("group")
	pending, err := f.c.CreateDatasetGroup(f.ctx, &personalize.CreateDatasetGroupInput{Name: aws.String("pending")})
	if err != nil {
		t.Fatal(err)
	}
	const expr = `EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase")`
	tests := []struct {
		reason string
		in     *personalize.CreateFilterInput
		want   string
	}{
		{"valid", &personalize.CreateFilterInput{Name: aws.String("no-repeats"), DatasetGroupArn: &group, FilterExpression: aws.String(expr)}, ""},
		{"duplicate", &personalize.CreateFilterInput{Name: aws.String("no-repeats"), DatasetGroupArn: &group, FilterExpression: aws.String(expr)}, "ResourceAlreadyExistsException"},
		{"not INCLUDE or EXCLUDE", &personalize.CreateFilterInput{Name: aws.String("f1"), DatasetGroupArn: &group, FilterExpression: aws.String("SELECT *")}, "InvalidInputException"},
		{"too long", &personalize.CreateFilterInput{Name: aws.String("f2"), DatasetGroupArn: &group, FilterExpression: aws.String("INCLUDE " + strings.Repeat("x", 2500))}, "InvalidInputException"},
		{"group not active (no ResourceInUse for filters)", &personalize.CreateFilterInput{Name: aws.String("f3"), DatasetGroupArn: pending.DatasetGroupArn, FilterExpression: aws.String(expr)}, "InvalidInputException"},
		{"unknown group", &personalize.CreateFilterInput{Name: aws.String("f4"), DatasetGroupArn: aws.String("arn:aws:personalize:us-east-1:111122223333:dataset-group/none"), FilterExpression: aws.String(expr)}, "ResourceNotFoundException"},
	}
	var arn *string
	for _, tt := range tests {
		t.Run(tt.reason, func(t *testing.T) {
			out, err := f.c.CreateFilter(f.ctx, tt.in)
			if tt.want != "" {
				checkErr(t, err, tt.want)
				return
			}
			if err != nil {
				t.Fatalf("CreateFilter() = %v", err)
			}
			arn = out.FilterArn
		})
	}
	if arn == nil {
		t.Fatal("no filter was created")
	}
	var last *personalize.DescribeFilterOutput
	for range 2 {
		if last, err = f.c.DescribeFilter(f.ctx, &personalize.DescribeFilterInput{FilterArn: arn}); err != nil {
			t.Fatalf("DescribeFilter() = %v", err)
		}
	}
	got := []string{aws.ToString(last.Filter.Name), aws.ToString(last.Filter.DatasetGroupArn), aws.ToString(last.Filter.FilterExpression), aws.ToString(last.Filter.Status)}
	if diff := cmp.Diff([]string{"no-repeats", group, expr, "ACTIVE"}, got); diff != "" {
		t.Errorf("DescribeFilter mismatch (-want +got):\n%s", diff)
	}
	list, err := f.c.ListFilters(f.ctx, &personalize.ListFiltersInput{DatasetGroupArn: &group})
	if err != nil || len(list.Filters) != 1 || aws.ToString(list.Filters[0].FilterArn) != *arn {
		t.Errorf("ListFilters() = %+v, %v; want the filter (member spelled \"Filters\")", list, err)
	}
	if _, err := f.c.DeleteFilter(f.ctx, &personalize.DeleteFilterInput{FilterArn: arn}); err != nil {
		t.Fatalf("DeleteFilter() = %v", err)
	}
	for range 2 {
		_, err = f.c.DescribeFilter(f.ctx, &personalize.DescribeFilterInput{FilterArn: arn})
	}
	checkErr(t, err, "ResourceNotFoundException")
}
