package hub

import (
	"context"
	"net/url"
	"strings"
	"unicode/utf8"
)

// webhookSecretPrefix marks a webhook signing secret.
const webhookSecretPrefix = "whsec_"

// maxWebhookURLLen bounds a webhook URL.
const maxWebhookURLLen = 2048

// errWebhookURLElsewhere refuses a webhook_url in a partner create or
// update: only SetPartnerWebhook sets it, after the guard's check, and
// issues the signing secret with it.
func errWebhookURLElsewhere() error {
	return InvalidField("webhook_url", "cannot be set with the other partner fields: it is set on its own, which checks where it points and issues its signing secret")
}

// SetPartnerWebhook sets a partner's webhook_url, or clears it with "".
// A URL must be absolute http(s) without credentials, and pass the
// service's WebhookGuard (https to a public address unless the guard
// allows private ones), else Invalid naming webhook_url; without a guard
// it is Unavailable. The first URL a partner gets also creates its signing
// secret, which this call returns (the only time it is shown; "" when the
// partner already had one: RotateWebhookSecret replaces it). Clearing the
// URL keeps the secret. The partner must be visible (else NotFound); then
// it needs NeedPartnersUpdate (else Forbidden); the URL is checked after
// both, outside the transaction (the check resolves the host).
func (s *Service) SetPartnerWebhook(ctx context.Context, pr Principal, key PartnerKey, rawURL string) (*Partner, string, error) {
	p, err := s.visiblePartner(ctx, s.store, pr, key, "partner")
	if err != nil {
		return nil, "", err
	}
	if err := pr.require(NeedPartnersUpdate); err != nil {
		return nil, "", err
	}
	if rawURL != "" {
		if err := s.checkWebhookURL(ctx, rawURL); err != nil {
			return nil, "", err
		}
	}
	var out *Partner
	var secret string
	err = s.retryStale(0, func() error {
		secret = ""
		return s.store.Write(ctx, func(tx Tx) error {
			if err := tx.LockTree(ctx, false); err != nil {
				return err
			}
			cur, err := s.visiblePartner(ctx, tx, pr, PartnerKey{ID: p.ID}, "partner")
			if err != nil {
				return err
			}
			if err := pr.require(NeedPartnersUpdate); err != nil {
				return err
			}
			if rawURL != "" {
				if secret, err = s.ensureWebhookSecret(ctx, tx, pr, cur); err != nil {
					return err
				}
			}
			out = cur
			if cur.WebhookURL == rawURL {
				return nil
			}
			next := *cur
			next.WebhookURL, next.ModifiedAt = rawURL, s.now()
			if err := tx.UpdatePartner(ctx, &next); err != nil {
				return err
			}
			out = &next
			return s.audit(ctx, tx, pr, "update", "partner", idString(next.ID), next.ID, next.Path, cur, &next)
		})
	})
	if err != nil {
		return nil, "", err
	}
	return out, secret, nil
}

// UpdatePartnerWebhook is UpdatePartner that also sets the partner's
// webhook_url (or clears it with ""), all or nothing: one transaction, one
// version bump, one audit row for the partner (and one for a signing
// secret it creates). The URL is checked as SetPartnerWebhook checks it,
// after the partner's visibility (else NotFound) and NeedPartnersUpdate
// (else Forbidden) and before anything is written, so a refused URL is an
// Invalid naming webhook_url that changes nothing; then change runs under
// UpdatePartner's rules. Setting a URL on a partner without a signing
// secret creates one, which this call returns (the only time it is
// shown; "" otherwise).
func (s *Service) UpdatePartnerWebhook(ctx context.Context, pr Principal, key PartnerKey, ifVersion int64, rawURL string, change func(*Partner) error) (*Partner, string, error) {
	if change == nil {
		change = func(*Partner) error { return nil }
	}
	return s.updatePartner(ctx, pr, key, ifVersion, change, partnerExtras{webhook: &rawURL})
}

// ensureWebhookSecret creates cur's signing secret in tx when it has none
// and returns it; "" when cur already had one.
func (s *Service) ensureWebhookSecret(ctx context.Context, tx Tx, pr Principal, cur *Partner) (string, error) {
	have, err := tx.WebhookSecret(ctx, cur.ID)
	if err != nil || have != "" {
		return "", err
	}
	secret := webhookSecretPrefix + newSecret()
	if err := tx.SetWebhookSecret(ctx, cur.ID, secret, s.now()); err != nil {
		return "", err
	}
	return secret, s.audit(ctx, tx, pr, "create", "webhook_secret", idString(cur.ID), cur.ID, cur.Path, nil, nil)
}

