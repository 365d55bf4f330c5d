package requirements_test

import (
	"fmt"
	"strings"

	"github.com/satchel-wallet/satchel/verifier/requirements"
)

// An employer's requirements, checked against an Army combat medic's
// credential as Satchel's issuer builds it from the Joint Services
// Transcript: the college has found the training equivalent to its EMT
// course, and the result says so, naming the equivalency table row.
func ExampleJob_Match() {
	job, err := requirements.Parse([]byte(`{
	  "id": "emt-sample",
	  "title": "Emergency Medical Technician (sample)",
	  "requirements": [
	    {"id": "emt-course", "name": "EMT course (EMS 101 or equivalent)",
	     "any": [{"equivalentCourse": {"college": "Sierra Vista Community College", "code": "EMS 101"}}]},
	    {"id": "emt-skill", "name": "EMT training (O*NET-SOC 29-2042.00)",
	     "any": [{"skill": {"framework": "O*NET-SOC", "code": "29-2042.00"}}]},
	    {"id": "cna", "name": "Nurse assistant, at least 150 hours",
	     "any": [{"skill": {"framework": "O*NET-SOC", "code": "31-1131.00"}, "minHours": 150}]}
	  ]
	}`))
	if err != nil {
		panic(err)
	}
	// The verifier hands over each credential of the application: its
	// document, summary and verdict.
	medic := candidate("JST-1001-AR-0709-0058", true)
	medic.Ref = "Combat Medic Specialist (JST)"

	for _, r := range job.Match([]requirements.Candidate{medic}) {
		fmt.Printf("%s met=%v by=%q\n", r.ID, r.Met, r.By)
		for _, e := range r.Evidence {
			fmt.Println("  how:", e.How)
			if _, row, ok := strings.Cut(e.Equivalency, "granted by "); ok {
				fmt.Println("  granted by", row[:strings.Index(row, ",")])
			}
		}
		if !r.Met {
			fmt.Println(" ", r.Detail)
		}
	}
	// Output:
	// emt-course met=true by=["Combat Medic Specialist (JST)"]
	//   how: equivalent to EMS 101 Emergency Medical Technician (Sierra Vista Community College)
	//   granted by equivalency table military-cpl v2025.1 row M01
	// emt-skill met=true by=["Combat Medic Specialist (JST)"]
	//   how: aligned to O*NET-SOC 29-2042.00 Emergency Medical Technicians
	// cna met=false by=[]
	//   Not met: no verified credential shows the skill O*NET-SOC 31-1131.00 with at least 150 hours.
}

// Parse is strict, and says where the problem is.
func ExampleParse() {
	_, err := requirements.Parse([]byte(`{
	  "id": "emt-sample", "title": "EMT (sample)",
	  "requirements": [{"id": "emt-course", "name": "EMT course",
	    "any": [{"equivalentCourse": {"colege": "Sierra Vista Community College", "code": "EMS 101"}}]}]
	}`))
	fmt.Println(err)
	// Output:
	// job requirements: requirements[0].any[0].equivalentCourse.colege: unknown field (known here: code, college)
}
