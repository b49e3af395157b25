package client

import "testing"

func TestMaskedNumberMatches(t *testing.T) {
	cases := []struct {
		masked, cc, number string
		want               bool
	}{
		{"+44XXXXXXX123", "+44", "7700900123", true},
		{"+44XXXXXXX123", "+44", "7700900124", false}, // last digits differ
		{"+44XXXXXXX123", "+33", "7700900123", false}, // country differs
		{"+155XXXXX555", "+1", "5551234555", true},    // Oracle's sample: two leading digits shown
		{"91******0143", "+91", "9876540143", true},   // no "+", stars
		{"91******0143", "+91", "0143", false},        // nothing left to hide
		{"+447700900123", "+44", "7700900123", true},  // unmasked
		{"", "+44", "7700900123", false},
		{"+44 XXX-XXXX 123", "+44", "7700900123", true},
		{"+44•••••••123", "+44", "7700900123", true},
		{"+44#######123", "+44", "7700900123", true},
	}
	for _, tc := range cases {
		if got := MaskedNumberMatches(tc.masked, tc.cc, tc.number); got != tc.want {
			t.Errorf("MaskedNumberMatches(%q, %q, %q) = %t, want %t", tc.masked, tc.cc, tc.number, got, tc.want)
		}
	}
	for s, want := range map[string]bool{"+44XXXXXXX123": true, "91******0143": true, "+44•••123": true, "7700900123": false, "": false} {
		if IsMaskedNumber(s) != want {
			t.Errorf("IsMaskedNumber(%q) = %t, want %t", s, !want, want)
		}
	}
}

func TestSplitMaskedNumber(t *testing.T) {
	for _, tc := range []struct{ in, lead, tail string }{
		{"+44XXXXXXX123", "+44", "123"},
		{"91******0143", "91", "0143"},
		{"+1••••••4567", "+1", "4567"},
		{"XXXX99", "", "99"},
	} {
		lead, tail, ok := SplitMaskedNumber(tc.in)
		if !ok || lead != tc.lead || tail != tc.tail {
			t.Errorf("SplitMaskedNumber(%q) = %q, %q, %t; want %q, %q, true", tc.in, lead, tail, ok, tc.lead, tc.tail)
		}
	}
	for _, in := range []string{"7700900123", "+44XXXXXXX", "+44 XXX 123", "+44XX12XX34", "a44XX12", ""} {
		if _, _, ok := SplitMaskedNumber(in); ok {
			t.Errorf("SplitMaskedNumber(%q) accepted a string that is not a masked number", in)
		}
	}
}
