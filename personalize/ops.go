package personalize

import (
	"context"
	"strings"

	sdk "github.com/aws/aws-sdk-go-v2/service/personalize"
	"github.com/aws/aws-sdk-go-v2/service/personalize/types"

	"github.com/personalizeguard/personalizeguard/s3guard"
)

// This file is the guard's map of the API (personalize v1.50.5): which
// operations carry a KMS key, an S3 location or a role. DESIGN.md lists the
// same places; TestKeyAndLocationPlaces checks this map against the field
// rules compiled from the SDK's types, so a new place fails the tests.

// injectKeys returns params with the configured key in every key field the
// caller left empty, copying each struct it changes, or an error for a key
// the policy does not allow. It returns params itself when nothing changes.
func (g *Guard) injectKeys(ctx context.Context, params any) (any, error) {
	switch v := params.(type) {
	case *sdk.CreateDatasetGroupInput:
		return g.injectDatasetGroup(ctx, v)
	case *sdk.CreateBatchInferenceJobInput:
		in, err := keyedHolder(ctx, g, "JobInput.S3DataSource.KmsKeyArn", v.JobInput,
			func(h *types.BatchInferenceJobInput) **types.S3DataConfig { return &h.S3DataSource })
		if err != nil {
			return nil, err
		}
		out, err := keyedHolder(ctx, g, "JobOutput.S3DataDestination.KmsKeyArn", v.JobOutput,
			func(h *types.BatchInferenceJobOutput) **types.S3DataConfig { return &h.S3DataDestination })
		if err != nil || in == v.JobInput && out == v.JobOutput {
			return params, err
		}
		cp := *v
		cp.JobInput, cp.JobOutput = in, out
		return &cp, nil
	case *sdk.CreateBatchSegmentJobInput:
		in, err := keyedHolder(ctx, g, "JobInput.S3DataSource.KmsKeyArn", v.JobInput,
			func(h *types.BatchSegmentJobInput) **types.S3DataConfig { return &h.S3DataSource })
		if err != nil {
			return nil, err
		}
		out, err := keyedHolder(ctx, g, "JobOutput.S3DataDestination.KmsKeyArn", v.JobOutput,
			func(h *types.BatchSegmentJobOutput) **types.S3DataConfig { return &h.S3DataDestination })
		if err != nil || in == v.JobInput && out == v.JobOutput {
			return params, err
		}
		cp := *v
		cp.JobInput, cp.JobOutput = in, out
		return &cp, nil
	case *sdk.CreateDatasetExportJobInput:
		out, err := keyedHolder(ctx, g, "JobOutput.S3DataDestination.KmsKeyArn", v.JobOutput,
			func(h *types.DatasetExportJobOutput) **types.S3DataConfig { return &h.S3DataDestination })
		if err != nil || out == v.JobOutput {
			return params, err
		}
		cp := *v
		cp.JobOutput = out
		return &cp, nil
	case *sdk.CreateMetricAttributionInput:
		moc, err := keyedHolder(ctx, g, "MetricsOutputConfig.S3DataDestination.KmsKeyArn", v.MetricsOutputConfig, metricsDestination)
		if err != nil || moc == v.MetricsOutputConfig {
			return params, err
		}
		cp := *v
		cp.MetricsOutputConfig = moc
		return &cp, nil
	case *sdk.UpdateMetricAttributionInput:
		moc, err := keyedHolder(ctx, g, "MetricsOutputConfig.S3DataDestination.KmsKeyArn", v.MetricsOutputConfig, metricsDestination)
		if err != nil || moc == v.MetricsOutputConfig {
			return params, err
		}
		cp := *v
		cp.MetricsOutputConfig = moc
		return &cp, nil
	}
	return params, nil
}

func metricsDestination(h *types.MetricAttributionOutput) **types.S3DataConfig {
	return &h.S3DataDestination
}

// keyedHolder returns h, or a copy of h whose S3DataConfig (reached through
// field) carries the configured key; the caller's structs are never changed.
func keyedHolder[H any](ctx context.Context, g *Guard, path string, h *H, field func(*H) **types.S3DataConfig) (*H, error) {
	if h == nil {
		return nil, nil
	}
	c, err := g.keyed(ctx, path, *field(h))
	if err != nil || c == *field(h) {
		return h, err
	}
	cp := *h
	*field(&cp) = c
	return &cp, nil
}

// location is one S3 location in a request.
type location struct {
	field   string // path of the field holding the URL
	value   *string
	dir     s3guard.Direction
	objects bool // an import source: check the objects too
}

