package requirements

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"

	"github.com/satchel-wallet/satchel/transcript"
)

// Limits on a job requirements file. Going past one is a parse error that
// names the limit.
const (
	// MaxFileSize is the largest file Parse reads.
	MaxFileSize = 256 << 10
	// MaxDepth is how deeply the file's objects and arrays may nest.
	MaxDepth = 32
	// MaxRequirements is how many requirements a job lists.
	MaxRequirements = 100
	// MaxAlternatives is how many alternatives one requirement offers.
	MaxAlternatives = 20
	// MaxInputDescriptors is how many input descriptors the Presentation
	// Exchange definition holds.
	MaxInputDescriptors = 50
	// MaxFields is how many fields one input descriptor constrains.
	MaxFields = 20
	// MaxPaths is how many JSONPath expressions one field tries.
	MaxPaths = 10
	// MaxJobs is how many files LoadDir reads.
	MaxJobs = 500

	maxIDLen   = 64
	maxNameLen = 300
	maxTextLen = 8000
	maxAmount  = 100_000
)

// ErrInvalid is what every error about a job requirements file matches
// (errors.Is): the file is not usable as it is, and nothing was loaded.
var ErrInvalid = errors.New("invalid job requirements")

// FieldError is one problem in a job requirements file: where it is (a path
// such as "requirements[2].any[0].equivalentCourse.code", empty for the file
// as a whole) and what is wrong.
type FieldError struct {
	Path   string
	Reason string
}

func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Reason
	}
	return e.Path + ": " + e.Reason
}

