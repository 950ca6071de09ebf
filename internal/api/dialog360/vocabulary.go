package dialog360

import (
	"slices"
	"strings"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// resource is what the lists of one resource accept: its vocabulary (the
// face's public names -> the domain's), the filter keys of the spec and
// the sort fields. Every resource's default order is -created_at (the id
// breaking ties).
type resource struct {
	vocab *httpapi.Vocabulary
	// filters maps each filter key to its vocabulary name (the same name,
	// unless the vendor's key is a dot path into an object the domain
	// keeps as separate fields, such as contact_user.email).
	filters map[string]string
	// paths are the object fields whose dot paths are filter keys too
	// (meta_info.tier).
	paths []string
	// sort lists the fields sort accepts.
	sort []string
	// days are the time fields a date filter value matches for a whole day.
	days []string
}

// filterField returns the vocabulary name of a filter key.
func (res *resource) filterField(key string) (string, bool) {
	if f, ok := res.filters[key]; ok {
		return f, true
	}
	head, tail, dotted := strings.Cut(key, ".")
	if dotted && tail != "" && slices.Contains(res.paths, head) {
		return key, true
	}
	return "", false
}

// filterKeyList names the filter keys for messages.
func (res *resource) filterKeyList() string {
	keys := make([]string, 0, len(res.filters)+len(res.paths))
	for k := range res.filters {
		keys = append(keys, k)
	}
	for _, p := range res.paths {
		keys = append(keys, p+".<key>")
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

// same maps each name to itself.
func same(names ...string) map[string]string {
	m := make(map[string]string, len(names))
	for _, n := range names {
		m[n] = n
	}
	return m
}

// clients: the spec's filter keys q, id, name, status, organisation,
// created_at and dot paths into meta_info, contact_info and contact_user
// (name, email, phone). A client's public id is its ref.
var clients = &resource{
	vocab: httpapi.NewVocabulary(hub.ClientListFields, map[string]string{
		"id": "ref", "name": "name", "status": "status", "organisation": "organisation",
		"partner_payload": "partner_payload", "max_channels": "max_channels",
		"created_at": "created_at", "modified_at": "modified_at",
		"meta_info": "meta_info", "contact_info": "contact_info",
		"contact_user_name": "contact_user_name", "contact_user_email": "contact_user_email", "contact_user_phone": "contact_user_phone",
		"q": "q",
	}),
	filters: merge(same("q", "id", "name", "status", "organisation", "created_at"), map[string]string{
		"contact_user.name": "contact_user_name", "contact_user.email": "contact_user_email", "contact_user.phone": "contact_user_phone",
	}),
	paths: []string{"meta_info", "contact_info"},
	sort:  []string{"id", "name", "status", "organisation", "max_channels", "created_at", "modified_at"},
	days:  []string{"created_at"},
}

// channels: the spec's filter keys id, client_id, account_mode and
// status; the public ids are refs.
var channels = &resource{
	vocab: httpapi.NewVocabulary(hub.ChannelListFields, map[string]string{
		"id": "ref", "client_id": "client_ref", "status": "status", "account_mode": "account_mode",
		"created_at": "created_at", "modified_at": "modified_at",
	}),
	filters: same("id", "client_id", "account_mode", "status"),
	sort:    []string{"id", "client_id", "status", "account_mode", "created_at", "modified_at"},
}

// changeRequests: the vendor's PublicV2PCRListFilterIn (q, id, status,
// created_at, is_full_migration and the four ids); the public ids are
// refs.
var changeRequests = &resource{
	vocab: httpapi.NewVocabulary(hub.ChangeRequestListFields, map[string]string{
		"id": "ref", "status": "status", "is_full_migration": "is_full_migration",
		"source_client_id": "source_client_ref", "target_client_id": "target_client_ref",
		"source_partner_id": "source_partner_ref", "target_partner_id": "target_partner_ref",
		"created_at": "created_at", "modified_at": "modified_at", "q": "q",
	}),
	filters: same("q", "id", "status", "created_at", "is_full_migration",
		"source_client_id", "target_client_id", "source_partner_id", "target_partner_id"),
	sort: []string{"id", "status", "is_full_migration", "source_client_id", "target_client_id",
		"source_partner_id", "target_partner_id", "created_at", "modified_at"},
	days: []string{"created_at"},
}

// webhookDeliveries (ours): the deliveries to one partner.
var webhookDeliveries = &resource{
	vocab: httpapi.NewVocabulary(hub.WebhookDeliveryListFields, map[string]string{
		"id": "id", "event": "event", "status": "status", "partner_change_request_id": "change_request_ref",
		"attempt_count": "attempt_count", "created_at": "created_at",
	}),
	filters: same("id", "event", "status", "partner_change_request_id", "created_at"),
	sort:    []string{"id", "event", "status", "attempt_count", "created_at"},
	days:    []string{"created_at"},
}

// apiKeys (ours): one partner's API keys.
var apiKeys = &resource{
	vocab: httpapi.NewVocabulary(hub.APIKeyListFields, map[string]string{
		"id": "id", "name": "name", "prefix": "prefix", "created_at": "created_at",
	}),
	filters: same("id", "name", "prefix", "created_at"),
	sort:    []string{"id", "name", "prefix", "created_at"},
	days:    []string{"created_at"},
}

func merge(a, b map[string]string) map[string]string {
	for k, v := range b {
		a[k] = v
	}
	return a
}
