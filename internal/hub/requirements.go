package hub

import (
	"slices"
	"strings"
)

// A Requirement is the scope one kind of Service operation requires. The
// caller needs the scope itself or the "<resource>.manage" scope of its
// resource (Principal.HasScope).
//
// Every Service method checks its requirement itself, in one order for
// all: first whether the caller may see the object (an invisible object is
// NotFound, exactly like a missing one), then the requirement (Forbidden),
// then the rules of the operation and the validity of its input. Faces put
// the requirements into their route tables (AnyOf) only to document them
// and to drive the access matrix; they do not check them again.
type Requirement string

// The requirement of each operation, with the Service methods that check it.
const (
	// Partner, ListPartners, IsVisible.
	NeedPartnersRead Requirement = ScopePartnersRead
	// CreatePartner, VisibleParent.
	NeedPartnersCreate Requirement = ScopePartnersCreate
	// UpdatePartner, MovePartner, DeactivatePartner, RequestEmailVerification,
	// SetPartnerWebhook, RotateWebhookSecret.
	NeedPartnersUpdate Requirement = ScopePartnersUpdate
	// DeletePartner.
	NeedPartnersDelete Requirement = ScopePartnersDelete
	// Client, ListClients.
	NeedClientsRead Requirement = ScopeClientsRead
	// CreateClient, UpdateClient.
	NeedClientsManage Requirement = ScopeClientsManage
	// Channel, ListChannels.
	NeedChannelsRead Requirement = ScopeChannelsRead
	// CreateChannel, UpdateChannel.
	NeedChannelsManage Requirement = ScopeChannelsManage
	// User, ListUsers.
	NeedUsersRead Requirement = ScopeUsersRead
	// CreateUser, UpdateUser, DeactivateUser, SetPassword.
	NeedUsersManage Requirement = ScopeUsersManage
	// CreateAPIKey, ListAPIKeys, RevokeAPIKey.
	NeedKeysManage Requirement = ScopeKeysManage
	// IssueToken, IssueTokenForPartner, ListTokens, OwnToken, RevokeToken.
	NeedTokensManage Requirement = ScopeTokensManage
	// ListAudit.
	NeedAuditRead Requirement = ScopeAuditRead
	// ChangeRequest, ListChangeRequests, ChangeRequestSettings,
	// ListWebhookDeliveries.
	NeedChangeRequestsRead Requirement = ScopeChangeRequestsRead
	// CreateChangeRequest, ApproveChangeRequest, RejectChangeRequest,
	// SetChangeRequestAutoApprove.
	NeedChangeRequestsManage Requirement = ScopeChangeRequestsManage
)

// AnyOf returns the scopes of which a caller needs one to meet r, sorted:
// r's scope and the manage scope of its resource when there is one (one
// scope when r is a manage scope, or its resource has none, as audit).
// The slice is new on every call.
func (r Requirement) AnyOf() []string {
	s := string(r)
	out := []string{s}
	if res, _, ok := strings.Cut(s, "."); ok && res+".manage" != s && ValidScope(res+".manage") {
		out = append(out, res+".manage")
	}
	slices.Sort(out)
	return out
}

// require returns a Forbidden error unless the principal meets r.
func (p Principal) require(r Requirement) error {
	if p.HasScope(string(r)) {
		return nil
	}
	return Errorf(Forbidden, "missing scope: one of %s is required", strings.Join(r.AnyOf(), ", "))
}

// authorize returns obj, looked up with the caller's visibility (err is
// NotFound for an invisible one), when the principal also meets need: the
// order of every check, visibility first.
func authorize[T any](pr Principal, need Requirement, obj *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	if err := pr.require(need); err != nil {
		return nil, err
	}
	return obj, nil
}
