package carrierx_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/hub"
)

const loginPass = "partner login password"

// basicAuth is an Authorization header for HTTP Basic.
func basicAuth(user, pass string) map[string]string {
	return map[string]string{"Authorization": "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+pass))}
}

// admin creates the System Admin "admin" at the root and returns its
// Basic header.
func (e *env) admin() map[string]string {
	e.user(e.root, "admin", hub.RoleSystemAdmin)
	return basicAuth("admin", testPass)
}

// noSecret fails when the audit log, a response body or the face's log
// holds secret.
func (e *env) noSecret(t *testing.T, secret string, bodies ...[]byte) {
	t.Helper()
	page, err := e.svc.ListAudit(context.Background(), e.sys(), hub.ListQuery{Limit: hub.MaxLimit})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(page.Items)
	for _, where := range []struct {
		name string
		text string
	}{{"audit log", string(b)}, {"face log", e.log.String()}} {
		if strings.Contains(where.text, secret) || strings.Contains(where.text, "$argon2") {
			t.Errorf("the %s holds a password or its hash", where.name)
		}
	}
	for _, body := range bodies {
		if strings.Contains(string(body), secret) || strings.Contains(string(body), `"password"`) {
			t.Errorf("a response echoes the password: %s", body)
		}
	}
}

func TestPartnerLoginCreateAndLogIn(t *testing.T) {
	t.Parallel()
	authEngines(t, func(t *testing.T, e *env) {
		admin := e.admin()
		r := e.do(t, req{method: "POST", path: "/core/v2/partners", header: admin,
			body: `{"company_name":"Acme","login":"Acme.Login","password":"` + loginPass + `"}`}).want(t, http.StatusOK)
		created := r.json(t)
		sid := str(created, "partner_sid")
		if created["login"] != "Acme.Login" {
			t.Fatalf("login answered %v", created["login"])
		}
		if _, ok := created["password"]; ok {
			t.Fatal("the answer has a password key")
		}

		// Basic with the partner's login acts as that partner: it sees
		// itself and nothing above.
		self := basicAuth("acme.login", loginPass)
		list := e.do(t, req{method: "GET", path: "/core/v2/partners", header: self}).want(t, http.StatusOK).json(t)
		items, _ := list["items"].([]any)
		if list["total"] != float64(1) || len(items) != 1 || str(items[0].(map[string]any), "partner_sid") != sid {
			t.Fatalf("the partner login lists %s", mustJSON(t, list))
		}
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + e.root.SID, header: self}).wantError(t, http.StatusNotFound, "")
		got := e.do(t, req{method: "GET", path: "/core/v2/partners/" + sid, header: self}).want(t, http.StatusOK)
		// With a Partner Supervisor's scopes: it may create sub-partners.
		sub := e.do(t, req{method: "POST", path: "/core/v2/partners", header: self, body: `{"company_name":"Sub"}`}).want(t, http.StatusOK).json(t)
		if str(sub, "parent_sid") != sid {
			t.Fatalf("sub-partner of the partner login has parent %v", sub["parent_sid"])
		}

		// The password grant with username=login: a token at the partner
		// with exactly the Partner Supervisor's scopes.
		tok := e.form(t, "/core/v2/oauth/token", "", url.Values{"grant_type": {"password"}, "username": {"ACME.LOGIN"}, "password": {loginPass}}).
			want(t, http.StatusOK).json(t)
		var scopes []string
		for _, s := range tok["scopes"].([]any) {
			scopes = append(scopes, s.(string))
		}
		want := hub.RolePartnerSupervisor.Scopes()
		slices.Sort(want)
		if str(tok, "partner_sid") != sid || !slices.Equal(scopes, want) {
			t.Fatalf("password grant token: partner %v scopes %v, want %s %v", tok["partner_sid"], scopes, sid, want)
		}
		e.do(t, req{method: "GET", path: "/core/v2/partners/" + sid, token: str(tok, "access_token")}).want(t, http.StatusOK)
		e.do(t, req{method: "GET", path: "/core/v2/partners", header: basicAuth("Acme.Login", loginPass+"!")}).wantError(t, http.StatusUnauthorized, "")
		e.noSecret(t, loginPass, r.body, got.body)
	})
}

