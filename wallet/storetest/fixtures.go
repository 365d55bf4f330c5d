package storetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/satchel-wallet/satchel/wallet"
)

// template is one kind of record a California learner brings home.
type template struct {
	kind        wallet.Kind
	issuerID    string
	issuerName  string
	title       string
	description string
	achievement string
	skills      []wallet.Skill
	credits     []wallet.Credit
}

var templates = []template{
	{
		kind: wallet.KindCollege, issuerID: "did:web:etranscript.example:institutions:sierra-vista",
		issuerName: "Sierra Vista Community College (sample)", title: "Human Anatomy",
		description: "Structure of the human body: cells, tissues, and organ systems, with laboratory dissection.",
		achievement: "Course",
		skills:      []wallet.Skill{{Name: "Human anatomy", Code: "26.0403", Framework: "CIP 2020"}},
		credits:     []wallet.Credit{{Course: "BIOL 20", Title: "Human Anatomy", College: "Sierra Vista Community College", Units: 4, Explanation: "Completed at the college."}},
	},
	{
		kind: wallet.KindAdultSchool, issuerID: "did:web:etranscript.example:institutions:harbor-adult",
		issuerName: "Harbor Adult School (sample)", title: "Certified Nursing Assistant",
		description: "State-approved nurse assistant training: 60 hours of theory and 100 hours of clinical practice.",
		achievement: "Certificate",
		skills:      []wallet.Skill{{Name: "Nursing Assistants", Code: "31-1131.00", Framework: "O*NET-SOC"}, {Name: "Patient care", Framework: "Satchel skills"}},
		credits:     []wallet.Credit{{Course: "NRS 100", Title: "Introduction to Nursing", College: "Sierra Vista Community College", Units: 3, Explanation: "Equivalency table adult-cpl v2025.1 row A03."}},
	},
	{
		kind: wallet.KindMilitary, issuerID: "did:web:etranscript.example:institutions:jst",
		issuerName: "Joint Services Transcript Office (sample)", title: "Combat Medic Specialist",
		description: "Sixteen-week course: emergency medical treatment, NREMT-B certification, trauma care, evacuation.",
		achievement: "Course",
		skills:      []wallet.Skill{{Name: "Emergency Medical Technicians", Code: "29-2042.00", Framework: "O*NET-SOC"}},
		credits: []wallet.Credit{
			{Course: "EMS 101", Title: "Emergency Medical Technician", College: "Sierra Vista Community College", Units: 5, Explanation: "Equivalency table military-cpl v2025.1 row M01."},
			{Course: "KIN 120", Title: "First Aid and CPR", College: "Sierra Vista Community College", Units: 1, Explanation: "Equivalency table military-cpl v2025.1 row M01."},
		},
	},
	{
		kind: wallet.KindApprenticeship, issuerID: "did:web:etranscript.example:institutions:valley-jatc",
		issuerName: "Valley Electrical JATC (sample)", title: "Conduit Bending and Installation",
		description: "Competency: bend and install EMT, IMC and rigid conduit to code; 400 hours on the job.",
		achievement: "Competency",
		skills:      []wallet.Skill{{Name: "Electricians", Code: "47-2111.00", Framework: "O*NET-SOC"}, {Name: "Conduit bending", Framework: "Satchel skills"}},
		credits:     []wallet.Credit{{Course: "ELEC 110", Title: "Electrical Wiring Methods", College: "Sierra Vista Community College", Units: 3, Explanation: "Equivalency table apprenticeship-cpl v2025.1 row E02."}},
	},
	{
		kind: wallet.KindOther, issuerID: "did:web:health.example", issuerName: "County Environmental Health (sample)",
		title: "Food Handler Card", description: "Safe food handling for food service workers.",
		achievement: "License",
		skills:      []wallet.Skill{{Name: "Food safety", Framework: "Satchel skills"}},
	},
}

