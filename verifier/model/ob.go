package model

import "slices"

// Open Badges 3.0 and CLR 2.0 rules. They follow the `required` lists and
// type constraints of the official 1EdTech JSON Schemas
// (ob_v3p0_achievementcredential_schema.json,
// clr_v2p0_clrcredential_schema.json) and the type checks of the 1EdTech
// validator, with the exceptions doc.go lists.

// maxProfileDepth bounds the parentOrg chain.
const maxProfileDepth = 16

// achievementCredential checks an OB 3.0 AchievementCredential (or
// OpenBadgeCredential) and reads its achievements.
func (c *checker) achievementCredential(doc map[string]any, path string, ctx contexts, sum *Summary) {
	c.obEnvelope(doc, path, ctx, "ob", "an OB 3.0 AchievementCredential")
	p := join(path, "credentialSubject")
	v, ok := doc["credentialSubject"]
	if !ok {
		return
	}
	if _, isArray := v.([]any); isArray {
		c.add(p, "ob-subject-format", "an AchievementCredential has one credentialSubject object, not a list")
	}
	for i, e := range items(v) {
		s, isObject := e.(map[string]any)
		if !isObject {
			continue
		}
		sp := itemPath(p, v, i)
		if !hasType(s["type"], "AchievementSubject") {
			c.add(join(sp, "type"), "ob-subject-type", "the credential subject's type must include \"AchievementSubject\"")
		}
		c.identityObjects(s, sp)
		if src, has := s["source"]; has {
			c.profile(src, join(sp, "source"), 0)
		}
		c.image(s, sp)
		c.results(s, sp)
		c.number(s, sp, "creditsEarned")
		c.obDate(s, sp, "activityStartDate")
		c.obDate(s, sp, "activityEndDate")
		ap := join(sp, "achievement")
		a, has := s["achievement"]
		if !has {
			c.add(ap, "ob-achievement-missing", "an AchievementSubject must have an achievement")
			continue
		}
		am, isObject := a.(map[string]any)
		if !isObject {
			c.add(ap, "ob-achievement-format", "the achievement must be an object, not %s", describe(a))
			continue
		}
		c.achievement(am, ap)
		sum.Achievements = append(sum.Achievements, achievementOf(am, s, ap, sum, true))
	}
}

// obEnvelope checks what OB 3.0 and CLR 2.0 add to the VC envelope: their
// context, an id, validFrom (VC 2.0), Profile issuers and Evidence types.
func (c *checker) obEnvelope(doc map[string]any, path string, ctx contexts, prefix, what string) {
	switch {
	case prefix == "clr" && !ctx.has(isCLRContext):
		c.add(join(path, "@context"), "clr-context", "%s must include the CLR 2.0 context (https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json)", what)
	case prefix == "ob" && !ctx.has(isOBContext):
		c.add(join(path, "@context"), "ob-context", "%s must include the Open Badges 3.0 context (https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json)", what)
	}
	if _, ok := doc["id"]; !ok {
		c.add(join(path, "id"), prefix+"-id", "%s must have an id", what)
	}
	if _, ok := doc["validFrom"]; !ok && ctx.version == V2 {
		c.add(join(path, "validFrom"), prefix+"-valid-from", "%s must have a validFrom", what)
	}
	if iss, ok := doc["issuer"].(map[string]any); ok {
		c.profile(iss, join(path, "issuer"), 0)
	}
	c.obDate(doc, path, "awardedDate")
	if ev, ok := doc["evidence"]; ok {
		p := join(path, "evidence")
		for i, e := range items(ev) {
			if m, isObject := e.(map[string]any); isObject && !hasType(m["type"], "Evidence") {
				c.add(join(itemPath(p, ev, i), "type"), "ob-evidence-type", "OB 3.0 evidence's type must include \"Evidence\"")
			}
		}
	}
}

