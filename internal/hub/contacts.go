package hub

import "context"

// A partner's or client's contact (ContactUserID) is a user who speaks for
// it. The rules below hold whenever a caller names an existing user as a
// contact, through any face: the user must be visible to the caller, and
// able to see what it is the contact of. A missing and an invisible user
// are the same Invalid error naming "contact", so the answer tells nothing
// about users outside the caller's view.

// checkPartnerContact checks that user id may be the contact of a partner
// at path: a partner-level user the caller can see, homed at that partner
// or one of its ancestors.
func (s *Service) checkPartnerContact(ctx context.Context, r Reader, pr Principal, id int64, path string) error {
	u, err := s.visibleUser(ctx, r, pr, id)
	if IsKind(err, NotFound) {
		return InvalidField("contact", "user not found")
	}
	if err != nil {
		return err
	}
	if u.ClientID != 0 || !PathContains(u.OwnerPartnerPath, path) {
		return InvalidField("contact", "must be a user of the partner or of a partner above it")
	}
	return nil
}

// checkClientContact checks that user id may be the contact of client c:
// a user of that client the caller can see.
func (s *Service) checkClientContact(ctx context.Context, r Reader, pr Principal, id int64, c *Client) error {
	u, err := s.visibleUser(ctx, r, pr, id)
	if IsKind(err, NotFound) {
		return InvalidField("contact", "user not found")
	}
	if err != nil {
		return err
	}
	if u.ClientID != c.ID {
		return InvalidField("contact", "must be a user of the client")
	}
	return nil
}

// Contact returns the contact user of a partner or client (userID, its
// ContactUserID) when the caller may see that user, for showing its name
// and e-mail beside the object; nil when there is none or the caller may
// not see it (a contact homed above the caller's partner). The object
// itself must already have been read through the Service.
func (s *Service) Contact(ctx context.Context, pr Principal, userID int64) (*User, error) {
	if userID == 0 {
		return nil, nil
	}
	u, err := s.visibleUser(ctx, s.store, pr, userID)
	if IsKind(err, NotFound) {
		return nil, nil
	}
	return u, err
}
