package httpapi

import (
	"errors"
	"net"
	"net/url"
	"strings"
)

// BaseURL is the client-facing origin absolute links (such as a list's
// pagination.next) are built on: a scheme, a host and an optional path
// prefix. It comes from configuration (serve's --public-url) or from the
// listen address, never from a request: a Host or X-Forwarded-* header is
// chosen by the client, and a link built from it points wherever the
// client (or an attacker who can make it send a header) wants.
//
// The zero BaseURL is http://localhost.
type BaseURL struct {
	scheme, host, prefix string
}

// ParseBaseURL reads a public URL such as "https://api.example.com" or
// "https://example.com/partnerhub" (a path prefix that a proxy strips
// before the request reaches this process). It must be absolute http or
// https with a host, and carry no user info, query or fragment.
func ParseBaseURL(s string) (BaseURL, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	switch {
	case err != nil:
		return BaseURL{}, errors.New("not a URL: " + err.Error())
	case u.Scheme != "http" && u.Scheme != "https":
		return BaseURL{}, errors.New("the scheme must be http or https")
	case u.Host == "" || u.Hostname() == "":
		return BaseURL{}, errors.New("a host is required, such as https://api.example.com")
	case u.User != nil:
		return BaseURL{}, errors.New("user information is not allowed")
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "":
		return BaseURL{}, errors.New("a query or fragment is not allowed")
	}
	return BaseURL{scheme: u.Scheme, host: u.Host, prefix: strings.TrimRight(u.EscapedPath(), "/")}, nil
}

// ListenBaseURL is the base URL of a plain-HTTP listener at addr (host:port,
// as net.Listener.Addr gives it). An unspecified host (0.0.0.0, ::, or
// none) becomes localhost: the process cannot know which of its names the
// clients use, which is what --public-url is for.
func ListenBaseURL(addr string) BaseURL {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = addr, ""
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	if port != "" {
		host = net.JoinHostPort(host, port)
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	return BaseURL{scheme: "http", host: host}
}

// String returns the base URL, such as "https://api.example.com/prefix".
func (b BaseURL) String() string {
	scheme, host := b.scheme, b.host
	if scheme == "" {
		scheme, host = "http", "localhost"
	}
	return scheme + "://" + host + b.prefix
}

// Link returns the absolute URL of path (as the request's URL.Path has it)
// with query q (encoded sorted by key; nil or empty: no query).
func (b BaseURL) Link(path string, q url.Values) string {
	u := url.URL{Scheme: b.scheme, Host: b.host, Path: b.prefix + path}
	if u.Scheme == "" {
		u.Scheme, u.Host = "http", "localhost"
	}
	if b.prefix != "" {
		// prefix is already escaped: keep it as is.
		if p, err := url.PathUnescape(b.prefix); err == nil {
			u.Path = p + path
			u.RawPath = b.prefix + (&url.URL{Path: path}).EscapedPath()
		}
	}
	if len(q) > 0 {
		u.RawQuery = q.Encode()
	}
	return u.String()
}
