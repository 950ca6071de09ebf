package loadtest

import (
	"fmt"
	"strings"
	"testing"
)

func TestTemplateExpandsPlaceholdersAndLeavesJSONBraces(t *testing.T) {
	v := vars{sid: "S", id: "7", same: "F", branch: "3", n: 42, dialog360: dialog360{pa: "xPA", client: "yCL"}}
	for _, c := range []struct{ in, want string }{
		{"/api/v2/partners/{pa}/clients/{client}", "/api/v2/partners/xPA/clients/yCL"},
		{"/core/v2/partners/{sid}", "/core/v2/partners/S"},
		{"/api/v1/partners/{id}?partner={branch}", "/api/v1/partners/7?partner=3"},
		{"/p/{same}?x={n}&y={sid}", "/p/F?x=42&y=S"},
		{`{"city":"Load {n}"}`, `{"city":"Load 42"}`},
		{`{}{ {x {Sid} {1}`, `{}{ {x {Sid} {1}`},
		{"", ""},
	} {
		tp, err := parseTemplate(c.in)
		if err != nil {
			t.Fatalf("%q: %v", c.in, err)
		}
		if got := string(tp.expand(nil, v)); got != c.want {
			t.Errorf("%q expands to %q, want %q", c.in, got, c.want)
		}
	}
	if _, err := parseTemplate("/p/{uid}"); err == nil || !strings.Contains(err.Error(), "{uid}") {
		t.Errorf("an unknown placeholder is accepted: %v", err)
	}
}

func TestBuiltInScenariosAreWellFormed(t *testing.T) {
	cfg := DefaultConfig()
	if err := cfg.validate(); err != nil {
		t.Fatal(err)
	}
	if len(cfg.Scenarios) != 15 {
		t.Errorf("%d scenarios, want the 7 of issue 11, the 3 of /api/v1 and the 5 of /api/v2", len(cfg.Scenarios))
	}
	if bluefinBranchPage.Path != "/api/v1/partners?partner={branch}&take=100" {
		t.Errorf("the /api/v1 page URL is %s", bluefinBranchPage.Path)
	}
	want := "/core/v2/partners?limit=100&filter=country_code%20eq%20%22USA%22&order=name"
	if carrierxUSAPage.Path != want {
		t.Errorf("the page URL is %s, want %s", carrierxUSAPage.Path, want)
	}
	bad := Scenario{Name: "x", Tree: Branch, Requests: []Request{{Method: "GET", Pattern: "POST /x", Path: "/x"}}}
	if err := bad.check(); err == nil {
		t.Error("a pattern of another method is accepted")
	}
	got, unknown := SelectScenarios(Scenarios(), "write-mix, get-same")
	if unknown != "" || len(got) != 2 || got[0].Name != "get-same" || got[1].Name != "write-mix" {
		t.Errorf("selected %v (unknown %q), want get-same and write-mix in table order", got, unknown)
	}
	if _, unknown := SelectScenarios(Scenarios(), "get-same,nope"); unknown != "nope" {
		t.Errorf("unknown name reported as %q", unknown)
	}
}

func TestTargetDrawsByShareAndRepeatsWithTheSeed(t *testing.T) {
	var mix Scenario
	for _, s := range Scenarios() {
		if s.Name == "write-mix" {
			mix = s
		}
	}
	ids := make([]string, 50)
	for i := range ids {
		ids[i] = fmt.Sprintf("sid-%d", i)
	}
	draws := func(seed uint64) (seq []string, patches int) {
		tg := newTarget(&mix, ids, "Bearer T", seed)
		for range 10_000 {
			k, v := tg.draw()
			seq = append(seq, k.Method+" "+string(k.path.expand(nil, v)))
			if k.Method == "PATCH" {
				patches++
				if got := string(k.body.expand(nil, v)); !strings.HasPrefix(got, `{"city":"Load `) {
					t.Fatalf("PATCH body %s", got)
				}
			}
			if k.header.Get("Authorization") != "Bearer T" {
				t.Fatalf("header %v", k.header)
			}
		}
		return seq, patches
	}
	a, patches := draws(7)
	if patches < 350 || patches > 650 {
		t.Errorf("%d PATCHes in 10,000 draws, want about 5%%", patches)
	}
	b, _ := draws(7)
	c, _ := draws(8)
	if strings.Join(a, ",") != strings.Join(b, ",") {
		t.Error("the same seed drew different requests")
	}
	if strings.Join(a, ",") == strings.Join(c, ",") {
		t.Error("another seed drew the same requests")
	}
}

func TestDepth1Prefix(t *testing.T) {
	for path, want := range map[string]string{"/1/": "", "/1/32/": "/1/32/", "/1/32/517/9/": "/1/32/"} {
		got, ok := depth1Prefix(path)
		if got != want || ok != (want != "") {
			t.Errorf("depth1Prefix(%s) = %q %v, want %q", path, got, ok, want)
		}
	}
}
