package hub

// Principal is who is calling: a partner (and everything below it) or a
// single client. Every Service method takes the principal first and
// authorizes against it, so every face inherits the same rule.
type Principal struct {
	PartnerID   int64    // home partner
	PartnerPath string   // home partner's path, the bound of what is visible
	ClientID    int64    // non-zero for client-level principals: only that client is visible
	UserID      int64    // the acting user (a token's or key creator's user); 0 for keys and system principals
	Actor       string   // who, for audit: "user:12", "key:7", "system:seed"
	Role        Role     // the acting user's role (a key or token acts with its creator's)
	Scopes      []string // what the caller may do; never more than Role implies
}

// SystemPrincipal returns a principal rooted at root, for bootstrap, seeding
// and operator commands.
func SystemPrincipal(root *Partner, actor string) Principal {
	return Principal{PartnerID: root.ID, PartnerPath: root.Path, Actor: actor, Role: RoleSystemAdmin, Scopes: AllScopes}
}

// SeesPath reports whether a partner at path lies in the principal's
// subtree. Client-level principals see no partner.
func (p Principal) SeesPath(path string) bool {
	return p.ClientID == 0 && PathContains(p.PartnerPath, path)
}