// Error is every problem Parse found in one file (up to 20).
type Error struct {
	// File is the file's name when LoadDir read it.
	File     string
	Problems []*FieldError
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("job requirements")
	if e.File != "" {
		b.WriteString(" " + e.File)
	}
	for i, p := range e.Problems {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(p.Error())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrInvalid) true.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

func asError(errs []error) *Error {
	e := &Error{}
	for _, err := range errs {
		var fe *FieldError
		if errors.As(err, &fe) {
			e.Problems = append(e.Problems, fe)
		} else {
			e.Problems = append(e.Problems, &FieldError{Reason: err.Error()})
		}
	}
	return e
}

// Job is a job's requirements: what an HR screener checks an application
// against. Parse makes one from a file; its zero value matches nothing.
type Job struct {
	ID          string `json:"id"`
	Title       string `json:"title"`
	Sector      string `json:"sector,omitempty"`
	Description string `json:"description,omitempty"`
	// Definition is the DIF Presentation Exchange v2 presentation_definition,
	// re-encoded (members sorted), for a wallet or an OpenID4VP request; nil
	// when the file has none.
	Definition json.RawMessage `json:"presentation_definition,omitempty"`
	// Requirements are the file's requirements in order, followed by one for
	// each input descriptor that no requirement names.
	Requirements []Requirement `json:"requirements"`

	def *definition
}

// Requirement is one thing the job asks for. It is met when any alternative
// is satisfied, or the input descriptor is, by a verified credential.
type Requirement struct {
	ID   string        `json:"id"`
	Name string        `json:"name"`
	Any  []Alternative `json:"any,omitempty"`
	// InputDescriptor is the id of an input descriptor of the job's
	// Presentation Exchange definition.
	InputDescriptor string `json:"inputDescriptor,omitempty"`
}

// Alternative is one way to meet a requirement. Every term it sets must hold
// for the same achievement of one verified credential; with Sum, the hours
// or credits of every achievement the other terms select are added up.
type Alternative struct {
	// Skill: the achievement aligns to this skill, competency or occupation.
	Skill *SkillRef `json:"skill,omitempty"`
	// EquivalentCourse: the achievement is this community-college course,
	// or was found equivalent to it.
	EquivalentCourse *CourseRef `json:"equivalentCourse,omitempty"`
	// CID: the achievement is, aligns to, or was granted credit for a course
	// with this C-ID descriptor ("ECE 120").
	CID string `json:"cid,omitempty"`
	// AchievementType: "Course", "Competency", "CertificateOfCompletion",
	// "ext:MilitaryOccupation", …
	AchievementType string `json:"achievementType,omitempty"`
	// Achievement: the achievement's name or humanCode.
	Achievement string `json:"achievement,omitempty"`
	// MinHours: contact hours recorded for the achievement (an
	// ext:ContactHours result).
	MinHours float64 `json:"minHours,omitempty"`
	// MinCredits: the subject's creditsEarned.
	MinCredits float64 `json:"minCredits,omitempty"`
	// MinGrade: the lowest letter grade accepted ("C") where the achievement
	// records one.
	MinGrade string `json:"minGrade,omitempty"`
	// Sum adds MinHours or MinCredits up across achievements.
	Sum bool `json:"sum,omitempty"`
}

// SkillRef names an alignment: framework and code, a name, or a framework
// alone (any of its entries).
type SkillRef struct {
	Framework string `json:"framework,omitempty"`
	Code      string `json:"code,omitempty"`
	Name      string `json:"name,omitempty"`
}

// CourseRef names a community-college course: its code, and optionally the
// college.
type CourseRef struct {
	College string `json:"college,omitempty"`
	Code    string `json:"code"`
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]*$`)

// Parse reads a job requirements file (see the package documentation for
// the format). It is strict: an unknown field, a duplicate key or id, a
// missing name, an input descriptor that does not exist, a JSONPath outside
// the supported subset or a filter that is not a self-contained JSON Schema
// is an *Error listing every problem with its path; errors.Is(err,
// ErrInvalid) holds for all of them.
func Parse(raw []byte) (*Job, error) {
	if len(raw) > MaxFileSize {
		return nil, &Error{Problems: []*FieldError{{Reason: fmt.Sprintf("the file is larger than %d bytes", MaxFileSize)}}}
	}
	v, err := decodeStrict(raw)
	if err != nil {
		return nil, asError([]error{err})
	}
	r := &reader{}
	j := r.job(v)
	if err := r.err(); err != nil {
		return nil, asError(r.errs)
	}
	return j, nil
}

func (r *reader) job(v any) *Job {
	o := r.object("", v)
	if o == nil {
		return nil
	}
	j := &Job{}
	j.ID = o.str("id", true, maxIDLen)
	if j.ID != "" && !idPattern.MatchString(j.ID) {
		r.fail("id", "use letters, digits and . _ : - (starting with a letter or digit)")
	}
	j.Title = o.str("title", true, maxNameLen)
	j.Sector = o.str("sector", false, maxIDLen)
	j.Description = o.text("description", maxTextLen)
	if pd, ok := o.get("presentation_definition"); ok {
		j.def = r.definition("presentation_definition", pd)
		if j.def != nil {
			j.Definition, _ = json.Marshal(pd)
		}
	}
	reqs := o.array("requirements", j.def == nil, MaxRequirements)
	ids := map[string]bool{}
	named := map[string]bool{}
	for i, rv := range reqs {
		req, ok := r.requirement(joinIndex("requirements", i), rv, j.def)
		if !ok {
			continue
		}
		if ids[req.ID] {
			r.fail(joinIndex("requirements", i)+".id", "%q is already the id of an earlier requirement", req.ID)
		}
		ids[req.ID] = true
		named[req.InputDescriptor] = true
		j.Requirements = append(j.Requirements, req)
	}
	o.done()
	// An input descriptor no requirement names is a requirement of its own,
	// so a plain Presentation Exchange definition works as a job.
	for i, d := range j.def.list() {
		if named[d.id] {
			continue
		}
		if ids[d.id] {
			r.fail(fmt.Sprintf("presentation_definition.input_descriptors[%d].id", i),
				"no requirement names input descriptor %q, so it would be a requirement of its own, but a requirement already has that id", d.id)
			continue
		}
		ids[d.id] = true
		name := d.name
		if name == "" {
			name = d.purpose
		}
		if name == "" {
			name = d.id
		}
		j.Requirements = append(j.Requirements, Requirement{ID: d.id, Name: name, InputDescriptor: d.id})
	}
	if len(j.Requirements) == 0 && len(r.errs) == 0 {
		r.fail("requirements", "a job needs at least one requirement")
	}
	return j
}

func (r *reader) requirement(path string, v any, def *definition) (Requirement, bool) {
	o := r.object(path, v)
	if o == nil {
		return Requirement{}, false
	}
	before := len(r.errs)
	req := Requirement{}
	// Any one-line id, like an input descriptor's: a descriptor no
	// requirement names becomes a requirement with its id.
	req.ID = o.str("id", true, maxNameLen)
	req.Name = o.str("name", true, maxNameLen)
	alts := o.array("any", false, MaxAlternatives)
	for i, av := range alts {
		if a, ok := r.alternative(joinIndex(o.at("any"), i), av); ok {
			req.Any = append(req.Any, a)
		}
	}
	if arr, isArr := o.m["any"].([]any); isArr && len(arr) == 0 {
		r.fail(o.at("any"), "list at least one alternative (or leave any out and name an inputDescriptor)")
	}
	req.InputDescriptor = o.str("inputDescriptor", false, maxNameLen)
	switch {
	case req.InputDescriptor != "" && def == nil:
		r.fail(o.at("inputDescriptor"), "names input descriptor %q, but the job has no presentation_definition", req.InputDescriptor)
	case req.InputDescriptor != "" && def.descriptor(req.InputDescriptor) == nil:
		r.fail(o.at("inputDescriptor"), "no input descriptor %q in the presentation_definition", req.InputDescriptor)
	}
	_, hasAny := o.m["any"]
	_, hasID := o.m["inputDescriptor"]
	if !hasAny && !hasID {
		r.fail(path, "a requirement needs alternatives (any) or an inputDescriptor")
	}
	o.done()
	return req, len(r.errs) == before
}

var alternativeKeys = []string{"skill", "equivalentCourse", "cid", "achievementType", "achievement", "minHours", "minCredits", "minGrade", "sum"}

func (r *reader) alternative(path string, v any) (Alternative, bool) {
	o := r.object(path, v)
	if o == nil {
		return Alternative{}, false
	}
	before := len(r.errs)
	a := Alternative{}
	if sv, ok := o.get("skill"); ok {
		if so := r.object(o.at("skill"), sv); so != nil {
			a.Skill = &SkillRef{
				Framework: so.str("framework", false, maxNameLen),
				Code:      so.str("code", false, maxNameLen),
				Name:      so.str("name", false, maxNameLen),
			}
			if len(so.m) == 0 {
				r.fail(o.at("skill"), "give a framework and code, a name, or a framework")
			}
			so.done()
		}
	}
	if cv, ok := o.get("equivalentCourse"); ok {
		if co := r.object(o.at("equivalentCourse"), cv); co != nil {
			a.EquivalentCourse = &CourseRef{
				College: co.str("college", false, maxNameLen),
				Code:    co.str("code", true, maxNameLen),
			}
			co.done()
		}
	}
	a.CID = o.str("cid", false, maxNameLen)
	a.AchievementType = o.str("achievementType", false, maxNameLen)
	a.Achievement = o.str("achievement", false, maxNameLen)
	a.MinHours = o.number("minHours", maxAmount)
	a.MinCredits = o.number("minCredits", maxAmount)
	if g := o.str("minGrade", false, 8); g != "" {
		grade, err := transcript.ParseGrade(g)
		if err != nil || !grade.IsMinimum() {
			r.fail(o.at("minGrade"), "want a letter grade from A+ to D-")
		}
		a.MinGrade = string(grade)
	}
	a.Sum = o.boolean("sum")
	if a.Sum && a.MinHours == 0 && a.MinCredits == 0 && len(r.errs) == before {
		r.fail(o.at("sum"), "sum adds up minHours or minCredits: give one")
	}
	if len(o.m) == 0 {
		r.fail(path, "an alternative needs at least one of %s", strings.Join(alternativeKeys, ", "))
	}
	o.done()
	return a, len(r.errs) == before
}

// LoadDir parses every *.json file at the top of fsys (for `verify serve
// --jobs DIR`), in name order; names starting with a dot are skipped. It is
// all or nothing: any bad file, two files with the same job id, more than
// MaxJobs files or none at all is an error naming the files, and no jobs.
func LoadDir(fsys fs.FS) ([]*Job, error) {
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("read job requirements directory: %w", err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() || strings.HasPrefix(n, ".") || !strings.EqualFold(pathExt(n), ".json") {
			continue
		}
		names = append(names, n)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("%w: no job requirements files (*.json) in the directory", ErrInvalid)
	}
	if len(names) > MaxJobs {
		return nil, fmt.Errorf("%w: %d job requirements files; the limit is %d", ErrInvalid, len(names), MaxJobs)
	}
	var (
		jobs []*Job
		errs []error
		byID = map[string]string{}
	)
	for _, n := range names {
		raw, err := readFile(fsys, n)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		j, err := Parse(raw)
		if err != nil {
			var pe *Error
			if errors.As(err, &pe) {
				pe.File = n
			}
			errs = append(errs, err)
			continue
		}
		if other, dup := byID[j.ID]; dup {
			errs = append(errs, fmt.Errorf("%w: %s: job id %q is already the id of %s", ErrInvalid, n, j.ID, other))
			continue
		}
		byID[j.ID] = n
		jobs = append(jobs, j)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return jobs, nil
}

func pathExt(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

func readFile(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("read job requirements %s: %w", name, err)
	}
	defer f.Close()
	raw, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("read job requirements %s: %w", name, err)
	}
	if len(raw) > MaxFileSize {
		return nil, &Error{File: name, Problems: []*FieldError{{Reason: fmt.Sprintf("the file is larger than %d bytes", MaxFileSize)}}}
	}
	return raw, nil
}

func (d *definition) list() []*descriptor {
	if d == nil {
		return nil
	}
	return d.descriptors
}

// descriptor finds an input descriptor by id.
func (d *definition) descriptor(id string) *descriptor {
	if d == nil {
		return nil
	}
	for _, x := range d.descriptors {
		if x.id == id {
			return x
		}
	}
	return nil
}
