package provider

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// UpgradeResourceState hands a state saved at the current schema version back to Terraform
// as the JSON it sent, which the protocol allows (a DynamicValue may carry JSON instead of
// msgpack) and Terraform decodes against the same schema. The framework would decode the
// JSON and encode it again as msgpack, unchanged: for a flat schema the only change it can
// make is dropping attributes the schema no longer has, so any such state, any nested
// schema, any older version and anything that is not a plain JSON object goes to it.
func (s *server) UpgradeResourceState(ctx context.Context, req *tfprotov6.UpgradeResourceStateRequest) (*tfprotov6.UpgradeResourceStateResponse, error) {
	if req != nil && req.RawState != nil && len(req.RawState.Flatmap) == 0 {
		if info, ok := s.resourceSchema(ctx, req.TypeName); ok && info.flat && req.Version == info.version &&
			onlyKnownKeys(req.RawState.JSON, info.attributes) {
			return &tfprotov6.UpgradeResourceStateResponse{
				UpgradedState: &tfprotov6.DynamicValue{JSON: req.RawState.JSON},
			}, nil
		}
	}
	return s.frameworkServer.UpgradeResourceState(ctx, req)
}

// onlyKnownKeys reports whether raw is one well-formed JSON object whose keys are all known
// (each once). Values are not checked here: Terraform checks them against the schema.
func onlyKnownKeys(raw []byte, known map[string]bool) bool {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return false
	}
	seen := make(map[string]bool, len(known))
	for dec.More() {
		tok, err := dec.Token()
		key, isKey := tok.(string)
		if err != nil || !isKey || !known[key] || seen[key] {
			return false
		}
		seen[key] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return false
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return false
	}
	_, err := dec.Token()
	return errors.Is(err, io.EOF) // nothing may follow the object
}
