package hub

import (
	"context"
	"strings"
)

// emailVerifyActor is the audit actor of a consumed verification token:
// whoever holds the token, who is not otherwise known.
const emailVerifyActor = "public:verify_email"

// errBadVerificationToken is the one answer for a verification token that
// is malformed, unknown, superseded, used, expired, or issued for an
// address the field no longer holds: which one is never revealed.
func errBadVerificationToken() *Error {
	return &Error{Kind: Invalid, Message: "verification token is invalid or expired",
		Fields: []FieldError{{Field: "token", Message: "is invalid or expired"}}}
}

// RequestEmailVerification issues a verification token for one e-mail
// field ("owner_email", "billing_email" or "tech_email") of a visible
// partner (else NotFound). Then it needs NeedPartnersUpdate (else
// Forbidden), and the caller must act from an ancestor of the partner, not
// from the partner itself (Forbidden; only the root, which has no
// ancestor, may ask for its own). The field must be one of the three and
// hold an address (else Invalid naming it). The token is
// single-use, expires after EmailVerificationTTL, and is bound to the
// partner, the field and the exact address held now; it supersedes any
// earlier token for the same partner and field. The plaintext is returned
// once and only its SHA-256 is stored: the caller delivers it to the
// address (partnerhub sends no mail).
func (s *Service) RequestEmailVerification(ctx context.Context, pr Principal, key PartnerKey, field string) (string, error) {
	token := newSecret()
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.LockTree(ctx, false); err != nil {
			return err
		}
		p, err := s.visiblePartner(ctx, tx, pr, key, "partner")
		if p, err = authorize(pr, NeedPartnersUpdate, p, err); err != nil {
			return err
		}
		if p.ID == pr.PartnerID && !p.IsRoot() {
			// The token comes back to the caller: a partner asking for its
			// own would prove nothing about the address.
			return Errorf(Forbidden, "a partner cannot verify its own e-mail addresses; an ancestor partner must request the token")
		}
		if _, _, ok := emailField(&Partner{}, field); !ok {
			return InvalidField("field", "must be one of %s", strings.Join(EmailFields, ", "))
		}
		address, _, _ := emailField(p, field)
		if *address == "" {
			return InvalidField(field, "no address is set; set one before asking to verify it")
		}
		now := s.now()
		v := EmailVerification{PartnerID: p.ID, Field: field, Address: *address, CreatedAt: now, ExpiresAt: now.Add(EmailVerificationTTL)}
		if err := tx.DeleteEmailVerifications(ctx, p.ID, field); err != nil {
			return err
		}
		if err := tx.InsertEmailVerification(ctx, &v, HashSecret(token)); err != nil {
			return err
		}
		return s.audit(ctx, tx, pr, "request", "email_verification", idString(v.ID), p.ID, p.Path, nil, &v)
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// VerifyEmail consumes a verification token; it needs no principal, the
// token is the credential. It sets the verified flag of the token's field
// provided the token is known, unused and unexpired and the field still
// holds the address the token was issued for; any failure is the same
// Invalid "verification token is invalid or expired", and then nothing
// changes. Verifying the owner e-mail of an unverified partner makes it
// active. The partner's version is bumped once. It returns the partner as
// now stored and the verified field.
func (s *Service) VerifyEmail(ctx context.Context, token string) (*Partner, string, error) {
	if len(token) != secretLen || !isBase62(token) {
		return nil, "", errBadVerificationToken()
	}
	var out *Partner
	var field string
	err := s.store.Write(ctx, func(tx Tx) error {
		v, err := tx.EmailVerificationByHash(ctx, HashSecret(token))
		if IsKind(err, NotFound) {
			return errBadVerificationToken()
		}
		if err != nil {
			return err
		}
		now := s.now()
		if !v.usable(now) {
			return errBadVerificationToken()
		}
		cur, err := tx.Partner(ctx, PartnerKey{ID: v.PartnerID})
		if IsKind(err, NotFound) {
			return errBadVerificationToken()
		}
		if err != nil {
			return err
		}
		if address, _, ok := emailField(cur, v.Field); !ok || *address != v.Address {
			return errBadVerificationToken()
		}
		if used, err := tx.UseEmailVerification(ctx, v.ID, now); err != nil || !used {
			if err != nil {
				return err
			}
			return errBadVerificationToken() // a concurrent use won
		}
		activate := v.Field == EmailFieldOwner && cur.Status == StatusUnverified
		if ok, err := tx.MarkEmailVerified(ctx, cur.ID, v.Field, v.Address, activate, now); err != nil || !ok {
			if err != nil {
				return err
			}
			return errBadVerificationToken() // the address changed concurrently
		}
		out, err = tx.Partner(ctx, PartnerKey{ID: cur.ID})
		if err != nil {
			return err
		}
		field = v.Field
		pr := Principal{Actor: emailVerifyActor}
		return s.audit(ctx, tx, pr, "verify_email", "partner", idString(cur.ID), cur.ID, cur.Path, cur, out)
	})
	if err != nil {
		return nil, "", err
	}
	return out, field, nil
}
