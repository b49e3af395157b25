package client

import (
	"strings"
	"unicode/utf8"
)

// SplitMaskedNumber splits a phone number as the service masks it ("+44XXXXXXX123",
// "91******0143") into the visible digits before the hidden ones (lead, with its "+") and
// after them (tail). ok is false for anything else: a plain number, other characters, no
// visible last digit.
func SplitMaskedNumber(s string) (lead, tail string, ok bool) {
	first, last := strings.IndexAny(s, maskRunes), strings.LastIndexAny(s, maskRunes)
	if first < 0 {
		return "", "", false
	}
	_, size := utf8.DecodeRuneInString(s[last:])
	lead, tail = s[:first], s[last+size:]
	hidden := s[first : len(s)-len(tail)]
	if tail == "" || strings.Trim(hidden, maskRunes) != "" ||
		strings.Trim(strings.TrimPrefix(lead, "+"), "0123456789") != "" || strings.Trim(tail, "0123456789") != "" {
		return "", "", false
	}
	return lead, tail, true
}
