package emulator

import (
	"errors"
	"strings"
)

// A small SCIM filter (RFC 7644 §3.4.2.2) evaluator: attribute comparisons with eq, ne, co,
// sw, ew and pr, combined with and, or, not and parentheses. Enough for what clients send to
// /admin/v1/Users; anything else is a 400 invalidFilter.
//
// A filter costs bounded memory and time whatever a client sends: it is refused before any
// work when it is longer than maxFilterBytes, and while parsing as soon as parentheses or
// "not" nest deeper than maxFilterDepth. The tree of an and/or chain is built iteratively;
// its evaluation recurses at most once per comparison, and a filter of maxFilterBytes holds
// at most a few thousand.

type filterNode interface {
	match(attrs func(path string) []string) bool
}

type cmpNode struct {
	path, op, value string
}

type boolNode struct {
	and         bool
	left, right filterNode
}

type notNode struct{ inner filterNode }

func (n cmpNode) match(attrs func(string) []string) bool {
	vals := attrs(n.path)
	if n.op == "pr" {
		for _, v := range vals {
			if v != "" {
				return true
			}
		}
		return false
	}
	want := strings.ToLower(n.value)
	for _, v := range vals {
		v = strings.ToLower(v)
		var ok bool
		switch n.op {
		case "eq":
			ok = v == want
		case "ne":
			ok = v != want
		case "co":
			ok = strings.Contains(v, want)
		case "sw":
			ok = strings.HasPrefix(v, want)
		case "ew":
			ok = strings.HasSuffix(v, want)
		case "gt":
			ok = v > want
		case "ge":
			ok = v >= want
		case "lt":
			ok = v < want
		case "le":
			ok = v <= want
		}
		if ok {
			return true
		}
	}
	return n.op == "ne" && len(vals) == 0
}

func (n boolNode) match(attrs func(string) []string) bool {
	if n.and {
		return n.left.match(attrs) && n.right.match(attrs)
	}
	return n.left.match(attrs) || n.right.match(attrs)
}

func (n notNode) match(attrs func(string) []string) bool { return !n.inner.match(attrs) }

// Limits of a filter (Oracle documents none; see EMULATOR.md).
const (
	maxFilterBytes = 10000 // bytes of the filter expression
	maxFilterDepth = 32    // parentheses and "not" nested in one another
)

var (
	errBadFilter     = errors.New("invalid filter")
	errFilterTooLong = errors.New("filter too long")
	errFilterTooDeep = errors.New("filter nested too deeply")
	errFilterEmpty   = errors.New("empty filter")
)

type filterParser struct {
	toks  []string
	pos   int
	depth int
}

func parseFilter(s string) (filterNode, error) {
	if len(s) > maxFilterBytes {
		return nil, errFilterTooLong
	}
	if strings.TrimSpace(s) == "" {
		return nil, errFilterEmpty
	}
	toks, err := tokenizeFilter(s)
	if err != nil {
		return nil, err
	}
	if len(toks) == 0 {
		return nil, errBadFilter
	}
	p := &filterParser{toks: toks}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos != len(p.toks) {
		return nil, errBadFilter
	}
	return n, nil
}

func (p *filterParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *filterParser) next() string {
	t := p.peek()
	p.pos++
	return t
}

func (p *filterParser) or() (filterNode, error) { return p.leftAssociative("or", p.and) }

func (p *filterParser) and() (filterNode, error) { return p.leftAssociative("and", p.unary) }

// leftAssociative parses operands joined by the logical operator op ("and" binds tighter
// than "or", so each level parses its operands with the next).
func (p *filterParser) leftAssociative(op string, operand func() (filterNode, error)) (filterNode, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for strings.EqualFold(p.peek(), op) {
		p.next()
		right, err := operand()
		if err != nil {
			return nil, err
		}
		left = boolNode{and: op == "and", left: left, right: right}
	}
	return left, nil
}

func (p *filterParser) unary() (filterNode, error) {
	t := p.next()
	switch {
	case t == "":
		return nil, errBadFilter
	case strings.EqualFold(t, "not"):
		if p.next() != "(" {
			return nil, errBadFilter
		}
		n, err := p.nested()
		if err != nil {
			return nil, err
		}
		return notNode{n}, nil
	case t == "(":
		return p.nested()
	case t == ")" || strings.HasPrefix(t, `"`):
		return nil, errBadFilter
	}
	op := strings.ToLower(p.next())
	switch op {
	case "pr":
		return cmpNode{path: t, op: op}, nil
	case "eq", "ne", "co", "sw", "ew", "gt", "ge", "lt", "le":
	default:
		return nil, errBadFilter
	}
	v := p.next()
	switch {
	case len(v) >= 2 && strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `"`):
		v = strings.ReplaceAll(v[1:len(v)-1], `\"`, `"`)
	case v == "true" || v == "false" || v == "null":
	default:
		return nil, errBadFilter
	}
	return cmpNode{path: t, op: op, value: v}, nil
}

// nested parses "<filter>)" after an opening parenthesis, one level deeper.
func (p *filterParser) nested() (filterNode, error) {
	if p.depth++; p.depth > maxFilterDepth {
		return nil, errFilterTooDeep
	}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.next() != ")" {
		return nil, errBadFilter
	}
	p.depth--
	return n, nil
}

func tokenizeFilter(s string) ([]string, error) {
	var toks []string
	for i := 0; i < len(s); {
		c := s[i]
		switch c {
		case ' ', '\t':
			i++
		case '(', ')':
			toks = append(toks, string(c))
			i++
		case '"':
			j := i + 1
			for j < len(s) && s[j] != '"' {
				if s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, errBadFilter
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '\t' && s[j] != '(' && s[j] != ')' && s[j] != '"' {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}