// CheckPartnerWebhook makes the checks of SetPartnerWebhook without
// writing anything, in the same order: the partner must be visible (else
// NotFound); then it needs NeedPartnersUpdate (else Forbidden); then a
// non-empty rawURL must pass the URL checks (else Invalid naming
// webhook_url). A face that changes other fields together with the URL
// calls UpdatePartnerWebhook instead, which makes these checks and the
// whole change in one operation.
func (s *Service) CheckPartnerWebhook(ctx context.Context, pr Principal, key PartnerKey, rawURL string) error {
	if _, err := s.visiblePartner(ctx, s.store, pr, key, "partner"); err != nil {
		return err
	}
	if err := pr.require(NeedPartnersUpdate); err != nil {
		return err
	}
	if rawURL == "" {
		return nil
	}
	return s.checkWebhookURL(ctx, rawURL)
}

// RotateWebhookSecret replaces a partner's webhook signing secret with a
// new one and returns it (the only time it is shown). Deliveries signed
// from then on use it, retries of earlier events too. The partner must be
// visible (else NotFound); then it needs NeedPartnersUpdate (else
// Forbidden).
func (s *Service) RotateWebhookSecret(ctx context.Context, pr Principal, key PartnerKey) (string, error) {
	secret := webhookSecretPrefix + newSecret()
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		p, err := s.visiblePartner(ctx, tx, pr, key, "partner")
		if err != nil {
			return err
		}
		if err := pr.require(NeedPartnersUpdate); err != nil {
			return err
		}
		if err := tx.SetWebhookSecret(ctx, p.ID, secret, s.now()); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "rotate", "webhook_secret", idString(p.ID), p.ID, p.Path, nil, nil)
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// checkWebhookURL checks the form of a webhook URL, then asks the guard.
func (s *Service) checkWebhookURL(ctx context.Context, rawURL string) error {
	switch {
	case len(rawURL) > maxWebhookURLLen:
		return InvalidField("webhook_url", "is too long")
	case !utf8.ValidString(rawURL) || strings.ContainsAny(rawURL, "\x00 \t\r\n"):
		return InvalidField("webhook_url", "is not a valid URL")
	}
	u, err := url.Parse(rawURL)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "" || u.Opaque != "":
		return InvalidField("webhook_url", "is not a valid absolute URL")
	case u.Scheme != "https" && u.Scheme != "http":
		return InvalidField("webhook_url", "must be an https URL")
	case u.User != nil:
		return InvalidField("webhook_url", "must not carry credentials")
	case u.Fragment != "":
		return InvalidField("webhook_url", "must not have a fragment")
	}
	if s.webhooks == nil {
		return Errorf(Unavailable, "webhooks are not configured on this server")
	}
	if err := s.webhooks.CheckWebhookURL(ctx, rawURL); err != nil {
		return InvalidField("webhook_url", "%s", err.Error())
	}
	return nil
}

// ListWebhookDeliveries lists the webhook deliveries to a partner, newest
// first unless q orders otherwise, each with its latest attempts. The
// partner must be visible (else NotFound); then it needs
// NeedChangeRequestsRead (the events are change requests'); then q must
// be valid.
func (s *Service) ListWebhookDeliveries(ctx context.Context, pr Principal, key PartnerKey, q ListQuery) (Page[WebhookDelivery], error) {
	p, err := s.visiblePartner(ctx, s.store, pr, key, "partner")
	if err != nil {
		return Page[WebhookDelivery]{}, err
	}
	if err := pr.require(NeedChangeRequestsRead); err != nil {
		return Page[WebhookDelivery]{}, err
	}
	if len(q.Order) == 0 && !q.Shuffle {
		q.Order = []OrderTerm{{Field: "id", Desc: true}}
	}
	if err := q.Validate(WebhookDeliveryListFields); err != nil {
		return Page[WebhookDelivery]{}, err
	}
	return s.store.ListWebhookDeliveries(ctx, p.ID, q)
}

// notifyChangeRequest schedules, in tx, the webhook of cr's current status
// for each of its two partners that has a webhook_url: one delivery row
// and its job, committed with the status change or not at all.
func (s *Service) notifyChangeRequest(ctx context.Context, tx Tx, cr *ChangeRequest) error {
	var event string
	var body []byte
	for _, id := range [...]int64{cr.SourcePartnerID, cr.TargetPartnerID} {
		p, err := tx.Partner(ctx, PartnerKey{ID: id})
		if IsKind(err, NotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if p.WebhookURL == "" {
			continue
		}
		if body == nil {
			if event, body, err = webhookBody(cr); err != nil {
				return err
			}
		}
		d := &WebhookDelivery{PartnerID: id, ChangeRequestID: cr.ID, ChangeRequestRef: cr.Ref, Event: event, Body: body,
			Status: DeliveryPending, Attempts: []WebhookAttempt{}, CreatedAt: s.now()}
		if err := tx.InsertWebhookDelivery(ctx, d); err != nil {
			return err
		}
		if err := tx.EnqueueJob(ctx, WebhookJob{DeliveryID: d.ID}); err != nil {
			return err
		}
	}
	return nil
}