// NewCredential returns the i-th of an endless series of distinct,
// realistic credentials: an Open Badges 3.0 AchievementCredential of about
// 4–5 KB, from one of five kinds of issuer, with skills and equivalent
// community-college credit. Credentials differ in id and bytes; their
// issued dates fall a day apart, going back from 2026-09-01. They are
// unchecked (never verified).
func NewCredential(i int) wallet.Credential {
	tp := templates[i%len(templates)]
	id := fmt.Sprintf("urn:uuid:5a7c4e1b-0000-4000-8000-%012d", i)
	issued := time.Date(2026, 9, 1, 17, 0, 0, 0, time.UTC).AddDate(0, 0, -i)
	title := fmt.Sprintf("%s %d", tp.title, i/len(templates)+1)
	var results, evidence []any
	for _, c := range tp.credits {
		desc := fmt.Sprintf("%s %s (%s, %g units) for %q, completed %s: %s Approved by the discipline faculty and the Articulation Officer.",
			c.Course, c.Title, c.College, c.Units, title, issued.Format(time.DateOnly), c.Explanation)
		results = append(results, map[string]any{
			"type": []string{"Result"}, "value": fmt.Sprint(c.Units),
			"alignment": []any{map[string]any{
				"type": []string{"Alignment"}, "targetName": c.Course + " " + c.Title + " (" + c.College + ")",
				"targetCode": c.Course, "targetFramework": c.College, "targetType": "ext:CommunityCollegeCourse",
				"targetUrl":         "https://catalog.example/courses/" + strings.ToLower(strings.ReplaceAll(c.Course, " ", "-")),
				"targetDescription": desc,
			}},
		})
		evidence = append(evidence, map[string]any{
			"type": []string{"Evidence"}, "name": "Credit for prior learning: " + c.Course + " " + c.Title,
			"description": desc, "narrative": c.Explanation + " " + desc, "genre": "Equivalency determination",
		})
	}
	var alignments []any
	for _, s := range tp.skills {
		alignments = append(alignments, map[string]any{
			"type": []string{"Alignment"}, "targetName": s.Name, "targetCode": s.Code,
			"targetFramework": s.Framework, "targetType": "ceasn:Competency",
			"targetUrl": "https://www.onetonline.org/link/summary/" + s.Code,
		})
	}
	issuer := map[string]any{
		"id": tp.issuerID, "type": []string{"Profile"}, "name": tp.issuerName,
		"url": "https://" + strings.TrimPrefix(tp.issuerID, "did:web:"), "email": "registrar@institution.example",
		"address": map[string]any{"type": []string{"Address"}, "streetAddress": "1 College Way",
			"addressLocality": "Sacramento", "addressRegion": "CA", "postalCode": "95814", "addressCountryCode": "US"},
	}
	doc := map[string]any{
		"@context": []string{"https://www.w3.org/ns/credentials/v2",
			"https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"},
		"id": id, "type": []string{"VerifiableCredential", "AchievementCredential"},
		"name": title, "description": tp.description, "issuer": issuer,
		"validFrom": issued.Format(time.RFC3339),
		"credentialSubject": map[string]any{
			"id": "did:key:z6Mkp46zWtum7cPnBAYv11jLh9YJPAUoqWT2CqjHCEbLmco2", "type": []string{"AchievementSubject"},
			"achievement": map[string]any{
				"id":   fmt.Sprintf("https://%s/achievements/%d", strings.TrimPrefix(tp.issuerID, "did:web:"), i),
				"type": []string{"Achievement"}, "achievementType": tp.achievement, "name": title,
				"description": tp.description, "criteria": map[string]any{"narrative": "Complete " + title + " as the institution's records show. " + tp.description},
				"creator": issuer, "alignment": alignments,
			},
			"result": results,
		},
		"evidence": evidence,
		"credentialSchema": []any{map[string]any{
			"id":   "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
			"type": "1EdTechJsonSchemaValidator2019"}},
		"proof": map[string]any{
			"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022", "created": issued.Format(time.RFC3339),
			"verificationMethod": tp.issuerID + "#key-1", "proofPurpose": "assertionMethod",
			"proofValue": "z" + strings.Repeat("4Jx7cQmN2", 9) + fmt.Sprintf("%04d", i%10000),
		},
	}
	raw, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		panic(err)
	}
	skills := append([]wallet.Skill(nil), tp.skills...)
	credits := append([]wallet.Credit(nil), tp.credits...)
	return wallet.Credential{
		Entry: wallet.Entry{
			Format: "ldp_vc", CredentialID: id, IssuerID: tp.issuerID, IssuerName: tp.issuerName,
			Types: []string{"VerifiableCredential", "AchievementCredential"}, Kind: tp.kind,
			Title: title, Description: tp.description, IssuedAt: issued, Skills: skills, Credits: credits,
			Status: wallet.StatusUnchecked, AddedAt: time.Date(2026, 9, 2, 8, 0, 0, 0, time.UTC),
		},
		Raw: raw,
	}
}
