package webhook

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestSignVerify(t *testing.T) {
	body := []byte(`{"event":"partner_change_request.created"}`)
	now := time.Unix(1_700_000_000, 0)
	h := Sign("whsec_a", now.Unix(), body)
	if !strings.HasPrefix(h, "t=1700000000,v1=") || len(h) != len("t=1700000000,v1=")+64 {
		t.Fatalf("header %q", h)
	}
	if err := Verify("whsec_a", h, body, time.Minute, now.Add(30*time.Second)); err != nil {
		t.Fatalf("valid: %v", err)
	}
	for name, err := range map[string]error{
		"wrong secret":   Verify("whsec_b", h, body, 0, now),
		"changed body":   Verify("whsec_a", h, append(body, ' '), 0, now),
		"changed time":   Verify("whsec_a", strings.Replace(h, "t=1700000000", "t=1700000001", 1), body, 0, now),
		"too old":        Verify("whsec_a", h, body, time.Minute, now.Add(2*time.Minute)),
		"malformed":      Verify("whsec_a", "v1=abc", body, 0, now),
		"not hex":        Verify("whsec_a", "t=1,v1=zz", body, 0, now),
		"empty":          Verify("whsec_a", "", body, 0, now),
		"signature only": Verify("whsec_a", "t=1700000000", body, 0, now),
	} {
		if err == nil {
			t.Errorf("%s: verified", name)
		}
	}
	// HMAC-SHA256 keyed "k" of "5.b", computed outside Go.
	if got, want := Sign("k", 5, []byte("b")), "t=5,v1=d2e8439ebf6715de682d2ff8c4f15977f235854b6af2264f049b332fab8b1be6"; got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
}

func TestForbidden(t *testing.T) {
	for _, tc := range []struct {
		ip        string
		forbidden bool
	}{
		{"127.0.0.1", true}, {"127.8.9.10", true}, {"::1", true},
		{"10.0.0.1", true}, {"172.16.5.4", true}, {"192.168.1.1", true}, {"fd12:3456::1", true},
		{"169.254.169.254", true}, {"fe80::1", true}, {"0.0.0.0", true}, {"::", true},
		{"100.64.0.1", true}, {"224.0.0.1", true}, {"255.255.255.255", true}, {"198.18.0.1", true},
		{"::ffff:10.0.0.1", true}, {"::ffff:127.0.0.1", true}, {"64:ff9b::a00:1", true},
		{"93.184.215.14", false}, {"8.8.8.8", false}, {"2606:4700:4700::1111", false}, {"::ffff:8.8.8.8", false},
	} {
		if got := Forbidden(netip.MustParseAddr(tc.ip)); got != tc.forbidden {
			t.Errorf("%s: forbidden %v, want %v", tc.ip, got, tc.forbidden)
		}
	}
}

func TestGuard(t *testing.T) {
	ctx := context.Background()
	strict, lax := Guard{}, Guard{AllowPrivate: true}
	for _, tc := range []struct {
		url         string
		strict, lax bool // accepted
	}{
		{"https://93.184.215.14/hook", true, true},
		{"https://[2606:4700:4700::1111]/hook", true, true},
		{"http://93.184.215.14/hook", false, true},
		{"https://127.0.0.1:8443/hook", false, true},
		{"https://localhost/hook", false, true},
		{"https://10.0.0.7/hook", false, true},
		{"https://169.254.169.254/", false, true},
		{"https://[::ffff:192.168.0.1]/", false, true},
		{"https://no-such-host.invalid/hook", false, true},
	} {
		if err := strict.CheckWebhookURL(ctx, tc.url); (err == nil) != tc.strict {
			t.Errorf("strict %s: %v", tc.url, err)
		}
		if err := lax.CheckWebhookURL(ctx, tc.url); (err == nil) != tc.lax {
			t.Errorf("allow-private %s: %v", tc.url, err)
		}
	}
}
