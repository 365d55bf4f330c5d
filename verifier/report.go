package verifier

// Report is what the verifier found, in the shape DESIGN.md fixes for
// `verify --json`: checks are data, nested credentials are reports of their
// own.
type Report struct {
	Verified bool `json:"verified"`
	// Kind is "credential" or "presentation".
	Kind string `json:"kind"`
	// Format names how the input was secured: ldp_vc, ldp_vp, jwt_vc_json,
	// jwt_vp_json, vc+jwt, vp+jwt, vc+sd-jwt, dc+sd-jwt.
	Format string `json:"format"`
	// Container is "png" or "svg" for a baked Open Badge.
	Container string `json:"container,omitempty"`
	Issuer    string `json:"issuer"`
	// IssuerName is the name the credential gives its issuer; TrustedAs the
	// name the trust registry gives it.
	IssuerName   string        `json:"issuerName,omitempty"`
	TrustedAs    string        `json:"trustedAs,omitempty"`
	Holder       string        `json:"holder,omitempty"`
	Subject      string        `json:"subject,omitempty"`
	Name         string        `json:"name,omitempty"`
	Types        []string      `json:"types,omitempty"`
	Achievements []Achievement `json:"achievements,omitempty"`
	Checks       []Check       `json:"checks"`
	Credentials  []Report      `json:"credentials"`
	Requirements []Requirement `json:"requirements"`
	Errors       []string      `json:"errors"`

	// Document is the credential or presentation as JSON-LD (for a JWT, the
	// decoded claims), for callers that store or show it.
	Document map[string]any `json:"-"`
}

// Check is one finding: a named check, whether it passed, and why.
type Check struct {
	Check  string `json:"check"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Names of the checks.
const (
	CheckFormat    = "format"
	CheckDataModel = "data-model"
	CheckProof     = "proof"
	CheckIssuerKey = "issuer-key"
	CheckValidity  = "validity"
	CheckStatus    = "status"
	CheckTrust     = "trust"
	CheckHolder    = "holder"
	CheckNested    = "credentials"
)

// Achievement is an OB 3.0 achievement as the report shows it.
type Achievement struct {
	ID      string  `json:"id,omitempty"`
	Name    string  `json:"name"`
	Type    string  `json:"achievementType,omitempty"`
	Credits float64 `json:"creditsEarned,omitempty"`
	// Skills are the achievement's alignments (skills, competencies,
	// occupations).
	Skills []Alignment `json:"skills,omitempty"`
	// Equivalents are community-college courses the learning was found
	// equivalent to (result alignments of type ext:CommunityCollegeCourse).
	Equivalents []Alignment `json:"equivalents,omitempty"`
}

// Alignment is an OB 3.0 alignment, trimmed for display and matching.
type Alignment struct {
	Name        string `json:"name"`
	Code        string `json:"code,omitempty"`
	Framework   string `json:"framework,omitempty"`
	Type        string `json:"type,omitempty"`
	URL         string `json:"url,omitempty"`
	Description string `json:"description,omitempty"`
}

// Requirement is one of a job's requirements and whether the application
// meets it.
type Requirement struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Met    bool     `json:"met"`
	By     []string `json:"by,omitempty"`
	Detail string   `json:"detail,omitempty"`
}

func (r *Report) add(name string, ok bool, detail string) {
	r.Checks = append(r.Checks, Check{Check: name, OK: ok, Detail: detail})
}

// settle sets Verified: every check passed (a "trust not checked" check
// passes) and nothing went wrong.
func (r *Report) settle() {
	ok := len(r.Checks) > 0 && len(r.Errors) == 0
	for _, c := range r.Checks {
		ok = ok && c.OK
	}
	r.Verified = ok
	if r.Errors == nil {
		r.Errors = []string{}
	}
	if r.Checks == nil {
		r.Checks = []Check{}
	}
	if r.Credentials == nil {
		r.Credentials = []Report{}
	}
	if r.Requirements == nil {
		r.Requirements = []Requirement{}
	}
}
