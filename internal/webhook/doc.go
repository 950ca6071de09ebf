// Package webhook sends the domain's webhook deliveries: it signs each
// body (Sign, Verify), checks where a webhook URL points (Guard, at set
// time) and connects only to allowed addresses (Sender, at delivery time,
// on the address actually dialled, so a name that resolves elsewhere later
// — DNS rebinding — gains nothing).
//
// Signature header, on every POST:
//
//	X-Partnerhub-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
//
// A receiver recomputes the HMAC over the timestamp, a dot and the raw
// body with its partner's secret, compares in constant time and refuses
// timestamps too far from its clock (Verify does all three). Deliveries
// are at least once: a crash after a receiver answered and before the
// answer was recorded sends the delivery again, with the same
// X-Partnerhub-Delivery id, by which receivers recognise a repeat.
package webhook
