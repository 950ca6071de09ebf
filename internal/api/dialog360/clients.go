package dialog360

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// clientRef is the client {client_id} names (a ref; anything else names
// nothing and is NotFound without a query).
func clientRef(r *http.Request) string { return r.PathValue("client_id") }

// listClients serves GET /partners/{partner_id}/clients: the partner's
// own clients (its sub-partners' are listed under their own ids).
func (a *api) listClients(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	lr, err := parseList(r.URL.Query(), clients)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	page, err := a.svc.ListClients(r.Context(), pr, partnerKey(r), true, lr.query)
	if err != nil {
		a.writeError(w, r, listErrors(err))
		return
	}
	a.writeList(w, r, lr, "clients", len(page.Items), page.Total, func(dst []byte, i int) ([]byte, error) {
		return httpapi.AppendJSON(dst, toClient(&page.Items[i]))
	})
}

// getClient serves GET /partners/{partner_id}/clients/{client_id} (ours):
// a client of that very partner.
func (a *api) getClient(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	c, err := a.svc.ClientAt(r.Context(), pr, partnerKey(r), 0, clientRef(r))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toClient(c))
}

// createClient serves POST /partners/{partner_id}/clients (ours): name
// (required), organisation, contact_info, meta_info, partner_payload,
// max_channels -> 201 with the client, active.
func (a *api) createClient(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	in, err := clientInput(body(obj))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	c, err := a.svc.CreateClientAt(r.Context(), pr, partnerKey(r), in)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, toClient(c))
}

// clientInput reads a client create body.
func clientInput(b body) (*hub.Client, error) {
	if err := b.only("name", "organisation", "contact_info", "meta_info", "partner_payload", "max_channels"); err != nil {
		return nil, err
	}
	in := &hub.Client{Status: hub.ClientActive}
	var err error
	if in.Name, _, err = b.str("name"); err != nil {
		return nil, err
	}
	if in.Organisation, _, err = b.str("organisation"); err != nil {
		return nil, err
	}
	if in.PartnerPayload, _, err = b.str("partner_payload"); err != nil {
		return nil, err
	}
	if in.MaxChannels, _, err = b.integer("max_channels"); err != nil {
		return nil, err
	}
	if in.ContactInfo, _, err = b.object("contact_info"); err != nil {
		return nil, err
	}
	if in.MetaInfo, _, err = b.object("meta_info"); err != nil {
		return nil, err
	}
	return in, nil
}

// patchClient serves PATCH /partners/{partner_id}/clients/{client_id}:
// partner_payload (a string; null leaves it) and max_channels (a whole
// number) -> the client.
func (a *api) patchClient(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	b := body(obj)
	if err := b.only("partner_payload", "max_channels"); err != nil {
		a.writeError(w, r, err)
		return
	}
	payload, setPayload, err := b.str("partner_payload")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	maxChannels, setMax, err := b.integer("max_channels")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	c, err := a.svc.UpdateClientAt(r.Context(), pr, partnerKey(r), 0, clientRef(r), 0, func(c *hub.Client) error {
		if setPayload {
			c.PartnerPayload = payload
		}
		if setMax {
			c.MaxChannels = maxChannels
		}
		return nil
	})
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toClient(c))
}
