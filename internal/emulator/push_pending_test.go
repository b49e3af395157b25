package emulator

import (
	"testing"
)

func TestPendingPushRequests(t *testing.T) {
	s := New(Config{})
	if got := s.PendingPushRequests(AliceID); len(got) != 0 {
		t.Fatalf("pending before any request: %v", got)
	}
	s.mu.Lock()
	s.requests["r1"] = &verification{ID: "r1", userID: AliceID, method: MethodPush}
	s.requests["r2"] = &verification{ID: "r2", userID: AliceID, method: MethodSMS}
	s.requests["r3"] = &verification{ID: "r3", userID: AliceID, method: MethodPush, approved: true}
	s.mu.Unlock()
	if got := s.PendingPushRequests(AliceID); len(got) != 1 || got[0] != "r1" {
		t.Fatalf("pending = %v, want [r1]", got)
	}
	if err := s.ApproveRequest("r1"); err != nil {
		t.Fatal(err)
	}
	if got := s.PendingPushRequests(AliceID); len(got) != 0 {
		t.Fatalf("pending after approval: %v", got)
	}
}