// endorsementCredential checks an OB 3.0 EndorsementCredential's subject.
func (c *checker) endorsementCredential(doc map[string]any, path string, ctx contexts) {
	if !ctx.has(isOBContext) {
		c.add(join(path, "@context"), "ob-context", "an EndorsementCredential must include the Open Badges 3.0 context")
	}
	if iss, ok := doc["issuer"].(map[string]any); ok {
		c.profile(iss, join(path, "issuer"), 0)
	}
	p := join(path, "credentialSubject")
	v, ok := doc["credentialSubject"]
	if !ok {
		return
	}
	if _, isArray := v.([]any); isArray {
		c.add(p, "ob-endorsement-subject", "an EndorsementCredential has one credentialSubject object, not a list")
	}
	for i, e := range items(v) {
		s, isObject := e.(map[string]any)
		if !isObject {
			continue
		}
		sp := itemPath(p, v, i)
		if !hasType(s["type"], "EndorsementSubject") {
			c.add(join(sp, "type"), "ob-endorsement-subject", "the endorsement subject's type must include \"EndorsementSubject\"")
		}
		if _, has := s["id"]; !has {
			c.add(join(sp, "id"), "ob-endorsement-subject", "the endorsement subject must have the id of what it endorses")
		}
	}
}

// untypedOB catches an OB 3.0 or CLR 2.0 subject in a credential whose
// type does not say so.
func (c *checker) untypedOB(doc map[string]any, path string, ctx contexts) {
	if !ctx.has(isOBContext) && !ctx.has(isCLRContext) {
		return
	}
	for _, e := range items(doc["credentialSubject"]) {
		s, _ := e.(map[string]any)
		switch {
		case hasType(s["type"], "AchievementSubject"):
			c.add(join(path, "type"), "ob-credential-type", "the subject is an AchievementSubject, so type must include \"AchievementCredential\" or \"OpenBadgeCredential\"")
			return
		case hasType(s["type"], "ClrSubject"):
			c.add(join(path, "type"), "clr-credential-type", "the subject is a ClrSubject, so type must include \"ClrCredential\"")
			return
		}
	}
}

// clr checks a CLR 2.0 ClrCredential, each credential it bundles (as a
// credential in its own right), and reads their achievements.
func (c *checker) clr(doc map[string]any, path string, depth int, ctx contexts, sum *Summary) {
	c.obEnvelope(doc, path, ctx, "clr", "a CLR 2.0 ClrCredential")
	if text(doc["name"]) == "" {
		c.add(join(path, "name"), "clr-name", "a ClrCredential must have a name")
	}
	p := join(path, "credentialSubject")
	v, ok := doc["credentialSubject"]
	if !ok {
		return
	}
	sd := depth + 1
	if _, isArray := v.([]any); isArray {
		c.add(p, "clr-subject-format", "a ClrCredential has one credentialSubject object, not a list")
		sd++
	}
	var listed []Achievement
	for i, e := range items(v) {
		s, isObject := e.(map[string]any)
		if !isObject {
			continue
		}
		sp := itemPath(p, v, i)
		if !hasType(s["type"], "ClrSubject") {
			c.add(join(sp, "type"), "clr-subject-type", "the credential subject's type must include \"ClrSubject\"")
		}
		c.identityObjects(s, sp)
		c.clrCredentials(s, sp, sd+1, sum)
		if a, has := s["achievement"]; has {
			ap := join(sp, "achievement")
			for j, e := range items(a) {
				ip := itemPath(ap, a, j)
				am, isObject := e.(map[string]any)
				if !isObject {
					c.add(ip, "ob-achievement-format", "an achievement must be an object, not %s", describe(e))
					continue
				}
				c.achievement(am, ip)
				listed = append(listed, achievementOf(am, nil, ip, sum, false))
			}
		}
		c.associations(s, sp)
	}
	awarded := map[string]bool{}
	for _, a := range sum.Achievements {
		awarded[a.ID] = true
	}
	for _, a := range listed {
		if a.ID == "" || !awarded[a.ID] {
			sum.Achievements = append(sum.Achievements, a)
		}
	}
}

