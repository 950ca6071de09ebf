package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"syscall"
	"time"

	"github.com/partnerhub/partnerhub/internal/hub"
)

// DefaultTimeout bounds one delivery attempt, connection included.
const DefaultTimeout = 10 * time.Second

// Sender POSTs deliveries. Its zero value is not usable: build it with
// NewSender.
type Sender struct {
	client       *http.Client
	allowPrivate bool
	userAgent    string
	now          func() time.Time
}

// errForbiddenAddress is the dial error for an address no webhook may
// reach.
var errForbiddenAddress = errors.New("the webhook host resolves to a loopback, private or link-local address")

// NewSender returns a sender whose connections may reach only public
// addresses (any address with allowPrivate), checked on the address
// dialled, after resolution; it follows no redirect and uses no proxy
// from the environment. timeout bounds an attempt (0: DefaultTimeout).
func NewSender(allowPrivate bool, timeout time.Duration, userAgent string) *Sender {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	dialer := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		dialer.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || Forbidden(ap.Addr()) {
				return errForbiddenAddress
			}
			return nil
		}
	}
	transport := &http.Transport{
		Proxy:               nil,
		DialContext:         dialer.DialContext,
		TLSHandshakeTimeout: timeout,
		MaxIdleConnsPerHost: 2,
		IdleConnTimeout:     30 * time.Second,
	}
	return &Sender{
		client: &http.Client{Transport: transport, Timeout: timeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		allowPrivate: allowPrivate, userAgent: userAgent, now: time.Now,
	}
}

// Send POSTs delivery d to target once and reports the attempt: the
// status code (0 when none came) and, unless it is 2xx, why it failed.
func (s *Sender) Send(ctx context.Context, target hub.WebhookTarget, d *hub.WebhookDelivery) hub.WebhookAttempt {
	start := s.now()
	a := hub.WebhookAttempt{At: start.UTC()}
	a.Error = s.send(ctx, target, d, &a)
	a.DurationMS = s.now().Sub(start).Milliseconds()
	return a
}

func (s *Sender) send(ctx context.Context, target hub.WebhookTarget, d *hub.WebhookDelivery, a *hub.WebhookAttempt) string {
	u, err := url.Parse(target.URL)
	if err != nil || (u.Scheme != "https" && !(s.allowPrivate && u.Scheme == "http")) {
		return "the webhook_url is not an https URL"
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target.URL, bytes.NewReader(d.Body))
	if err != nil {
		return "the webhook_url cannot be requested"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", s.userAgent)
	req.Header.Set(EventHeader, d.Event)
	req.Header.Set(DeliveryHeader, strconv.FormatInt(d.ID, 10))
	req.Header.Set(SignatureHeader, Sign(target.Secret, a.At.Unix(), d.Body))
	resp, err := s.client.Do(req)
	if err != nil {
		if errors.Is(err, errForbiddenAddress) {
			return errForbiddenAddress.Error()
		}
		var ue *url.Error
		if errors.As(err, &ue) && ue.Timeout() {
			return "no answer within the timeout"
		}
		return "connection failed: " + shortError(err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	a.StatusCode = resp.StatusCode
	if !a.OK() {
		return fmt.Sprintf("the receiver answered %d", resp.StatusCode)
	}
	return ""
}

// shortError keeps the innermost, most telling part of a network error
// (the URL is already the partner's own).
func shortError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	msg := err.Error()
	if len(msg) > 200 {
		msg = msg[:200]
	}
	return msg
}
