#!/usr/bin/env python3
"""docs/ERRORS.md: a table of bad inputs and the exact message each gets, produced by
running the real CLI. `errors_doc.py SYMACT --write FILE` regenerates it; `--check FILE`
(the ctest) fails if the document and the binary disagree."""
import subprocess
import sys

CASES = [
    # (what, argv after `symact`)
    ('empty expression', ['eval', '--at=1', '--', '']),
    ('missing operand', ['eval', '--at=1', '--', 'x +']),
    ('unclosed parenthesis', ['eval', '--at=1', '--', 'x*(1 + x']),
    ('unknown function, with a suggestion', ['eval', '--at=1', '--', 'x*softpluss(x)']),
    ('unknown function', ['eval', '--at=1', '--', 'frobnicate(x)']),
    ('wrong number of arguments', ['eval', '--at=1', '--', 'max(x)']),
    ('comparison outside where', ['eval', '--at=1', '--', 'x > 0']),
    ('where without a comparison', ['eval', '--at=1', '--', 'where(x, 1, 0)']),
    ('function name without a call', ['eval', '--at=1', '--', 'exp + 1']),
    ('x called as a function', ['eval', '--at=1', '--', 'x(2)']),
    ('unexpected character', ['eval', '--at=1', '--', 'x # 2']),
    ("'**' for powers", ['eval', '--at=1', '--', 'x**2']),
    ('trailing input', ['eval', '--at=1', '--', 'x 2']),
    ('number out of range', ['eval', '--at=1', '--', '1e999999*x']),
    ('number underflows', ['eval', '--at=1', '--', '1e-999999*x']),
    ('division by zero', ['eval', '--at=1', '--', 'tanh(x/0)']),
    ('zero base, variable exponent', ['eval', '--at=1', '--', '0^x']),
    ('constant overflow', ['eval', '--at=1', '--', '1e300*1e300*x']),
    ('nesting too deep', ['eval', '--at=1', '--', '(' * 300 + 'x' + ')' * 300]),
    ('parameter without a value', ['eval', '--at=1', '--', 'alpha*x']),
    ('value for an unknown parameter', ['eval', '--at=1', '--param=beta=2', '--', 'alpha*x']),
    ('derivative with respect to an unknown parameter', ['diff', '--wrt=beta', '--', 'alpha*x']),
    ('row function where an elementwise one is needed', ['diff', '--', 'x*softmax(x)']),
    ('row reduction in an elementwise kernel', ['jit', '--', 'x - rowmax(x)']),
    ('rows of unequal length', ['eval', '--at=1,2,3', '--rows=2', '--', 'softmax']),
    ('a shape that does not match the points', ['eval', '--at=1,2,3', '--shape=1,2,2', '--', 'softmax']),
    ('concatenation inside an expression', ['eval', '--at=1', '--', 'x + crelu(x)']),
    ("a concatenation part's error, under the whole input", ['eval', '--at=1', '--', 'concat(x, sin(x) + )']),
    ('concatenation dy of the wrong length', ['eval', '--at=1,2', '--dy=1,2', '--', 'crelu']),
    ('no points', ['eval', '--', 'x']),
    ('a point that is not a number', ['eval', '--at=1,zz', '--', 'x']),
    ('dy of the wrong length', ['eval', '--at=1,2', '--dy=1', '--', 'x']),
    ('unknown dtype', ['eval', '--at=1', '--dtype=f16', '--', 'x']),
    ('unknown option', ['eval', '--at=1', '--frobnicate', '--', 'x']),
    ('expression starting with - without --', ['eval', '--at=1', '-x']),
    ('unknown command', ['frob']),
]


def run(symact, argv):
    p = subprocess.run([symact] + argv, capture_output=True, text=True, timeout=60)
    return p.returncode, p.stderr.rstrip('\n')


def shown(argv):
    out = []
    for a in argv:
        if len(a) > 40:
            a = a[:18] + '...' + a[-18:]
        out.append(("'%s'" % a) if (not a or any(c in a for c in " *()#<>'")) else a)
    return 'symact ' + ' '.join(out)


def document(symact):
    lines = ['# Errors', '',
             'Every bad input gets a message on stderr and exit status 2; expression errors show',
             'where, with a caret. This table is produced by running the CLI',
             '(`python3 tests/errors_doc.py build/symact --write docs/ERRORS.md`); the test',
             '`errors_doc` fails when it and the binary disagree. Limits: [LIMITS.md](LIMITS.md).',
             '']
    for what, argv in CASES:
        rc, err = run(symact, argv)
        lines += ['## %s' % what, '', '```console', '$ ' + shown(argv), err, '```',
                  '(exit status %d)' % rc, '']
    return '\n'.join(lines)


def main():
    symact, mode, path = sys.argv[1], sys.argv[2], sys.argv[3]
    doc = document(symact)
    if mode == '--write':
        open(path, 'w').write(doc)
        return 0
    old = open(path).read()
    if old == doc:
        print('1 passed, 0 failed')
        return 0
    import difflib
    sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), doc.splitlines(True),
                                               'docs/ERRORS.md', 'from the binary'))
    print('0 passed, 1 failed: docs/ERRORS.md is out of date; regenerate it with --write')
    return 1


if __name__ == '__main__':
    sys.exit(main())
