package dialog360

import (
	"net/http"

	"github.com/partnerhub/partnerhub/internal/api/httpapi"
	"github.com/partnerhub/partnerhub/internal/hub"
)

// Account modes of a channel (the vendor's).
var accountModes = []string{"live", "sandbox"}

// listChannels serves GET /partners/{partner_id}/channels: the channels
// of the partner's own clients.
func (a *api) listChannels(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	lr, err := parseList(r.URL.Query(), channels)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	page, err := a.svc.ListChannels(r.Context(), pr, partnerKey(r), true, lr.query)
	if err != nil {
		a.writeError(w, r, listErrors(err))
		return
	}
	a.writeList(w, r, lr, "partner_channels", len(page.Items), page.Total, func(dst []byte, i int) ([]byte, error) {
		return httpapi.AppendJSON(dst, toChannel(&page.Items[i]))
	})
}

// createChannel serves POST /partners/{partner_id}/clients/{client_id}/channels
// (ours): {"setup_info": {"phone_number": "+15551234567", ...},
// "account_mode": "live"|"sandbox"} -> 201 with the channel, ready. The
// number is E.164 and no other channel may hold it (409); account_mode
// defaults to live; setup_info is kept as sent.
func (a *api) createChannel(w http.ResponseWriter, r *http.Request, pr hub.Principal) {
	obj, err := httpapi.ReadObject(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	in, err := channelInput(body(obj))
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	ch, err := a.svc.CreateChannelAt(r.Context(), pr, partnerKey(r), 0, clientRef(r), in)
	if err != nil {
		a.writeError(w, r, channelPublic(err))
		return
	}
	writeJSON(w, http.StatusCreated, toChannel(ch))
}

// channelInput reads a channel create body.
func channelInput(b body) (*hub.Channel, error) {
	if err := b.only("setup_info", "account_mode"); err != nil {
		return nil, err
	}
	setup, ok, err := b.object("setup_info")
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, invalid("setup_info", "is required: {\"phone_number\": \"+15551234567\"}")
	}
	phone, ok := setup["phone_number"].(string)
	if !ok || phone == "" {
		return nil, invalid("setup_info.phone_number", "is required: an E.164 number such as +15551234567")
	}
	mode, sent, err := b.str("account_mode")
	if err != nil {
		return nil, err
	}
	if !sent {
		mode = "live"
	}
	if mode != accountModes[0] && mode != accountModes[1] {
		return nil, invalid("account_mode", "must be live or sandbox")
	}
	return &hub.Channel{Status: hub.ChannelReady, AccountMode: mode, PhoneNumber: phone, SetupInfo: setup}, nil
}

// channelPublic names the channel's number as the caller sent it.
func channelPublic(err error) error {
	return httpapi.RenameFields(err, func(f string) string {
		if f == "phone_number" {
			return "setup_info.phone_number"
		}
		return f
	})
}
