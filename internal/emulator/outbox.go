package emulator

// sendOTPLocked makes a new passcode for an SMS, EMAIL or PHONE_CALL factor and delivers
// it: to the outbox, as the message the real service would send, or, when the client
// controls the flow (userFlowControlledByExternalClient + the x5t of a trusted
// certificate, reference §4.1), back to the client encrypted, and the user is not notified.
// Oracle's sample says an OTP that cannot be encrypted is sent normally, so an unknown x5t
// falls back to the outbox.
func (s *Server) sendOTPLocked(u *userState, f *factor, ext externalClient) (string, map[string]string) {
	otp := s.rng.digits(s.cfg.OTPLength)
	s.lastOTP[u.ID+"/"+f.ID] = otp
	if ext.UserFlowControlledByExternalClient.True() && ext.X5T != "" {
		if enc := s.encryptForLocked(ext.X5T, otp); enc != nil {
			return otp, enc
		}
	}
	channel, recipient := f.method(), f.DisplayName
	switch {
	case f.hasMethod(MethodEmail):
		channel, recipient = MethodEmail, u.Email
	case f.hasMethod(MethodSMS), f.hasMethod(MethodPhoneCall):
		recipient = f.CountryCode + f.MobileNumber
	}
	s.outbox = append(s.outbox, Message{Channel: channel, Recipient: recipient, UserID: u.ID, FactorID: f.ID, OTP: otp, SentAt: s.now().UTC()})
	return otp, nil
}