// clrCredentials checks the credentials a ClrSubject bundles; vd is the
// JSON depth of the verifiableCredential value.
func (c *checker) clrCredentials(s map[string]any, sp string, vd int, sum *Summary) {
	p := join(sp, "verifiableCredential")
	v, ok := s["verifiableCredential"]
	list := items(v)
	if !ok || len(list) == 0 {
		c.add(p, "clr-credentials", "a ClrSubject must bundle at least one verifiable credential")
		return
	}
	if _, isArray := v.([]any); isArray {
		vd++
	}
	for i, e := range list {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		if !isObject {
			c.add(ip, "clr-credential-format", "a CLR's verifiableCredential entries must be credential objects, not %s", describe(e))
			continue
		}
		if vd > MaxDepth || !c.visit(ip) {
			continue
		}
		var n Summary
		if hasType(m["type"], envelopedVC) {
			n = c.enveloped(m, ip, Credential)
		} else {
			n = c.credential(m, ip, vd)
		}
		sum.Credentials = append(sum.Credentials, n)
		sum.Achievements = append(sum.Achievements, n.Achievements...)
	}
}

// resultStatuses is OB 3.0's ResultStatusType, a closed vocabulary.
var resultStatuses = []string{"Completed", "Enrolled", "Failed", "InProgress", "OnHold", "Provisional", "Withdrew"}

var associationTypes = []string{"exactMatchOf", "isChildOf", "isParentOf", "isPartOf", "isPeerOf", "isRelatedTo", "precedes", "replacedBy"}

// associations checks a ClrSubject's associations between achievements.
func (c *checker) associations(s map[string]any, sp string) {
	v, ok := s["association"]
	if !ok {
		return
	}
	p := join(sp, "association")
	for i, e := range items(v) {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		if !isObject {
			c.add(ip, "clr-association", "an association must be an object, not %s", describe(e))
			continue
		}
		if !hasType(m["type"], "Association") {
			c.add(join(ip, "type"), "clr-association", "an association's type must be \"Association\"")
		}
		if at := str(m["associationType"]); !slices.Contains(associationTypes, at) {
			c.add(join(ip, "associationType"), "clr-association", "associationType must be one of %v, not %s", associationTypes, describe(m["associationType"]))
		}
		for _, k := range []string{"sourceId", "targetId"} {
			if str(m[k]) == "" {
				c.add(join(ip, k), "clr-association", "an association must have a %s", k)
			}
		}
	}
}

// achievement checks an OB 3.0 Achievement.
func (c *checker) achievement(a map[string]any, p string) {
	switch id, has := a["id"]; {
	case !has:
		c.add(join(p, "id"), "ob-achievement-id", "an achievement must have an id (a URI)")
	case !isURL(str(id)):
		c.add(join(p, "id"), "ob-achievement-id", "an achievement's id must be a URI, not %s", describe(id))
	}
	if !hasType(a["type"], "Achievement") {
		c.add(join(p, "type"), "ob-achievement-type", "an achievement's type must include \"Achievement\"")
	}
	if text(a["name"]) == "" {
		c.add(join(p, "name"), "ob-achievement-name", "an achievement must have a name")
	}
	if text(a["description"]) == "" {
		c.add(join(p, "description"), "ob-achievement-description", "an achievement must have a description")
	}
	cp := join(p, "criteria")
	switch cr, has := a["criteria"]; {
	case !has:
		c.add(cp, "ob-achievement-criteria", "an achievement must have criteria (a URL or a narrative)")
	default:
		m, isObject := cr.(map[string]any)
		_, hasID := m["id"]
		_, hasNarrative := m["narrative"]
		switch {
		case !isObject:
			c.add(cp, "ob-achievement-criteria", "criteria must be an object, not %s", describe(cr))
		case !hasID && !hasNarrative:
			c.add(cp, "ob-achievement-criteria", "criteria must give an id (a URL) or a narrative")
		case hasID && !isURL(str(m["id"])):
			c.add(join(cp, "id"), "ob-achievement-criteria", "criteria.id must be a URL")
		}
	}
	c.alignments(a, p)
	if cr, has := a["creator"]; has {
		c.profile(cr, join(p, "creator"), 0)
	}
	c.identifierEntries(a, p)
	c.resultDescriptions(a, p)
	c.related(a, p)
	c.image(a, p)
	c.number(a, p, "creditsAvailable")
}

