package hub

import "testing"

// A closed request whose source and target partners were both deleted
// (their paths read "") stays readable by the root's callers and by
// nobody below the root; a live request is seen from either side's
// subtree only.
func TestSeesChangeRequest(t *testing.T) {
	root := RootPath(1)
	a := ChildPath(root, 2)
	b := ChildPath(root, 3)
	live := &ChangeRequest{SourcePartnerPath: ChildPath(a, 4), TargetPartnerPath: b}
	orphan := &ChangeRequest{SourceClientID: 9}
	cases := []struct {
		name string
		pr   Principal
		cr   *ChangeRequest
		want bool
	}{
		{"root sees a live request", Principal{PartnerPath: root}, live, true},
		{"root sees an orphaned request", Principal{PartnerPath: root}, orphan, true},
		{"source ancestor sees it", Principal{PartnerPath: a}, live, true},
		{"target sees it", Principal{PartnerPath: b}, live, true},
		{"a sibling does not", Principal{PartnerPath: ChildPath(root, 5)}, live, false},
		{"below the root nobody sees an orphan", Principal{PartnerPath: a}, orphan, false},
		{"a principal without a path sees nothing", Principal{}, live, false},
		{"the source client's user sees it", Principal{PartnerPath: a, ClientID: 9}, orphan, true},
		{"another client's user does not", Principal{PartnerPath: root, ClientID: 8}, orphan, false},
	}
	for _, c := range cases {
		if got := c.pr.seesChangeRequest(c.cr); got != c.want {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}
