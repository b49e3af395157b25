package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/idcsmfa/terraform-provider-idcsmfa/internal/client"
)

// sensitiveLogKeys are field names whose values must never reach a log line, whatever the
// client puts in them.
var sensitiveLogKeys = []string{
	"authorization", "Authorization", "client_secret", "access_token", "token",
	"otpCode", "otp_code", "requestState", "request_state", "sharedSecret", "bypassCode",
}

// tflogLogger sends the client's exchange log to tflog. The client already redacts its
// fields; masking the configured credentials again here is defence in depth against a
// future client change that forgets one.
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
	ctx = tflog.MaskFieldValuesWithFieldKeys(ctx, sensitiveLogKeys...)
	if len(l.secrets) > 0 {
		ctx = tflog.MaskAllFieldValuesStrings(ctx, l.secrets...)
		ctx = tflog.MaskMessageStrings(ctx, l.secrets...)
	}
	tflog.Debug(ctx, msg, fields)
}
