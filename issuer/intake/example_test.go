package intake_test

import (
	"errors"
	"fmt"

	"github.com/satchel-wallet/satchel/issuer/intake"
	"github.com/satchel-wallet/satchel/transcript/samples"
)

// A CSV submission from an adult school with two mistakes: every problem is
// reported, with the row, the line and the column, and nothing is returned.
func ExampleParseCSV() {
	set, err := samples.Load()
	if err != nil {
		panic(err)
	}
	school, _ := set.Institution("harbor-adult")
	data := []byte(`record_id,learner_id,given_name,family_name,email,program_code,program,hours,completed
HAS-2001-CNA-1,L-2001,Ana,Ruiz,ana.ruiz@example.org,HAS-CNA,Certified Nurse Assistant,164,2025-06-20
HAS-2002-CPR-1,L-2002,Bo,Li,bo.li@example.org,HAS-CPR,"Heartsaver First Aid, CPR and AED",8,6/20/2025
HAS-2001-HHA-1,L-2001,Ana,Ruíz,ana.ruiz@example.org,HAS-HHA,Home Health Aide,40,2025-08-01
`)
	batch, err := intake.ParseCSV(school, data)
	fmt.Println(len(batch.Records), "records")
	fmt.Println(errors.Is(err, intake.ErrInvalid))
	var problems *intake.Errors
	if errors.As(err, &problems) {
		for _, p := range problems.List {
			fmt.Printf("row %d (%s), line %d, column %s: %s\n", p.Index, p.Record, p.Line, p.Field, p.Reason)
		}
	}
	// Output:
	// 0 records
	// true
	// row 1 (HAS-2002-CPR-1), line 3, column completed: "6/20/2025" is not a date YYYY-MM-DD
	// row 2 (HAS-2001-HHA-1), line 4, column family_name: learner "L-2001" was given with family_name "Ruiz" at line 2, here "Ruíz"
}

// Parse picks the reader by media type, as the issuer's HTTP layer gets it.
func ExampleParse() {
	set, err := samples.Load()
	if err != nil {
		panic(err)
	}
	college, _ := set.Institution("sierra-vista")
	data := []byte(`{
  "learners": [{"id": "L-3001", "givenName": "Lupe", "familyName": "Ortiz", "email": "lupe.ortiz@example.org"}],
  "records": [{"id": "SV-3001-ECE101-FA25", "learner": "L-3001",
    "course": {"code": "ECE 101", "title": "Principles and Practices of Teaching Young Children",
      "term": "Fall 2025", "grade": "a-", "units": 3, "completed": "2025-12-12"}}]
}`)
	batch, err := intake.Parse(college, "application/json; charset=utf-8", data)
	if err != nil {
		panic(err)
	}
	r := batch.Records[0]
	fmt.Println(r.Kind, r.Institution, r.Learner, r.Course.Code, r.Course.Grade)

	_, err = intake.Parse(college, "application/pdf", data)
	fmt.Println(errors.Is(err, intake.ErrMediaType))
	// Output:
	// college sierra-vista L-3001 ECE 101 A-
	// true
}
