package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"time"
)

// Guard checks webhook URLs when they are set (hub.WebhookGuard): https
// only, and every address the host resolves to must be public. With
// AllowPrivate (tests, development) http and loopback, private and
// link-local addresses are accepted, and nothing is resolved.
type Guard struct {
	AllowPrivate bool
	// Resolver looks hosts up (nil: net.DefaultResolver).
	Resolver *net.Resolver
	// Timeout bounds a lookup (0: 5s).
	Timeout time.Duration
}

// CheckWebhookURL implements hub.WebhookGuard.
func (g Guard) CheckWebhookURL(ctx context.Context, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return errors.New("is not a valid URL")
	}
	if u.Scheme != "https" && !g.AllowPrivate {
		return errors.New("must be an https URL")
	}
	if g.AllowPrivate {
		return nil
	}
	host := u.Hostname()
	if ip, err := netip.ParseAddr(host); err == nil {
		if Forbidden(ip) {
			return fmt.Errorf("points at a loopback, private or link-local address (%s)", ip)
		}
		return nil
	}
	r := g.Resolver
	if r == nil {
		r = net.DefaultResolver
	}
	timeout := g.Timeout
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil || len(addrs) == 0 {
		return fmt.Errorf("host %q cannot be resolved", host)
	}
	for _, ip := range addrs {
		if Forbidden(ip) {
			return fmt.Errorf("host %q resolves to a loopback, private or link-local address (%s)", host, ip.Unmap())
		}
	}
	return nil
}

// nonPublic lists the ranges no webhook may reach besides those the netip
// predicates name: "this network", carrier-grade NAT, IETF protocol
// assignments, documentation, benchmarking, 6to4 relay, reserved and
// limited broadcast; IPv6 discard-only, NAT64 and documentation.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("192.88.99.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("100::/64"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
}

// Forbidden reports whether a webhook may not reach ip: loopback,
// private (RFC 1918, IPv6 unique local), link-local, unspecified,
// multicast and the other non-public ranges above. IPv4-mapped IPv6
// addresses are judged as IPv4.
func Forbidden(ip netip.Addr) bool {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() {
		return true
	}
	for _, p := range nonPublic {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
