package hub

import (
	"slices"
	"strings"
)

// Role is a user's level, high to low in the order of Roles.
type Role string

// The six roles (Bluefin names). System roles live on the root partner;
// client roles belong to a client.
const (
	RoleSystemAdmin       Role = "System Admin"
	RoleSystemUser        Role = "System User"
	RolePartnerSupervisor Role = "Partner Supervisor"
	RolePartnerUser       Role = "Partner User"
	RoleClientAdmin       Role = "Client Admin"
	RoleClientUser        Role = "Client User"
)

// Roles lists every role, highest first.
var Roles = []Role{RoleSystemAdmin, RoleSystemUser, RolePartnerSupervisor, RolePartnerUser, RoleClientAdmin, RoleClientUser}

// Rank orders roles: 0 is the highest; an unknown role ranks below all.
func (r Role) Rank() int {
	if i := slices.Index(Roles, r); i >= 0 {
		return i
	}
	return len(Roles)
}

// Valid reports whether r is one of the six roles.
func (r Role) Valid() bool { return r.Rank() < len(Roles) }

// IsClientLevel reports whether r belongs to a client rather than a partner.
func (r Role) IsClientLevel() bool { return r == RoleClientAdmin || r == RoleClientUser }

// Scopes. A "<resource>.manage" scope implies every other scope of the same
// resource (read, create, update, delete).
const (
	ScopePartnersRead         = "partners.read"
	ScopePartnersCreate       = "partners.create"
	ScopePartnersUpdate       = "partners.update"
	ScopePartnersDelete       = "partners.delete"
	ScopePartnersManage       = "partners.manage"
	ScopeClientsRead          = "clients.read"
	ScopeClientsManage        = "clients.manage"
	ScopeChannelsRead         = "channels.read"
	ScopeChannelsManage       = "channels.manage"
	ScopeUsersRead            = "users.read"
	ScopeUsersManage          = "users.manage"
	ScopeKeysManage           = "keys.manage"
	ScopeTokensManage         = "tokens.manage"
	ScopeChangeRequestsRead   = "change_requests.read"
	ScopeChangeRequestsManage = "change_requests.manage"
	ScopeAuditRead            = "audit.read"
)

// AllScopes lists every scope, sorted.
var AllScopes = func() []string {
	s := []string{ScopePartnersRead, ScopePartnersCreate, ScopePartnersUpdate, ScopePartnersDelete, ScopePartnersManage,
		ScopeClientsRead, ScopeClientsManage, ScopeChannelsRead, ScopeChannelsManage, ScopeUsersRead, ScopeUsersManage,
		ScopeKeysManage, ScopeTokensManage, ScopeChangeRequestsRead, ScopeChangeRequestsManage, ScopeAuditRead}
	slices.Sort(s)
	return s
}()

var readScopes = []string{ScopePartnersRead, ScopeClientsRead, ScopeChannelsRead, ScopeUsersRead, ScopeChangeRequestsRead, ScopeAuditRead}

var roleScopes = map[Role][]string{
	RoleSystemAdmin: AllScopes,
	RoleSystemUser:  append(slices.Clone(readScopes), ScopeTokensManage),
	RolePartnerSupervisor: {ScopePartnersManage, ScopeClientsManage, ScopeChannelsManage, ScopeUsersManage,
		ScopeKeysManage, ScopeTokensManage, ScopeChangeRequestsManage, ScopeAuditRead},
	RolePartnerUser: {ScopePartnersRead, ScopeClientsRead, ScopeClientsManage, ScopeChannelsRead, ScopeChannelsManage,
		ScopeUsersRead, ScopeChangeRequestsRead, ScopeTokensManage},
	RoleClientAdmin: {ScopeClientsRead, ScopeChannelsRead, ScopeChannelsManage, ScopeUsersManage, ScopeChangeRequestsManage, ScopeTokensManage},
	RoleClientUser:  {ScopeClientsRead, ScopeChannelsRead, ScopeTokensManage},
}

// Scopes returns the scopes a role implies (a copy).
func (r Role) Scopes() []string { return slices.Clone(roleScopes[r]) }

// ValidScope reports whether s is a known scope.
func ValidScope(s string) bool { _, ok := slices.BinarySearch(AllScopes, s); return ok }

// HasScope reports whether the principal holds scope, directly or through
// the "<resource>.manage" scope of the same resource.
func (p Principal) HasScope(scope string) bool {
	manage := scope
	if res, _, ok := strings.Cut(scope, "."); ok {
		manage = res + ".manage"
	}
	for _, s := range p.Scopes {
		if s == scope || s == manage {
			return true
		}
	}
	return false
}

// HasAnyScope reports whether the principal holds at least one of scopes.
func (p Principal) HasAnyScope(scopes ...string) bool {
	for _, s := range scopes {
		if p.HasScope(s) {
			return true
		}
	}
	return false
}

// RequireScope returns a Forbidden error unless the principal holds one
// of scopes. Service methods check their own Requirement, after
// visibility; a face must not check scopes ahead of them (an invisible
// object would then answer 403 instead of 404).
func (p Principal) RequireScope(scopes ...string) error {
	if p.HasAnyScope(scopes...) {
		return nil
	}
	return Errorf(Forbidden, "missing scope: one of %s is required", strings.Join(scopes, ", "))
}

// supervisorScopes are the scopes of RolePartnerSupervisor, sorted.
var supervisorScopes = func() []string {
	s := RolePartnerSupervisor.Scopes()
	slices.Sort(s)
	return s
}()

// AvailableScopes returns the scopes partner p may grant: every scope
// for the root; for any other partner the scopes of
// RolePartnerSupervisor, the highest role a non-root partner's users can
// hold. The result is sorted and shared: do not modify it. It depends only
// on whether p is the root, so a rendering of it may be kept per version
// of p.
func AvailableScopes(p *Partner) []string {
	if p.IsRoot() {
		return AllScopes
	}
	return supervisorScopes
}