// locations returns the S3 locations of params, using buf to avoid an
// allocation.
func locations(params any, buf *[2]location) []location {
	out := buf[:0]
	add := func(field string, c *types.S3DataConfig, dir s3guard.Direction, objects bool) {
		if c != nil {
			out = append(out, location{field: field, value: c.Path, dir: dir, objects: objects})
		}
	}
	switch v := params.(type) {
	case *sdk.CreateDatasetImportJobInput:
		if v.DataSource != nil {
			out = append(out, location{field: "DataSource.DataLocation", value: v.DataSource.DataLocation, dir: s3guard.Read, objects: true})
		}
	case *sdk.CreateDataDeletionJobInput:
		if v.DataSource != nil {
			out = append(out, location{field: "DataSource.DataLocation", value: v.DataSource.DataLocation, dir: s3guard.Read, objects: true})
		}
	case *sdk.CreateBatchInferenceJobInput:
		if v.JobInput != nil {
			add("JobInput.S3DataSource.Path", v.JobInput.S3DataSource, s3guard.Read, true)
		}
		if v.JobOutput != nil {
			add("JobOutput.S3DataDestination.Path", v.JobOutput.S3DataDestination, s3guard.Write, false)
		}
	case *sdk.CreateBatchSegmentJobInput:
		if v.JobInput != nil {
			add("JobInput.S3DataSource.Path", v.JobInput.S3DataSource, s3guard.Read, true)
		}
		if v.JobOutput != nil {
			add("JobOutput.S3DataDestination.Path", v.JobOutput.S3DataDestination, s3guard.Write, false)
		}
	case *sdk.CreateDatasetExportJobInput:
		if v.JobOutput != nil {
			add("JobOutput.S3DataDestination.Path", v.JobOutput.S3DataDestination, s3guard.Write, false)
		}
	case *sdk.CreateMetricAttributionInput:
		if v.MetricsOutputConfig != nil {
			add("MetricsOutputConfig.S3DataDestination.Path", v.MetricsOutputConfig.S3DataDestination, s3guard.Write, false)
		}
	case *sdk.UpdateMetricAttributionInput:
		if v.MetricsOutputConfig != nil {
			add("MetricsOutputConfig.S3DataDestination.Path", v.MetricsOutputConfig.S3DataDestination, s3guard.Write, false)
		}
	}
	return out
}

// keyUse is a KMS key a request asks Personalize to use, with the role it
// will use it through and the resource it is used for.
type keyUse struct {
	field    string
	key      string
	role     string
	resource string // "dataset-group/movies": the aws:SourceArn of Personalize's KMS calls, less its prefix
	exports  bool
}

// keysInUse returns the key fields of params (after injection), using buf to
// avoid an allocation.
func keysInUse(params any, buf *[2]keyUse) []keyUse {
	out := buf[:0]
	add := func(field string, c *types.S3DataConfig, role *string, resource string, exports bool) {
		if c != nil && c.KmsKeyArn != nil && *c.KmsKeyArn != "" {
			out = append(out, keyUse{field: field, key: *c.KmsKeyArn, role: deref(role), resource: resource, exports: exports})
		}
	}
	switch v := params.(type) {
	case *sdk.CreateDatasetGroupInput:
		if k := deref(v.KmsKeyArn); k != "" {
			out = append(out, keyUse{field: "KmsKeyArn", key: k, role: deref(v.RoleArn), resource: "dataset-group/" + deref(v.Name)})
		}
	case *sdk.CreateBatchInferenceJobInput:
		res := "batch-inference-job/" + deref(v.JobName)
		if v.JobInput != nil {
			add("JobInput.S3DataSource.KmsKeyArn", v.JobInput.S3DataSource, v.RoleArn, res, false)
		}
		if v.JobOutput != nil {
			add("JobOutput.S3DataDestination.KmsKeyArn", v.JobOutput.S3DataDestination, v.RoleArn, res, false)
		}
	case *sdk.CreateBatchSegmentJobInput:
		res := "batch-segment-job/" + deref(v.JobName)
		if v.JobInput != nil {
			add("JobInput.S3DataSource.KmsKeyArn", v.JobInput.S3DataSource, v.RoleArn, res, false)
		}
		if v.JobOutput != nil {
			add("JobOutput.S3DataDestination.KmsKeyArn", v.JobOutput.S3DataDestination, v.RoleArn, res, false)
		}
	case *sdk.CreateDatasetExportJobInput:
		// The dataset group's own key, which exports also need
		// kms:GenerateDataKeyWithoutPlaintext on, is checked by groupKeyMW.
		if v.JobOutput != nil {
			add("JobOutput.S3DataDestination.KmsKeyArn", v.JobOutput.S3DataDestination, v.RoleArn, "dataset-export-job/"+deref(v.JobName), false)
		}
	case *sdk.CreateMetricAttributionInput:
		if m := v.MetricsOutputConfig; m != nil {
			add("MetricsOutputConfig.S3DataDestination.KmsKeyArn", m.S3DataDestination, m.RoleArn, "metric-attribution/"+deref(v.Name), false)
		}
	case *sdk.UpdateMetricAttributionInput:
		if m := v.MetricsOutputConfig; m != nil {
			res := ""
			if _, after, ok := strings.Cut(deref(v.MetricAttributionArn), ":metric-attribution/"); ok {
				res = "metric-attribution/" + after
			}
			add("MetricsOutputConfig.S3DataDestination.KmsKeyArn", m.S3DataDestination, m.RoleArn, res, false)
		}
	}
	return out
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
