package httpapi

import (
	"errors"
	"strings"
	"testing"

	"github.com/partnerhub/partnerhub/internal/filter"
	"github.com/partnerhub/partnerhub/internal/hub"
)

var testVocabulary = NewVocabulary(hub.PartnerListFields, map[string]string{
	"company_name": "name",
	"name":         "contact_name",
	"date_created": "created_at",
	"attributes":   "attributes",
})

func TestVocabularyFilter(t *testing.T) {
	e, err := filter.Parse(`company_name eq a and (not name eq b or attributes.tier eq gold) and date_created gt 2000-01-01`)
	if err != nil {
		t.Fatal(err)
	}
	if err := testVocabulary.Filter("filter", e); err != nil {
		t.Fatal(err)
	}
	want := `and(and(cond("name",eq,"a"),or(not(cond("contact_name",eq,"b")),cond("attributes.tier",eq,"gold"))),cond("created_at",gt,"2000-01-01"))`
	if got := filter.Key(e); got != want {
		t.Errorf("translated:\n got %s\nwant %s", got, want)
	}
	var conds []*filter.Cond
	var walk func(filter.Expr)
	walk = func(e filter.Expr) {
		switch x := e.(type) {
		case *filter.And:
			walk(x.Left)
			walk(x.Right)
		case *filter.Or:
			walk(x.Left)
			walk(x.Right)
		case *filter.Not:
			walk(x.X)
		case *filter.Cond:
			conds = append(conds, x)
		}
	}
	walk(e)
	for _, c := range conds {
		if c.As == "" {
			t.Errorf("%s: the written name is lost (As %q)", c.Field, c.As)
		}
	}

	e, _ = filter.Parse(`company_name eq a and contact_name eq b`)
	err = testVocabulary.Filter("filters", e)
	var he *hub.Error
	if !errors.As(err, &he) || he.Kind != hub.Invalid || he.Fields[0].Field != "filters" ||
		!strings.Contains(he.Message, `at position 22: unknown field "contact_name"; fields: attributes, company_name, date_created, name`) {
		t.Errorf("unknown field: %v", err)
	}
}

func TestVocabularyOrder(t *testing.T) {
	terms := []hub.OrderTerm{{Field: "company_name", Desc: true}, {Field: "date_created"}}
	if err := testVocabulary.Order("sort", terms); err != nil {
		t.Fatal(err)
	}
	if terms[0].Field != "name" || terms[0].As != "company_name" || !terms[0].Desc || terms[1].Field != "created_at" {
		t.Errorf("translated: %+v", terms)
	}
	// Translating again (a retry) keeps the written name.
	if err := testVocabulary.Order("sort", terms); err != nil || terms[0].Field != "name" {
		t.Errorf("again: %+v %v", terms, err)
	}
	err := testVocabulary.Order("sort", []hub.OrderTerm{{Field: "created_at"}})
	if err == nil || !strings.Contains(err.Error(), `sort: unknown field "created_at"`) {
		t.Errorf("domain name accepted: %v", err)
	}
}

func TestVocabularyWiring(t *testing.T) {
	if pub, ok := testVocabulary.Public("contact_name"); !ok || pub != "name" {
		t.Errorf("Public(contact_name) = %q %v", pub, ok)
	}
	if dom, ok := testVocabulary.Domain("attributes.a.b"); !ok || dom != "attributes.a.b" {
		t.Errorf("Domain(attributes.a.b) = %q %v", dom, ok)
	}
	defer func() {
		if recover() == nil {
			t.Error("a public name mapped to no domain field was accepted")
		}
	}()
	NewVocabulary(hub.PartnerListFields, map[string]string{"company_name": "company_name"})
}

func TestRenameFields(t *testing.T) {
	err := &hub.Error{Kind: hub.Invalid, Message: "limit: must be an integer from 1 to 1000",
		Fields: []hub.FieldError{{Field: "limit", Message: "must be an integer from 1 to 1000"}, {Field: "offset", Message: "x"}}}
	got := RenameFields(err, func(f string) string {
		return map[string]string{"limit": "take", "offset": "skip"}[f]
	})
	var he *hub.Error
	if !errors.As(got, &he) || he.Message != "take: must be an integer from 1 to 1000 (and 1 more)" || he.Fields[1].Field != "skip" {
		t.Errorf("renamed: %+v", got)
	}
	if err.Fields[0].Field != "limit" {
		t.Error("the original error was modified")
	}
	same := func(f string) string { return f }
	if RenameFields(err, same) != error(err) {
		t.Error("an unchanged error was rebuilt")
	}
	plain := errors.New("x")
	if RenameFields(plain, same) != plain {
		t.Error("a plain error was changed")
	}
}
