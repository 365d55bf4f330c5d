package employer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/satchel-wallet/satchel/verifier/requirements"
)

// apiVerify is POST /api/verify: the body is the document, the answer the
// report `verify --json` prints (200, verified or not), or {"error": …}.
func (s *Server) apiVerify(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		methodNotAllowed(w, http.MethodPost)
		return
	}
	q := r.URL.Query()
	job, err := s.job(q.Get("job"))
	if err != nil {
		writeJSONError(w, statusOf(err), s.message(err))
		return
	}
	input, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBodyBytes))
	if err == nil && len(bytes.TrimSpace(input)) == 0 {
		err = errEmpty
	}
	if err != nil {
		writeJSONError(w, statusOf(err), s.message(err))
		return
	}
	rep, err := s.verify(r.Context(), input, s.options(job, q.Get("challenge"), q.Get("domain")))
	if err != nil {
		writeJSONError(w, statusOf(err), s.message(err))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(reportJSON(rep))
}

// submission is what the page's form sends.
type submission struct {
	job, challenge, domain string
	text                   string
	file                   []byte
	fileName               string
}

// document is the file when one was chosen, else the pasted text.
func (f submission) document() ([]byte, string) {
	if len(bytes.TrimSpace(f.file)) > 0 {
		name := f.fileName
		if name == "" {
			name = "the uploaded file"
		}
		return f.file, "uploaded file " + name
	}
	return []byte(strings.TrimSpace(f.text)), "pasted text"
}

// readForm reads the form as multipart/form-data (the page's upload) or
// application/x-www-form-urlencoded (paste only), within the body limit,
// keeping nothing on disk.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request, limit int64) (submission, error) {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var f submission
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil {
		return f, errors.New("the form has no readable Content-Type: send it as multipart/form-data or application/x-www-form-urlencoded")
	}
	switch mt {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return f, fmt.Errorf("read the form: %w", err)
		}
		f.job, f.challenge, f.domain, f.text = r.PostForm.Get("job"), r.PostForm.Get("challenge"), r.PostForm.Get("domain"), r.PostForm.Get("text")
		for _, v := range []string{f.job, f.challenge, f.domain} {
			if len(v) > maxFieldBytes {
				return f, fmt.Errorf("a form field is longer than %d bytes", maxFieldBytes)
			}
		}
		return f, nil
	case "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			return f, fmt.Errorf("read the form: %w", err)
		}
		for parts := 0; ; parts++ {
			p, err := mr.NextPart()
			if err == io.EOF {
				return f, nil
			}
			if err != nil {
				return f, fmt.Errorf("read the form: %w", err)
			}
			if parts == 20 {
				return f, errors.New("the form has more than 20 parts")
			}
			field := func() (string, error) {
				b, err := io.ReadAll(io.LimitReader(p, maxFieldBytes+1))
				if err == nil && len(b) > maxFieldBytes {
					err = fmt.Errorf("form field %q is longer than %d bytes", truncate(p.FormName(), 40), maxFieldBytes)
				}
				return string(b), err
			}
			switch p.FormName() {
			case "file":
				f.fileName = p.FileName()
				f.file, err = io.ReadAll(p)
			case "text":
				var b []byte
				b, err = io.ReadAll(p)
				f.text = string(b)
			case "job":
				f.job, err = field()
			case "challenge":
				f.challenge, err = field()
			case "domain":
				f.domain, err = field()
			default:
				_, err = io.Copy(io.Discard, p)
			}
			if err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					return f, err
				}
				return f, fmt.Errorf("read the form: %w", err)
			}
		}
	}
	return f, fmt.Errorf("the form is %s: send it as multipart/form-data or application/x-www-form-urlencoded", truncate(mt, 60))
}

// verifyForm is POST /verify: the page's form, answered with the result
// page (or the form again with the problem, for input that is unreadable).
func (s *Server) verifyForm(w http.ResponseWriter, r *http.Request) {
	f, err := s.readForm(w, r, s.cfg.MaxBodyBytes)
	var job *requirements.Job
	if err == nil {
		job, err = s.job(f.job)
	}
	input, source := f.document()
	if err == nil && len(input) == 0 {
		err = errEmpty
	}
	if err != nil {
		s.renderIndex(w, statusOf(err), f.job, s.message(err))
		return
	}
	rep, err := s.verify(r.Context(), input, s.options(job, strings.TrimSpace(f.challenge), strings.TrimSpace(f.domain)))
	if err != nil {
		s.renderIndex(w, statusOf(err), f.job, "This could not be checked: "+s.message(err)+".")
		return
	}
	s.render(w, http.StatusOK, "result.html", s.resultPage(rep, job, source))
}

// index is GET /: pick a job, upload or paste, or ask the wallet.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	s.renderIndex(w, http.StatusOK, r.URL.Query().Get("job"), "")
}

type indexPage struct {
	Title    string
	Jobs     []jobOption
	Trust    string
	Error    string
	MaxBody  string
	NoJobSel bool
}

type jobOption struct {
	ID, Title, Sector, Description string
	Requirements                   []string
	Selected                       bool
}

func (s *Server) renderIndex(w http.ResponseWriter, code int, selected, problem string) {
	p := indexPage{Title: "Check an application", Error: problem, MaxBody: size(s.cfg.MaxBodyBytes)}
	if s.cfg.Trust != nil {
		p.Trust = s.cfg.Trust.Name
	}
	for _, j := range s.cfg.Jobs {
		o := jobOption{ID: j.ID, Title: j.Title, Sector: j.Sector, Description: j.Description, Selected: j.ID == selected}
		for _, q := range j.Requirements {
			o.Requirements = append(o.Requirements, q.Name)
		}
		p.Jobs = append(p.Jobs, o)
	}
	p.NoJobSel = selected == "" || s.jobs[selected] == nil
	s.render(w, code, "index.html", p)
}

// render executes a page; the page is written only once it rendered whole.
func (s *Server) render(w http.ResponseWriter, code int, page string, data any) {
	var b bytes.Buffer
	if err := s.pages[page].ExecuteTemplate(&b, "layout", data); err != nil {
		s.cfg.Logf("employer: render %s: %v", page, err)
		http.Error(w, "the page could not be drawn", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	_, _ = w.Write(b.Bytes())
}