// alignments checks obj.alignment: Alignment objects naming a target and
// its URL.
func (c *checker) alignments(obj map[string]any, path string) {
	v, ok := obj["alignment"]
	if !ok {
		return
	}
	p := join(path, "alignment")
	for i, e := range items(v) {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		if !isObject {
			c.add(ip, "ob-alignment", "an alignment must be an object, not %s", describe(e))
			continue
		}
		if !hasType(m["type"], "Alignment") {
			c.add(join(ip, "type"), "ob-alignment", "an alignment's type must include \"Alignment\"")
		}
		if text(m["targetName"]) == "" {
			c.add(join(ip, "targetName"), "ob-alignment", "an alignment must have a targetName")
		}
		if !isURL(str(m["targetUrl"])) {
			c.add(join(ip, "targetUrl"), "ob-alignment", "an alignment must have a targetUrl that is a URL")
		}
	}
}

// results checks an AchievementSubject's results.
func (c *checker) results(s map[string]any, sp string) {
	v, ok := s["result"]
	if !ok {
		return
	}
	p := join(sp, "result")
	for i, e := range items(v) {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		if !isObject {
			c.add(ip, "ob-result", "a result must be an object, not %s", describe(e))
			continue
		}
		if !hasType(m["type"], "Result") {
			c.add(join(ip, "type"), "ob-result", "a result's type must include \"Result\"")
		}
		if st, has := m["status"]; has && !slices.Contains(resultStatuses, str(st)) {
			c.add(join(ip, "status"), "ob-result", "a result's status must be one of %v, not %s", resultStatuses, describe(st))
		}
		c.alignments(m, ip)
	}
}

// resultDescriptions checks an achievement's result descriptions and their
// rubric levels.
func (c *checker) resultDescriptions(a map[string]any, path string) {
	v, ok := a["resultDescription"]
	if !ok {
		return
	}
	p := join(path, "resultDescription")
	for i, e := range items(v) {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		if !isObject {
			c.add(ip, "ob-result-description", "a result description must be an object, not %s", describe(e))
			continue
		}
		if !hasType(m["type"], "ResultDescription") {
			c.add(join(ip, "type"), "ob-result-description", "a result description's type must include \"ResultDescription\"")
		}
		c.required(m, ip, "ob-result-description", "a result description", "id", "name", "resultType")
		c.alignments(m, ip)
		lv, has := m["rubricCriterionLevel"]
		if !has {
			continue
		}
		lp := join(ip, "rubricCriterionLevel")
		for j, e := range items(lv) {
			jp := itemPath(lp, lv, j)
			l, isObject := e.(map[string]any)
			if !isObject {
				c.add(jp, "ob-rubric-level", "a rubric criterion level must be an object, not %s", describe(e))
				continue
			}
			if !hasType(l["type"], "RubricCriterionLevel") {
				c.add(join(jp, "type"), "ob-rubric-level", "a rubric criterion level's type must include \"RubricCriterionLevel\"")
			}
			c.required(l, jp, "ob-rubric-level", "a rubric criterion level", "id", "name")
			c.alignments(l, jp)
		}
	}
}

