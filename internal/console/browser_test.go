package console_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/partnerhub/partnerhub/internal/hub"
	"github.com/partnerhub/partnerhub/internal/testdb"
)

// ScreenshotsEnv names the directory the browser tests save their
// screenshots in; default: partnerhub-console-screenshots in the system's
// temporary directory.
const ScreenshotsEnv = "PARTNERHUB_CONSOLE_SCREENSHOTS"

// chromium returns the browser to drive: $PARTNERHUB_CHROMIUM, else
// Debian's chromium on the PATH. Without one the browser tests skip
// locally and fail under CI (CI=true), where .ci/run installs it.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PARTNERHUB_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is not installed: CI must run the browser tests (.ci/run installs the Debian package chromium)")
	}
	t.Skip("Chromium is not installed (apt-get install chromium): browser tests skipped")
	return ""
}

// screenshots returns the directory screenshots go to, created.
func screenshots(t *testing.T) string {
	t.Helper()
	dir := os.Getenv(ScreenshotsEnv)
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "partnerhub-console-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

// tab is one browser tab in a browser context of its own (its own
// cookies), on the console of env e.
type tab struct {
	t   *testing.T
	e   *env
	ctx context.Context
	dir string
}

// newTab opens a tab with fresh cookies in browser.
func newTab(t *testing.T, browser context.Context, e *env, dir string) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	// The first action creates the tab and must not carry a timeout.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	return &tab{t: t, e: e, ctx: ctx, dir: dir}
}

// do runs steps within 30 seconds.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// text returns the visible text of the element sel.
func (b *tab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// eval evaluates a JavaScript expression of the test (not the page's).
func eval[T any](b *tab, expr string) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// open navigates to a console path and waits for its main heading.
func (b *tab) open(path string) {
	b.t.Helper()
	b.do("open "+path, chromedp.Navigate(b.e.srv.URL+path), chromedp.WaitVisible(chromedp.CSS("main h1")))
}

// shot saves a full-page screenshot as <dir>/<name>.png.
func (b *tab) shot(name string) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(b.dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatal(err)
	}
}

// signIn signs in through the form.
func (b *tab) signIn(username string) {
	b.t.Helper()
	b.do("sign in as "+username,
		chromedp.Navigate(b.e.srv.URL+"/console/"),
		chromedp.WaitVisible(chromedp.CSS("#username")),
		chromedp.SendKeys(chromedp.CSS("#username"), username),
		chromedp.SendKeys(chromedp.CSS("#password"), password),
		chromedp.Click(chromedp.CSS(`form button[type="submit"]`)),
		chromedp.WaitVisible(chromedp.CSS(".who")),
	)
}

// TestBrowser drives the console in headless Chromium: one browser,
// four tabs in parallel, each with its own cookies.
func TestBrowser(t *testing.T) {
	chrome := chromium(t)
	dir := screenshots(t)
	e := newEnv(t, testdb.SQLite(t), options{})
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chrome), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 860))
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(alloc)
	t.Cleanup(cancelBrowser)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start Chromium at %s: %v", chrome, err)
	}
	f := e.crFixture()
	t.Run("AdminJourney", func(t *testing.T) { t.Parallel(); adminJourney(t, newTab(t, browser, e, dir)) })
	t.Run("ChangeRequestJourney", func(t *testing.T) { t.Parallel(); changeRequestJourney(t, newTab(t, browser, e, dir), f) })
	t.Run("SiblingSeesNothing", func(t *testing.T) { t.Parallel(); siblingJourney(t, newTab(t, browser, e, dir)) })
	t.Run("CrossOriginPostRefused", func(t *testing.T) { t.Parallel(); crossOriginJourney(t, newTab(t, browser, e, dir)) })
}