func TestPartnerLoginRefusals(t *testing.T) {
	t.Parallel()
	authEngines(t, func(t *testing.T, e *env) {
		admin := e.admin()
		create := func(body string) response {
			return e.do(t, req{method: "POST", path: "/core/v2/partners", header: admin, body: body})
		}
		acme := create(`{"company_name":"Acme","login":"acme","password":"`+loginPass+`"}`).want(t, http.StatusOK).json(t)
		count := func() int64 {
			t.Helper()
			ctx := context.Background()
			ps, err := e.svc.ListPartners(ctx, e.sys(), hub.PartnerKey{}, hub.ListQuery{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			us, err := e.svc.ListUsers(ctx, e.sys(), hub.PartnerKey{}, 0, false, hub.ListQuery{Limit: 1})
			if err != nil {
				t.Fatal(err)
			}
			return ps.Total + us.Total
		}
		before := count()
		for _, tc := range []struct {
			body   string
			status int
			field  string
		}{
			{`{"company_name":"Dup","login":"ACME","password":"` + loginPass + `"}`, http.StatusConflict, "login"},
			{`{"company_name":"Dup","login":"Admin","password":"` + loginPass + `"}`, http.StatusConflict, "login"},
			{`{"company_name":"Dup","password":"` + loginPass + `"}`, http.StatusUnprocessableEntity, "login"},
			{`{"company_name":"Dup","login":"shorty","password":"too short"}`, http.StatusUnprocessableEntity, "password"},
			{`{"company_name":"Dup","login":"empty","password":""}`, http.StatusUnprocessableEntity, "password"},
			{`{"company_name":"Dup","login":"two words","password":"` + loginPass + `"}`, http.StatusUnprocessableEntity, "login"},
			{`{"company_name":"Dup","login":"nul\u0000","password":"` + loginPass + `"}`, http.StatusUnprocessableEntity, "login"},
			{`{"company_name":"Dup","login":7,"password":"` + loginPass + `"}`, http.StatusUnprocessableEntity, "login"},
		} {
			create(tc.body).wantError(t, tc.status, tc.field)
		}
		if after := count(); after != before {
			t.Fatalf("refused creates left %d partners or users", after-before)
		}
		// The taken login still logs in with its own password only.
		e.do(t, req{method: "GET", path: "/core/v2/partners", header: basicAuth("acme", loginPass)}).want(t, http.StatusOK)
		e.noSecret(t, loginPass)
		// Deleting the partner deletes its login: it no longer logs in,
		// and the name is free again.
		e.do(t, req{method: "DELETE", path: "/core/v2/partners/" + str(acme, "partner_sid"), header: admin}).want(t, http.StatusNoContent)
		e.do(t, req{method: "GET", path: "/core/v2/partners", header: basicAuth("acme", loginPass)}).wantError(t, http.StatusUnauthorized, "")
		create(`{"company_name":"Acme again","login":"ACME","password":"`+loginPass+`"}`).want(t, http.StatusOK)
	})
}

// TestPartnerLoginLater: a partner created without a login shows login
// null and gets one from an ancestor through PATCH (ours); the partner
// itself may not; the password can be replaced; null keeps the login.
func TestPartnerLoginLater(t *testing.T) {
	t.Parallel()
	authEngines(t, func(t *testing.T, e *env) {
		admin := e.admin()
		p := e.do(t, req{method: "POST", path: "/core/v2/partners", header: admin, body: `{"company_name":"Later"}`}).want(t, http.StatusOK).json(t)
		sid := str(p, "partner_sid")
		if v, ok := p["login"]; !ok || v != nil {
			t.Fatalf("login of a partner created without one: %v", v)
		}
		part, err := e.svc.Partner(context.Background(), e.sys(), hub.PartnerKey{SID: sid})
		if err != nil {
			t.Fatal(err)
		}
		e.user(part, "later.staff", hub.RolePartnerSupervisor)
		staff := basicAuth("later.staff", testPass)
		path := "/core/v2/partners/" + sid
		e.do(t, req{method: "PATCH", path: path, header: staff, body: `{"login":"later","password":"` + loginPass + `"}`}).
			wantError(t, http.StatusForbidden, "")
		r := e.do(t, req{method: "PATCH", path: path, header: admin, body: `{"login":"later","password":"` + loginPass + `"}`}).want(t, http.StatusOK)
		if r.json(t)["login"] != "later" {
			t.Fatalf("PATCH login: %s", r.body)
		}
		e.do(t, req{method: "GET", path: path, header: basicAuth("later", loginPass)}).want(t, http.StatusOK)

		// A new password alone; the old one stops working.
		e.do(t, req{method: "PATCH", path: path, header: admin, body: `{"password":"another long password"}`}).want(t, http.StatusOK)
		e.do(t, req{method: "GET", path: path, header: basicAuth("later", loginPass)}).wantError(t, http.StatusUnauthorized, "")
		e.do(t, req{method: "GET", path: path, header: basicAuth("later", "another long password")}).want(t, http.StatusOK)

		// GET-modify-PUT with the login as shown keeps it; null is no change.
		var obj map[string]any
		_ = json.Unmarshal(e.do(t, req{method: "GET", path: path, header: admin}).body, &obj)
		put := map[string]any{"login": obj["login"]}
		for _, k := range []string{"acls", "address1", "address2", "attributes", "billing_email", "callbacks", "city",
			"company_name", "name", "owner_email", "parent_assigned_acls", "phonenumber", "tech_email", "transformations", "zip"} {
			put[k] = obj[k]
		}
		e.do(t, req{method: "PUT", path: path, header: admin, body: mustJSON(t, put)}).want(t, http.StatusOK)
		// The partner itself may send its login back unchanged (its own
		// GET-modify-PUT), not change it.
		e.do(t, req{method: "PUT", path: path, header: staff, body: mustJSON(t, put)}).want(t, http.StatusOK)
		e.do(t, req{method: "PATCH", path: path, header: staff, body: `{"login":"later"}`}).want(t, http.StatusOK)
		e.do(t, req{method: "PATCH", path: path, header: staff, body: `{"login":"later2"}`}).wantError(t, http.StatusForbidden, "")
		r = e.do(t, req{method: "PATCH", path: path, header: admin, body: `{"login":null,"city":"Lyon"}`}).want(t, http.StatusOK)
		if m := r.json(t); m["login"] != "later" || m["city"] != "Lyon" {
			t.Fatalf("PATCH with login null: %s", r.body)
		}
		e.do(t, req{method: "PATCH", path: path, header: admin, body: `{"login":""}`}).wantError(t, http.StatusUnprocessableEntity, "login")
		e.do(t, req{method: "PATCH", path: path, header: admin, body: `{"login":"admin"}`}).wantError(t, http.StatusConflict, "login")
		e.noSecret(t, loginPass)
		e.noSecret(t, "another long password")
	})
}

// pythonJSON encodes fields as Python's json.dumps does by default: ", "
// and ": " separators, non-ASCII escaped as \uXXXX, in the given order
// (the client iterates a set, so the order is arbitrary).
func pythonJSON(t *testing.T, fields [][2]any) string {
	t.Helper()
	var b strings.Builder
	b.WriteByte('{')
	for i, kv := range fields {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(pythonString(kv[0].(string)) + ": ")
		switch v := kv[1].(type) {
		case string:
			b.WriteString(pythonString(v))
		case float64:
			b.WriteString(fmt.Sprint(v))
		default:
			t.Fatalf("unsupported value %T", v)
		}
	}
	b.WriteByte('}')
	return b.String()
}

func pythonString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r > 0x7e:
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// sendRaw writes one HTTP/1.1 request byte for byte, as python-requests
// frames it, and reads the answer.
func (e *env) sendRaw(t *testing.T, method, path string, headers [][2]string, body string) response {
	t.Helper()
	conn, err := net.Dial("tcp", e.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, path, e.srv.Listener.Addr())
	for _, h := range headers {
		fmt.Fprintf(&b, "%s: %s\r\n", h[0], h[1])
	}
	if body != "" {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(body))
	}
	b.WriteString("\r\n" + body)
	if _, err := io.WriteString(conn, b.String()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rb, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: rb}
}

// TestVendorClientShapedCreate sends POST /core/v2/partners exactly as the
// vendor's public Python client (carrierx/carrierx-python) frames a
// create: ListResource.create posts json.dumps of the create fields that
// are not None, with its connection headers ({'Content-type':
// 'application/json'}) plus python-requests' defaults, and authenticates
// with requests' auth=(username, password), i.e. HTTP Basic, when it has
// no token, or "Authorization: Bearer <token>" when it has one. The
// stored client has no partners resource of its own, so the body holds
// the spec's create fields, each as a Python caller would pass it.
func TestVendorClientShapedCreate(t *testing.T) {
	t.Parallel()
	authEngines(t, func(t *testing.T, e *env) {
		admin := e.admin()
		reseller := e.do(t, req{method: "POST", path: "/core/v2/partners", header: admin,
			body: `{"company_name":"Reseller","login":"reseller","password":"` + loginPass + `"}`}).want(t, http.StatusOK).json(t)
		requestsHeaders := func(auth string) [][2]string {
			return [][2]string{
				{"User-Agent", "python-requests/2.31.0"},
				{"Accept-Encoding", "gzip, deflate"},
				{"Accept", "*/*"},
				{"Connection", "keep-alive"},
				{"Content-type", "application/json"},
				{"Authorization", auth},
			}
		}
		body := pythonJSON(t, [][2]any{
			{"phonenumber", "+14155550100"},
			{"password", "Sécret pässword"},
			{"company_name", "Café Numérique"},
			{"zip", "94105"},
			{"login", "cafe_numerique"},
			{"owner_email", "owner@cafe.example"},
			{"charge_at", "10.00"},
			{"parent_sid", str(reseller, "partner_sid")},
			{"name", "Zoë Doe"},
			{"country_code", "USA"},
			{"payment_type", "prepay"},
			{"prepay_amount", 25.5},
		})
		basic := "Basic " + base64.StdEncoding.EncodeToString([]byte("reseller:"+loginPass))
		r := e.sendRaw(t, "POST", "/core/v2/partners", requestsHeaders(basic), body).want(t, http.StatusOK)
		m := r.json(t)
		if m["login"] != "cafe_numerique" || m["company_name"] != "Café Numérique" || m["name"] != "Zoë Doe" ||
			m["parent_sid"] != str(reseller, "partner_sid") || m["charge_at"] != "10" || m["prepay_amount"] != "25.5" ||
			m["status"] != "unverified" || m["owner_email"] != nil {
			t.Fatalf("created from the client's body: %s", r.body)
		}
		// The new partner's own client (Basic, then a token it got with
		// the password grant) works at once.
		own := "Basic " + base64.StdEncoding.EncodeToString([]byte("cafe_numerique:Sécret pässword"))
		e.sendRaw(t, "GET", "/core/v2/partners/"+str(m, "partner_sid"), requestsHeaders(own), "").want(t, http.StatusOK)
		tok := e.form(t, "/core/v2/oauth/token", "", url.Values{"grant_type": {"password"}, "username": {"cafe_numerique"},
			"password": {"Sécret pässword"}}).want(t, http.StatusOK).json(t)
		sub := pythonJSON(t, [][2]any{{"company_name", "Branch"}, {"login", "branch"}, {"password", loginPass}})
		r = e.sendRaw(t, "POST", "/core/v2/partners", requestsHeaders("Bearer "+str(tok, "access_token")), sub).want(t, http.StatusOK)
		if m2 := r.json(t); m2["parent_sid"] != m["partner_sid"] || m2["login"] != "branch" {
			t.Fatalf("create with the client's token: %s", r.body)
		}
		e.noSecret(t, "Sécret pässword")
	})
}
