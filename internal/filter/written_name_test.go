package filter

import (
	"errors"
	"strings"
	"testing"
)

// TestErrorsNameTheWrittenField: after a face renamed a condition's Field
// to the domain's name (keeping the written one in As), every compile
// error names the field as written, and Key ignores As.
func TestErrorsNameTheWrittenField(t *testing.T) {
	for _, c := range []struct {
		text, field, as, says string
	}{
		{`d eq x`, "created_at", "date_created", `field "date_created": invalid value "x"`},
		{`d like x`, "created_at", "date_created", `field "date_created": operator "like"`},
		{`d eq null`, "name", "company_name", `field "company_name": field is never null`},
		{`d.k eq 1`, "name.k", "company_name.k", `"company_name" has no sub-fields`},
		{`d eq 1`, "attributes", "meta", `a JSON field needs a key, e.g. meta.key`},
		{`d bit 1`, "name", "company_name", `field "company_name": operator "bit"`},
	} {
		e, err := Parse(c.text)
		if err != nil {
			t.Fatal(err)
		}
		cond := e.(*Cond)
		cond.Field, cond.As = c.field, c.as
		_, _, err = Compile(e, testSchema, SQLite, nil)
		var fe *Error
		if !errors.As(err, &fe) || !strings.Contains(fe.Error(), c.says) {
			t.Errorf("%s as %s: %v; want it to say %s", c.field, c.as, err, c.says)
		}
		if strings.Contains(fe.Error(), `"`+strings.Split(c.field, ".")[0]+`"`) && c.field != c.as {
			t.Errorf("%s as %s: %v names the domain's field", c.field, c.as, err)
		}
		plain := &Cond{Field: cond.Field, Op: cond.Op, Values: cond.Values}
		if Key(e) != Key(plain) {
			t.Errorf("Key depends on As: %s vs %s", Key(e), Key(plain))
		}
	}
}

// TestErrorReason: Reason is the message without the "filter: " prefix,
// for callers that name the parameter themselves.
func TestErrorReason(t *testing.T) {
	_, err := Parse(`name equals x`)
	var fe *Error
	if !errors.As(err, &fe) {
		t.Fatal(err)
	}
	if fe.Reason() != `at position 5: unknown operator "equals"` || fe.Error() != "filter: "+fe.Reason() {
		t.Errorf("Reason %q, Error %q", fe.Reason(), fe.Error())
	}
}