// related checks an achievement's related achievements.
func (c *checker) related(a map[string]any, path string) {
	v, ok := a["related"]
	if !ok {
		return
	}
	p := join(path, "related")
	for i, e := range items(v) {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		switch {
		case !isObject:
			c.add(ip, "ob-related", "a related entry must be an object, not %s", describe(e))
		case !hasType(m["type"], "Related"):
			c.add(join(ip, "type"), "ob-related", "a related entry's type must include \"Related\"")
		case !isURL(str(m["id"])):
			c.add(join(ip, "id"), "ob-related", "a related entry must have an id that is a URI")
		}
	}
}

// identityObjects checks a subject's identifier entries (IdentityObject).
func (c *checker) identityObjects(s map[string]any, sp string) {
	v, ok := s["identifier"]
	if !ok {
		return
	}
	p := join(sp, "identifier")
	for i, e := range items(v) {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		if !isObject {
			c.add(ip, "ob-identity-object", "an identifier must be an IdentityObject, not %s", describe(e))
			continue
		}
		if !hasType(m["type"], "IdentityObject") {
			c.add(join(ip, "type"), "ob-identity-object", "an identifier's type must be \"IdentityObject\"")
		}
		if _, isBool := m["hashed"].(bool); !isBool {
			c.add(join(ip, "hashed"), "ob-identity-object", "an IdentityObject must say whether it is hashed (true or false)")
		}
		if str(m["identityHash"]) == "" {
			c.add(join(ip, "identityHash"), "ob-identity-object", "an IdentityObject must have an identityHash")
		}
		if str(m["identityType"]) == "" {
			c.add(join(ip, "identityType"), "ob-identity-object", "an IdentityObject must have an identityType")
		}
	}
}

// identifierEntries checks otherIdentifier entries (IdentifierEntry).
func (c *checker) identifierEntries(obj map[string]any, path string) {
	v, ok := obj["otherIdentifier"]
	if !ok {
		return
	}
	p := join(path, "otherIdentifier")
	for i, e := range items(v) {
		ip := itemPath(p, v, i)
		m, isObject := e.(map[string]any)
		if !isObject {
			c.add(ip, "ob-identifier-entry", "an otherIdentifier entry must be an IdentifierEntry object, not %s", describe(e))
			continue
		}
		if !hasType(m["type"], "IdentifierEntry") {
			c.add(join(ip, "type"), "ob-identifier-entry", "an otherIdentifier entry's type must be \"IdentifierEntry\"")
		}
		c.required(m, ip, "ob-identifier-entry", "an IdentifierEntry", "identifier", "identifierType")
	}
}

// profile checks an OB 3.0 Profile (an issuer, a creator, a source, a
// parent organisation); a plain URL reference is accepted, as the schema's
// ProfileRef does for the issuer.
func (c *checker) profile(v any, p string, depth int) {
	switch x := v.(type) {
	case string:
		if !isURL(x) {
			c.add(p, "ob-profile", "a profile reference must be a URL, not %s", describe(x))
		}
		return
	case map[string]any:
		switch id, has := x["id"]; {
		case !has:
			c.add(join(p, "id"), "ob-profile-id", "a Profile must have an id (a URI)")
		case !isURL(str(id)):
			c.add(join(p, "id"), "ob-profile-id", "a Profile's id must be a URI, not %s", describe(id))
		}
		if !hasType(x["type"], "Profile") {
			c.add(join(p, "type"), "ob-profile-type", "a Profile's type must include \"Profile\"")
		}
		c.identifierEntries(x, p)
		c.image(x, p)
		if a, has := x["address"]; has {
			if m, isObject := a.(map[string]any); !isObject || !hasType(m["type"], "Address") {
				c.add(join(p, "address"), "ob-address", "an address must be an object whose type includes \"Address\"")
			}
		}
		if po, has := x["parentOrg"]; has && depth < maxProfileDepth {
			c.profile(po, join(p, "parentOrg"), depth+1)
		}
	default:
		c.add(p, "ob-profile", "a profile must be an object or a URL, not %s", describe(v))
	}
}

