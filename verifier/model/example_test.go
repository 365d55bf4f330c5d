package model_test

import (
	"encoding/json"
	"fmt"

	"github.com/satchel-wallet/satchel/verifier/model"
)

// Check reports what is wrong with a credential and reads what the skills
// matcher needs from it: achievements, their skills (alignments) and the
// community-college courses their results are equivalent to.
func ExampleCheck() {
	var doc map[string]any
	if err := json.Unmarshal([]byte(obJSON), &doc); err != nil {
		panic(err)
	}
	sum, findings := model.Check(doc)
	fmt.Println(sum.Kind, sum.Version, sum.IsOB3, len(findings))
	for _, a := range sum.Achievements {
		fmt.Printf("%s (%s, %g credits)\n", a.Name, a.Type, a.CreditsEarned)
		for _, al := range a.Alignments {
			fmt.Println("  skill:", al.TargetName)
		}
		for _, al := range a.ResultAlignments {
			if al.TargetType == "ext:CommunityCollegeCourse" {
				fmt.Println("  equivalent to:", al.TargetCode, "at", al.TargetFramework)
			}
		}
	}

	doc["issuer"] = "Foothill College"
	delete(doc["credentialSubject"].(map[string]any)["achievement"].(map[string]any), "criteria")
	_, findings = model.Check(doc)
	for _, f := range findings {
		fmt.Println(f)
	}
	// Output:
	// credential 2.0 true 0
	// Combat Lifesaver Course (Course, 3 credits)
	//   skill: Emergency medical care
	//   equivalent to: EMS 101 at Foothill College
	// issuer: issuer "Foothill College" is not a URL (issuer-url)
	// credentialSubject.achievement.criteria: an achievement must have criteria (a URL or a narrative) (ob-achievement-criteria)
}
