package client

import (
	"encoding/json"
	"fmt"
)

// MilitaryBatch is an intake batch (JSON) of n invented learners, each with
// one Joint Services Transcript record of the sample's combat medic course,
// for the sample JST institution: what load tests, benchmarks and crash
// tests send. Learner IDs are prefix followed by from, from+1, ….
func MilitaryBatch(prefix string, from, n int) []byte {
	type obj = map[string]any
	learners := make([]obj, 0, n)
	records := make([]obj, 0, n)
	for i := from; i < from+n; i++ {
		lid := fmt.Sprintf("%s%07d", prefix, i)
		learners = append(learners, obj{"id": lid, "givenName": "Test", "familyName": "Learner " + lid, "email": lid + "@example.org"})
		records = append(records, obj{"id": "JST-" + lid, "kind": "military", "institution": "jst", "learner": lid,
			"military": obj{"aceId": "AR-0709-0058", "title": "Combat Medic Specialist (68W), Army", "branch": "Army",
				"started": "2021-01-04", "completed": "2021-06-30",
				"credit": []obj{{"level": "lower-division", "hours": 6, "subject": "Emergency medical technician"}}}})
	}
	b, err := json.Marshal(obj{"learners": learners, "records": records})
	if err != nil {
		panic(err) // maps of strings and numbers always marshal
	}
	return b
}
