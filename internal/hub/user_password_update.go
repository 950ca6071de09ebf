package hub

import "context"

// UpdateUserWithPassword is UpdateUser that also replaces the user's
// password (when password is not ""), in the same transaction: a
// manager's reset under SetPassword's rules (10 to 1024 characters; the
// caller may not set its own password this way, Forbidden: a user changes
// its own with ChangePassword). The password change bumps the version once
// more, as SetPassword does, so cached verifications of the old password
// stop matching at once. UpdateUser's order of checks holds: the user's
// visibility, the scope and the role checks come before the password is
// judged or hashed.
func (s *Service) UpdateUserWithPassword(ctx context.Context, pr Principal, id int64, ifVersion int64, change func(*User) error, password string) (*User, error) {
	if password == "" {
		return s.UpdateUser(ctx, pr, id, ifVersion, change)
	}
	// The checks that come before the input, as updateUser makes them in
	// its transaction, here so that nobody who may not make this change
	// spends a hash.
	cur, err := s.manageableUser(ctx, s.store, pr, id)
	if err != nil {
		return nil, err
	}
	trial := *cur
	if err := change(&trial); err != nil && !IsKind(err, Invalid) {
		return nil, err
	}
	if err := s.checkRoleChange(pr, cur, &trial); err != nil {
		return nil, err
	}
	if pr.UserID != 0 && cur.ID == pr.UserID {
		return nil, Errorf(Forbidden, "change your own password with your current password")
	}
	hash, err := s.hashPassword(password, false)
	if err != nil {
		return nil, err
	}
	return s.updateUser(ctx, pr, id, ifVersion, change, hash)
}