// image checks obj.image: a URI or an Image object.
func (c *checker) image(obj map[string]any, path string) {
	v, ok := obj["image"]
	if !ok {
		return
	}
	p := join(path, "image")
	switch x := v.(type) {
	case string:
		if !isURL(x) {
			c.add(p, "ob-image", "an image must be a URI or an Image object, not %s", describe(x))
		}
	case map[string]any:
		if !isURL(str(x["id"])) {
			c.add(join(p, "id"), "ob-image", "an Image must have an id that is a URI")
		}
		if !hasType(x["type"], "Image") {
			c.add(join(p, "type"), "ob-image", "an Image's type must be \"Image\"")
		}
	default:
		c.add(p, "ob-image", "an image must be a URI or an Image object, not %s", describe(v))
	}
}

// number checks that obj[key], when present, is a number.
func (c *checker) number(obj map[string]any, path, key string) {
	if v, ok := obj[key]; ok {
		if _, isNumber := number(v); !isNumber {
			c.add(join(path, key), "ob-number", "%s must be a number, not %s", key, describe(v))
		}
	}
}

// obDate checks that obj[key], when present, is an RFC 3339 date-time.
func (c *checker) obDate(obj map[string]any, path, key string) {
	if v, ok := obj[key]; ok {
		if _, valid := parseDateTime(str(v), true); !valid {
			c.add(join(path, key), "ob-date-format", "%s must be a date-time with a time zone, not %s", key, describe(v))
		}
	}
}

// required reports each of keys that obj lacks (or holds empty).
func (c *checker) required(obj map[string]any, path, rule, what string, keys ...string) {
	for _, k := range keys {
		v, ok := obj[k]
		if !ok || v == nil || text(v) == "" && idOf(v) == "" {
			c.add(join(path, k), rule, "%s must have a %s", what, k)
		}
	}
}

// achievementOf reads an achievement, and the results its subject s (nil
// for a CLR's list) holds, from the credential sum summarises.
func achievementOf(a, s map[string]any, path string, sum *Summary, awarded bool) Achievement {
	x := Achievement{
		ID:           str(a["id"]),
		Name:         text(a["name"]),
		Description:  text(a["description"]),
		Type:         str(a["achievementType"]),
		HumanCode:    text(a["humanCode"]),
		FieldOfStudy: text(a["fieldOfStudy"]),
		Alignments:   alignmentsOf(a["alignment"]),
		Awarded:      awarded,
		CredentialID: sum.ID,
		Issuer:       sum.Issuer,
		Path:         path,
	}
	x.CreditsAvailable, _ = number(a["creditsAvailable"])
	if s == nil {
		return x
	}
	x.CreditsEarned, _ = number(s["creditsEarned"])
	for _, r := range objects(s["result"]) {
		res := Result{
			ResultDescription: idOf(r["resultDescription"]),
			Value:             text(r["value"]),
			Status:            str(r["status"]),
			AchievedLevel:     idOf(r["achievedLevel"]),
			Alignments:        alignmentsOf(r["alignment"]),
		}
		x.Results = append(x.Results, res)
		x.ResultAlignments = append(x.ResultAlignments, res.Alignments...)
	}
	return x
}

func alignmentsOf(v any) []Alignment {
	var out []Alignment
	for _, m := range objects(v) {
		out = append(out, Alignment{
			TargetName:        text(m["targetName"]),
			TargetCode:        text(m["targetCode"]),
			TargetFramework:   text(m["targetFramework"]),
			TargetType:        str(m["targetType"]),
			TargetURL:         str(m["targetUrl"]),
			TargetDescription: text(m["targetDescription"]),
		})
	}
	return out
}

// objects returns the objects among v's items.
func objects(v any) []map[string]any {
	var out []map[string]any
	for _, e := range items(v) {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
