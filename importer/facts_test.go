package importer

import (
	"go/ast"
	"go/parser"
	"go/token"
	"slices"
	"strconv"
	"testing"

	"baoxue/rules"
)

// studentFacts are the parse functions of the students' enumerated
// columns, by the column and the rule fact they fill, with the values the
// rules know that fact by: rules.FactValues, and for the status all the
// roster's statuses (only enrolled and suspended students are evaluated).
var studentFacts = []struct {
	column, fact, parser string
	parse                func(string) (string, bool)
	allowed              []string
}{
	{"gender", "student.gender", "parseGender", parseGender, rules.FactValues("student.gender")},
	{"status", "student.status", "parseStudentStatus", parseStudentStatus, rules.StudentStatuses()},
	{"poverty", "student.poverty", "parsePoverty", parsePoverty, rules.FactValues("student.poverty")},
	{"disability_type", "student.disability_type", "parseDisabilityType", parseDisabilityType, rules.FactValues("student.disability_type")},
}

// TestValuesAreRuleFacts keeps the importer and the rules on one list of
// values per enumerated student fact: every value a parse function gives
// (for every spelling it lists, and codes), and every column default, is a
// value of the fact in the rules (rules.FactValues, rules.StudentStatuses),
// and every such value is one the importer gives. A rule comparing student.status with a
// value the importer never writes would silently never fire; one the
// rules refuse could never be written.
func TestValuesAreRuleFacts(t *testing.T) {
	fset := token.NewFileSet()
	values, err := parser.ParseFile(fset, "values.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	students, err := parser.ParseFile(fset, "students.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	defaults := choiceDefaults(students)
	for _, sf := range studentFacts {
		allowed := sf.allowed
		if rules.FactValues(sf.fact) == nil {
			t.Errorf("rules.FactValues(%q) is nil: not a closed fact", sf.fact)
			continue
		}
		fn := funcDecl(values, sf.parser)
		if fn == nil {
			t.Errorf("no func %s in values.go", sf.parser)
			continue
		}
		// Every spelling the function lists, codes, and the names of
		// disabilityTypes with and without 残疾.
		inputs := append(stringLiterals(fn), "", "0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
		for _, d := range disabilityTypes {
			inputs = append(inputs, d, d+"残疾", "4-"+d+"残疾")
		}
		produced := map[string]bool{}
		for _, in := range inputs {
			if v, ok := codeName(in, sf.parse); ok {
				produced[v] = true
				if !slices.Contains(allowed, v) {
					t.Errorf("%s(%q) = %q, which is not one of the rules' values of %s %q", sf.parser, in, v, sf.fact, allowed)
				}
			}
		}
		// Values returned as written, whether or not an input above
		// reaches them.
		for _, v := range returnedLiterals(fn) {
			produced[v] = true
			if !slices.Contains(allowed, v) {
				t.Errorf("%s returns %q, which is not one of the rules' values of %s %q", sf.parser, v, sf.fact, allowed)
			}
		}
		if def, ok := defaults[sf.column]; ok {
			produced[def] = true
			if !slices.Contains(allowed, def) {
				t.Errorf("column %s defaults to %q, which is not one of the rules' values of %s %q", sf.column, def, sf.fact, allowed)
			}
		}
		for _, v := range allowed {
			if !produced[v] {
				t.Errorf("the rules' values of %s include %q, which the importer never writes", sf.fact, v)
			}
		}
	}
	if len(defaults) < 3 {
		t.Errorf("found the defaults of %d choice columns in students.go, want gender, status, poverty: %v", len(defaults), defaults)
	}
}

// funcDecl returns the function name of f, or nil.
func funcDecl(f *ast.File, name string) *ast.FuncDecl {
	for _, d := range f.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Name.Name == name {
			return fn
		}
	}
	return nil
}

// stringLiterals returns the string literals in the body of fn.
func stringLiterals(fn *ast.FuncDecl) []string {
	var out []string
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}

// returnedLiterals returns the values of fn's `return "value", true`.
func returnedLiterals(fn *ast.FuncDecl) []string {
	var out []string
	ast.Inspect(fn.Body, func(n ast.Node) bool {
		ret, ok := n.(*ast.ReturnStmt)
		if !ok || len(ret.Results) != 2 {
			return true
		}
		lit, isLit := ret.Results[0].(*ast.BasicLit)
		ok2, isIdent := ret.Results[1].(*ast.Ident)
		if isLit && lit.Kind == token.STRING && isIdent && ok2.Name == "true" {
			if s, err := strconv.Unquote(lit.Value); err == nil {
				out = append(out, s)
			}
		}
		return true
	})
	return out
}

// choiceDefaults returns, by column, the default of each
// r.choice("column", parse, "default", …) in f.
func choiceDefaults(f *ast.File) map[string]string {
	out := map[string]string{}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok || len(call.Args) < 3 {
			return true
		}
		sel, ok := call.Fun.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "choice" {
			return true
		}
		col, ok1 := call.Args[0].(*ast.BasicLit)
		def, ok2 := call.Args[2].(*ast.BasicLit)
		if ok1 && ok2 {
			c, err1 := strconv.Unquote(col.Value)
			d, err2 := strconv.Unquote(def.Value)
			if err1 == nil && err2 == nil {
				out[c] = d
			}
		}
		return true
	})
	return out
}
