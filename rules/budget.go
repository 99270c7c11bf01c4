package rules

import (
	"math"
	"strconv"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser/lexer"

	"baoxue/i18n"
)

// Budgets (SPEC §5). A rule set runs for every student of a city, a
// million of them, every day, and its files come from people: these bounds
// keep what a file can ask of the loader and of one evaluation small
// enough that whatever exceeds them is refused when the rules load, at its
// file, line and column, instead of being discovered at run time.
const (
	// MaxFileSize is the largest rule file, in bytes (1 MiB). Load reads no
	// more than one byte past it; the built-in files are 1–6 KB each.
	MaxFileSize = 1 << 20
	// MaxRules is the most rules a set holds, across all its files,
	// disabled ones included, and so the most rule files a set has.
	MaxRules = 200
	// MaxMessageLength is the most characters a rendered message keeps: a
	// longer one is cut to MaxMessageLength-1 characters and "…". A message
	// whose own text, without its fields, is longer is a load error.
	MaxMessageLength = 500

	// maxWhenLength bounds a `when` in characters, before it is parsed:
	// expr's parser recurses once per prefix operator (!!!!…) and
	// parenthesis, and a megabyte of them overflows the goroutine stack,
	// which no recover catches.
	maxWhenLength = 10000
	// maxMessageSource bounds a `message` as written, in characters.
	maxMessageSource = 4000
	// maxNesting bounds brackets nested in a `when`, and if/with blocks and
	// parentheses nested in a message. Real rules nest two or three deep.
	maxNesting = 20
	// maxNodes bounds the size of a `when` in expr nodes (expr.MaxNodes;
	// expr's own default is 10,000). Real rules have a few dozen.
	maxNodes = 1000
	// maxRange bounds the numbers in a range a..b, which the VM builds as a
	// list on every evaluation.
	maxRange = 1000
	// maxList bounds the elements of a literal list [..] or map {..}.
	maxList = 500
)

// checkWhenText checks, before parsing, the length and the bracket nesting
// of the `when` text; the parser's own recursion is what they bound.
func checkWhenText(text string) *whenProblem {
	if n := utf8.RuneCountInString(text); n > maxWhenLength {
		return &whenProblem{at: &file.Error{Location: file.Location{From: maxWhenLength, To: maxWhenLength}},
			msg: i18n.M("rules.when.too_long", n, maxWhenLength)}
	}
	tokens, err := lexer.Lex(file.NewSource(text))
	if err != nil {
		return nil // the parser reports it, placed
	}
	depth := 0
	for _, t := range tokens {
		if t.Kind != lexer.Bracket {
			continue
		}
		switch t.Value {
		case "(", "[", "{":
			depth++
			if depth > maxNesting {
				return &whenProblem{at: &file.Error{Location: t.Location},
					msg: i18n.M("rules.when.nesting", maxNesting, maxNesting)}
			}
		default:
			depth--
		}
	}
	return nil
}

// budgetChecker refuses, after parsing, what would cost every evaluation
// more than a rule may: large ranges and lists, and patterns that would be
// compiled for every student.
type budgetChecker struct{ errs []whenProblem }

// fail reports the message key with args at node n.
func (c *budgetChecker) fail(n ast.Node, key string, args ...any) {
	c.errs = append(c.errs, problemAt(n, i18n.M(key, args...)))
}

// Visit implements ast.Visitor.
func (c *budgetChecker) Visit(node *ast.Node) {
	switch n := (*node).(type) {
	case *ast.BinaryNode:
		switch n.Operator {
		case "..":
			c.checkRange(n)
		case "matches":
			// expr compiles a quoted pattern once, with the rule; any other
			// pattern would be compiled again for every student.
			if _, ok := n.Right.(*ast.StringNode); !ok {
				c.fail(n, "rules.when.matches")
			}
		}
	case *ast.ArrayNode:
		if len(n.Nodes) > maxList {
			c.fail(n, "rules.when.list", len(n.Nodes), maxList)
		}
	case *ast.MapNode:
		if len(n.Pairs) > maxList {
			c.fail(n, "rules.when.map", len(n.Pairs), maxList)
		}
	}
}

// checkRange requires both ends of a..b to be whole numbers written out,
// at most maxRange apart.
func (c *budgetChecker) checkRange(n *ast.BinaryNode) {
	lo, okLo := intLiteral(n.Left)
	hi, okHi := intLiteral(n.Right)
	if !okLo || !okHi {
		c.fail(n, "rules.when.range_ends")
		return
	}
	// In floats, so that no pair of ends overflows.
	if float64(hi)-float64(lo)+1 > maxRange {
		c.fail(n, "rules.when.range_size", strconv.Itoa(lo), strconv.Itoa(hi), maxRange, maxRange)
	}
}

// intLiteral returns the value of an integer literal, negative ones included.
func intLiteral(n ast.Node) (int, bool) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return n.Value, true
	case *ast.UnaryNode:
		if v, ok := intLiteral(n.Node); ok && n.Operator == "-" && v != math.MinInt {
			return -v, true
		}
	}
	return 0, false
}
