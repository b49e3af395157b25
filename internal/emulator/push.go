package emulator

import (
	"net/http"
	"sort"
)

// errPushRejected is V3's answer once the user rejected the notification. Oracle documents
// 401 for "user rejected" (reference §4, V3) but no code; AUTH-1007 "Authentication
// failed." is the generic failure of its error table.
func errPushRejected() *apiError {
	return &apiError{http.StatusUnauthorized, "AUTH-1007", "Authentication failed."}
}

// handleGetVerification is V3: GET /mfa/v1/requests/{requestId}, used to poll PUSH. It
// answers 200 success once approved (or once any request is verified), 401 AUTH-1007 once
// rejected, 401 AUTH-1010 while the user is locked, and 200 pending (AUTH-1108 for PUSH).
func (s *Server) handleGetVerification(r *http.Request) (reply, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := r.PathValue("requestId")
	v := s.requests[id]
	switch {
	case v == nil:
		return reply{}, errRequestNotFound(id)
	case v.rejected:
		return reply{}, errPushRejected()
	case v.done || v.approved:
		return ok(success())
	}
	if u := s.users[v.userID]; u != nil && u.Locked {
		return reply{}, errLocked()
	}
	body := map[string]any{"status": "pending"}
	if v.method == MethodPush {
		body["cause"] = []map[string]string{{"code": "AUTH-1108", "message": "Push Notification approval is pending."}}
	}
	return ok(body)
}

// ApproveRequest approves a pending PUSH verification as the user would in the app; V3
// then answers success and the user's failed attempts are reset. Approving twice is
// harmless; approving a rejected request is ErrRequestDecided, for a locked user
// ErrUserLocked.
func (s *Server) ApproveRequest(requestID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, u, err := s.pushRequestLocked(requestID, true)
	if err != nil {
		return err
	}
	v.approved, v.done, v.nonce = true, true, ""
	u.failedAttempts = 0
	return nil
}

// RejectRequest rejects a pending PUSH verification as the user would in the app ("Deny"):
// V3 answers 401 AUTH-1007 from then on and the rejection counts towards the user's
// lockout, like a wrong passcode. Rejecting twice counts once; rejecting an approved
// request is ErrRequestDecided, for a locked user ErrUserLocked.
func (s *Server) RejectRequest(requestID string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	v, u, err := s.pushRequestLocked(requestID, false)
	if err != nil || v.rejected {
		return err
	}
	v.rejected, v.nonce = true, ""
	_ = s.failAttemptLocked(u, nil) // a lock shows at the user's next call
	return nil
}

// pushRequestLocked finds the PUSH request that ApproveRequest (approve) or RejectRequest
// answers, and its user.
func (s *Server) pushRequestLocked(requestID string, approve bool) (*verification, *userState, error) {
	v := s.requests[requestID]
	switch {
	case v == nil:
		return nil, nil, ErrRequestNotFound
	case v.method != MethodPush:
		return nil, nil, ErrNotPushRequest
	case approve && v.rejected, !approve && v.approved:
		return nil, nil, ErrRequestDecided
	}
	u := s.users[v.userID]
	switch {
	case u == nil:
		return nil, nil, ErrUserNotFound
	case u.Locked && !v.approved && !v.rejected:
		return nil, nil, ErrUserLocked
	}
	return v, u, nil
}

// PendingPushRequests returns the ids of the user's PUSH verifications still waiting for
// the user, oldest first: what the user's authenticator app would show, for tests that play
// the user.
func (s *Server) PendingPushRequests(userID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var pending []*verification
	for _, v := range s.requests {
		if v.userID == userID && v.method == MethodPush && !v.approved && !v.rejected && !v.done {
			pending = append(pending, v)
		}
	}
	sort.Slice(pending, func(i, j int) bool { return pending[i].created.Before(pending[j].created) })
	ids := make([]string, len(pending))
	for i, v := range pending {
		ids[i] = v.ID
	}
	return ids
}