// adminJourney: sign in, open the tree and expand a node, find a partner,
// edit it, create a key and revoke it, sign out.
func adminJourney(t *testing.T, b *tab) {
	e := b.e
	ctx := context.Background()
	b.signIn("alice")
	if h := b.text("main h1"); !strings.HasPrefix(h, "Alpha Resellers") {
		t.Fatalf("home heading %q", h)
	}
	b.shot("tree")

	// Expand Alpha One in place (htmx), then fold it again.
	toggle := fmt.Sprintf(`a.toggle[aria-controls="kids-%d"]`, e.alpha1.ID)
	b.do("expand", chromedp.Click(chromedp.CSS(toggle)), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf("#kids-%d .node", e.alpha1.ID))))
	if got := eval[string](b, `document.querySelector('`+toggle+`').getAttribute("aria-expanded")`); got != "true" {
		t.Fatalf("aria-expanded after expanding: %q", got)
	}
	if loc := eval[string](b, "location.pathname"); loc != "/console/" {
		t.Fatalf("expanding navigated to %s", loc)
	}
	b.shot("tree-expanded")
	b.do("fold", chromedp.Click(chromedp.CSS(toggle)), chromedp.WaitNotPresent(chromedp.CSS(fmt.Sprintf("#kids-%d .node", e.alpha1.ID))))

	// Search as you type, then open the match.
	b.open("/console/search")
	b.do("search", chromedp.SendKeys(chromedp.CSS("#q"), "deep"),
		chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#results a[href="/console/partners/%d"]`, e.deep.ID))))
	if loc := eval[string](b, "location.search"); loc != "?q=deep" {
		t.Fatalf("the search did not update the address: %q", loc)
	}
	b.shot("search")
	b.do("open the match", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#results a[href="/console/partners/%d"]`, e.deep.ID))),
		chromedp.WaitVisible(chromedp.CSS("nav.tabs")))
	if h := b.text("main h1"); !strings.HasPrefix(h, "Alpha Deep") {
		t.Fatalf("partner page heading %q", h)
	}
	b.shot("partner")

	// Edit it.
	b.do("edit", chromedp.Click(chromedp.CSS(fmt.Sprintf(`a[href="/console/partners/%d/edit"]`, e.deep.ID))),
		chromedp.WaitVisible(chromedp.CSS("#f-contact-name")),
		chromedp.SetValue(chromedp.CSS("#f-contact-name"), "Dee Contact"),
		chromedp.SetValue(chromedp.CSS("#f-city"), "Lisbon"))
	b.shot("partner-edit")
	b.do("save", chromedp.Click(chromedp.CSS("form.form button.primary")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	if msg := b.text(".flash"); !strings.Contains(msg, "Saved the changes to Alpha Deep") {
		t.Fatalf("after saving: %q", msg)
	}
	if p, _ := e.svc.Partner(ctx, e.sys, keyOf(e.deep.ID)); p.ContactName != "Dee Contact" || p.City != "Lisbon" {
		t.Fatalf("saved partner: %q %q", p.ContactName, p.City)
	}

	// Create a key; its secret is on this page only.
	b.open("/console/keys/new")
	b.do("new key", chromedp.SendKeys(chromedp.CSS("#f-name"), "browser key"),
		chromedp.Click(chromedp.CSS(`input[name="scopes"][value="partners.read"]`)),
		chromedp.Click(chromedp.CSS("form.form button.primary")),
		chromedp.WaitVisible(chromedp.CSS("#secret")))
	secret := eval[string](b, `document.querySelector("#secret").value`)
	b.shot("key-created")
	if _, err := e.svc.AuthenticateKey(ctx, secret); err != nil {
		t.Fatalf("the key shown does not work: %v", err)
	}
	// Revoke it after confirming.
	b.open("/console/keys")
	b.do("revoke", chromedp.Click(chromedp.CSS(`a[aria-label="Revoke the key browser key"]`)),
		chromedp.WaitVisible(chromedp.CSS("button.danger")),
		chromedp.Click(chromedp.CSS("button.danger")),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	b.shot("keys")
	if _, err := e.svc.AuthenticateKey(ctx, secret); !hub.IsKind(err, hub.Unauthenticated) {
		t.Fatalf("the revoked key: %v", err)
	}
	b.open("/console/audit")
	b.shot("audit")
	b.open("/console/users")
	b.shot("users")

	// Sign out: back to the sign-in page, and the console is closed.
	b.do("sign out", chromedp.Click(chromedp.CSS(".who button")), chromedp.WaitVisible(chromedp.CSS("#username")))
	if notice := b.text(".notice"); !strings.Contains(notice, "You are signed out") {
		t.Fatalf("after signing out: %q", notice)
	}
	b.shot("signed-out")
	b.do("reopen", chromedp.Navigate(e.srv.URL+"/console/"), chromedp.WaitVisible(chromedp.CSS("#username")))
}

// siblingJourney: bob, in a sibling branch, sees none of alice's objects,
// by the tree, by search, or by typing their URLs (the same page as for a
// missing object).
func siblingJourney(t *testing.T, b *tab) {
	e := b.e
	b.signIn("bob")
	body := func() string { return eval[string](b, "document.body.innerText") }
	if h := b.text("main h1"); !strings.HasPrefix(h, "Beta Partners") || strings.Contains(body(), "Alpha") {
		t.Fatalf("bob's home: %q", h)
	}
	pairs := [][2]string{
		{fmt.Sprintf("/console/partners/%d", e.alpha1.ID), "/console/partners/987654321"},
		{fmt.Sprintf("/console/clients/%d", e.client.ID), "/console/clients/987654321"},
		{fmt.Sprintf("/console/users/%d", e.alice.ID), "/console/users/987654321"},
		{fmt.Sprintf("/console/keys/%d/revoke", e.key.ID), "/console/keys/987654321/revoke"},
	}
	for _, p := range pairs {
		b.open(p[0])
		theirs := body()
		b.open(p[1])
		if none := body(); theirs != none || !strings.Contains(theirs, "Not found") {
			t.Errorf("%s shows %q; a missing object shows %q", p[0], theirs, none)
		}
	}
	b.open(pairs[0][0])
	b.shot("sibling-not-found")
	b.open("/console/search?q=Alpha")
	if text := body(); !strings.Contains(text, "No partner in your branch matches") || strings.Contains(text, "Alpha One") {
		t.Fatalf("bob's search: %q", text)
	}
}

// crossOriginJourney: a page of another origin on the same host (same
// site, so a SameSite=Strict cookie alone would not stop it) posts a form
// to the console in a signed-in browser; the console refuses it and the
// key stays active.
func crossOriginJourney(t *testing.T, b *tab) {
	e := b.e
	b.signIn("alice")
	target := fmt.Sprintf("%s/console/keys/%d/revoke", e.srv.URL, e.key.ID)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>A prize</title><form id="f" method="post" action="%s"><input name="csrf" value="guessed"></form>`+
			`<script>document.getElementById("f").submit()</script>`, target)
	}))
	t.Cleanup(evil.Close)
	b.do("visit the other origin", chromedp.Navigate(evil.URL), chromedp.WaitVisible(chromedp.CSS("main h1")))
	if loc := eval[string](b, "location.href"); loc != target {
		t.Fatalf("the form did not reach the console: %s", loc)
	}
	if text := eval[string](b, "document.body.innerText"); !strings.Contains(text, "cross-origin requests are refused") {
		t.Fatalf("the console's answer: %q", text)
	}
	b.shot("cross-origin-refused")
	if _, err := e.svc.AuthenticateKey(context.Background(), e.secret); err != nil {
		t.Fatalf("the cross-origin post revoked the key: %v", err)
	}
}

// changeRequestJourney: alice gives her partner a webhook (its secret
// shown once), opens the incoming change request and approves it after
// confirming; while the request is pending the workers start, and the
// status part of the page turns completed by itself, without a reload;
// the webhook deliveries are then listed as delivered.
func changeRequestJourney(t *testing.T, b *tab, f *crFix) {
	e := b.e
	ctx := context.Background()
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	t.Cleanup(receiver.Close)
	b.signIn("alice")

	hooks := fmt.Sprintf("/console/partners/%d/webhooks", e.alpha.ID)
	b.open("/console/webhooks")
	b.do("set the webhook URL", chromedp.Click(chromedp.CSS(`a[href="`+hooks+`/url"]`)),
		chromedp.WaitVisible(chromedp.CSS("#f-webhook-url")),
		chromedp.SendKeys(chromedp.CSS("#f-webhook-url"), receiver.URL+"/hook"),
		chromedp.Click(chromedp.CSS("form.form button.primary")),
		chromedp.WaitVisible(chromedp.CSS("#secret")))
	if secret := eval[string](b, `document.querySelector("#secret").value`); !strings.HasPrefix(secret, "whsec_") {
		t.Fatalf("the secret shown: %q", secret)
	}
	b.shot("webhook-secret")

	b.open(fmt.Sprintf("/console/clients/%d/change-request", e.client.ID))
	b.shot("change-request-new")

	page := fmt.Sprintf("/console/change-requests/%d", f.cr.ID)
	b.open("/console/change-requests")
	b.shot("change-requests")
	b.do("open the request", chromedp.Click(chromedp.CSS(`#results a[href="`+page+`"]`)), chromedp.WaitVisible(chromedp.CSS(`#cr-status[data-status="created"]`)))
	b.shot("change-request")
	b.do("approve", chromedp.Click(chromedp.CSS(`a[href="`+page+`/approve"]`)), chromedp.WaitVisible(chromedp.CSS("form.actions button.primary")))
	b.shot("change-request-approve")
	b.do("confirm", chromedp.Click(chromedp.CSS("form.actions button.primary")), chromedp.WaitVisible(chromedp.CSS(`#cr-status[data-status="pending"]`)))
	if msg := b.text(".flash"); !strings.Contains(msg, "The migration runs now") {
		t.Fatalf("after approving: %q", msg)
	}
	b.shot("change-request-pending")

	// Mark this document, then let the workers run: the status must
	// turn completed in the same document (a reload would lose the mark).
	eval[bool](b, "window.partnerhubTestMark = true")
	stop := e.startWorkers(t)
	defer stop()
	b.do("see it complete", chromedp.WaitVisible(chromedp.CSS(`#cr-status[data-status="completed"]`)))
	if !eval[bool](b, "window.partnerhubTestMark === true") {
		t.Fatal("the page reloaded to show the completed status")
	}
	if got := eval[bool](b, `document.querySelector("#cr-status").hasAttribute("hx-trigger")`); got {
		t.Fatal("the completed status still polls")
	}
	if audit := b.text("#cr-audit"); !strings.Contains(audit, "complete") || !strings.Contains(audit, "job:change_request_migration") {
		t.Fatalf("the audit entries after completion: %q", audit)
	}
	b.shot("change-request-completed")
	if cl, _ := e.svc.Client(ctx, e.sys, f.client.ID, ""); cl.PartnerID != e.alpha.ID {
		t.Fatalf("the client is at partner %d", cl.PartnerID)
	}

	waitFor(t, "the completed event to be delivered", func() bool {
		page, err := e.svc.ListWebhookDeliveries(ctx, e.sys, keyOf(e.alpha.ID), hub.ListQuery{Limit: 10, Filter: nil})
		return err == nil && len(page.Items) == 2 && page.Items[0].Status == hub.DeliveryDelivered && page.Items[1].Status == hub.DeliveryDelivered
	})
	b.open(hooks)
	if text := b.text("#results"); !strings.Contains(text, "partner_change_request.completed") || !strings.Contains(text, "HTTP 204") {
		t.Fatalf("the deliveries: %q", text)
	}
	b.shot("webhooks")
}
