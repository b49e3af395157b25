package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// tflogLogger sends the client's exchange log to tflog. The client redacts what it logs
// (bodies, headers, errors: internal/client/redact.go); this logger also masks the configured
// credentials wherever they would appear in a field or the message, so that a credential
// the client does not know as one (an access token pasted into a host, say) still cannot
// reach a log line.
type tflogLogger struct {
	secrets []string
}

var _ client.Logger = tflogLogger{}

func newTFLogLogger(secrets ...string) tflogLogger {
	var keep []string
	for _, s := range secrets {
		if s != "" {
			keep = append(keep, s)
		}
	}
	return tflogLogger{secrets: keep}
}

func (l tflogLogger) Debug(ctx context.Context, msg string, fields map[string]any) {
	if len(l.secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
		ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	}
	tflog.Debug(ctx, msg, fields)
}
