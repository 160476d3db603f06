#!/usr/bin/env python3
"""End-to-end tests of the symact CLI: output shapes, exit codes, error messages."""
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile

SYMACT = sys.argv[1]
failures = []
count = 0


def run(*args):
    p = subprocess.run([SYMACT, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def check(name, cond, detail=''):
    global count
    count += 1
    if not cond:
        failures.append('%s %s' % (name, detail))


# eval --json: values, derivatives scaled by dy, parameter gradient sums
rc, out, err = run('eval', '--at=-1,0,2', '--dy=1,2,3', '--param=a=0.5', '--grad', '--json', '--',
                   'where(x > 0, x, a*x)')
check('eval rc', rc == 0, err)
j = json.loads(out)
check('eval f', j['f'] == [-0.5, 0, 2], out)
check('eval df_dx = dy*f\'', j['df_dx'] == [0.5, 1.0, 3.0], out)
check('eval df_da', j['df_dparam'] == {'a': [-1.0, 0.0, 0.0]}, out)
check('eval dparam sum', j['dparam'] == {'a': -1.0}, out)

# non-finite values as strings
rc, out, err = run('eval', '--at=0,-1', '--json', '--grad', '--', 'log(x)')
j = json.loads(out)
check('eval -inf', j['f'][0] == '-inf', out)
check('eval nan', j['f'][1] == 'nan', out)
check('eval inf derivative', j['df_dx'][0] == 'inf', out)

# f32 prints float32 values
rc, out, err = run('eval', '--dtype=f32', '--at=0.1', '--json', '--', 'x')
check('eval f32', json.loads(out)['f'] == [0.1], out)

# table output
rc, out, err = run('eval', '--at=1', '--grad', 'x^2')
check('eval table', rc == 0 and out.splitlines()[0] == 'x\tf\tdf/dx' and out.splitlines()[1] == '1\t1\t2', out)

# diff
rc, out, err = run('diff', '--', 'x*tanh(softplus(x))')
check('diff mish', rc == 0 and out.strip() == 'tanh(softplus(x)) + x*sech2(softplus(x))*sigmoid(x)', out + err)
rc, out, err = run('diff', '--wrt=alpha', '--', 'where(x > 0, x, alpha*(exp(x) - 1))')
check('diff wrt param', out.strip() == 'where(x > 0, 0, expm1(x))', out + err)
rc, out, err = run('diff', '--', '-x^2')
check('diff negative-leading expr after --', rc == 0 and out.strip() == '-2*x', out + err)

# errors: exit status 2, message on stderr with a caret
rc, out, err = run('eval', '--at=1', '--', 'softpluss(x)')
check('unknown function rc', rc == 2, err)
check('unknown function message', "unknown function 'softpluss', did you mean 'softplus'?" in err, err)
check('caret line', err.rstrip().endswith('^'), err)
check('nothing on stdout on error', out == '', out)
for args, text in [
    (('eval', '--', 'x'), 'no points given'),
    (('eval', '--at=1,zz', 'x'), "'zz' is not a number"),
    (('eval', '--at=1', '--dy=1,2', 'x'), '--dy has 2 values but --at has 1 points'),
    (('eval', '--at=1', 'alpha*x'), "parameter 'alpha' has no value"),
    (('eval', '--at=1', '--param=beta=2', 'alpha*x'), 'not a parameter of the expression'),
    (('eval', '--at=1', '--engine=gpu', 'x'), "unknown engine 'gpu'"),
    (('eval', '--at=1', '--dtype=f16', 'x'), "unknown dtype 'f16'"),
    (('eval', '--at=1', '--frobnicate', 'x'), "unknown option '--frobnicate'"),
    (('eval', '--at=1', '-x'), "unknown option '-x'"),
    (('eval', '--at=1', ''), 'empty expression'),
    (('diff', '--wrt=beta', 'alpha*x'), "'beta' is not a parameter"),
    (('diff',), 'no expression given'),
    (('frob',), "unknown command 'frob'"),
    ((), 'usage: symact'),
]:
    rc, out, err = run(*args)
    check('error %r' % (args,), rc == 2 and text in err, 'rc=%d err=%r' % (rc, err))

# engines: jit (default) and ref give the same JSON shape and, here, the same values
for engine in ('jit', 'ref'):
    rc, out, err = run('eval', '--engine=' + engine, '--at=-1,0,2', '--dy=1,2,3', '--param=a=0.5', '--grad',
                       '--json', '--', 'where(x > 0, x, a*x)')
    check('eval engine %s' % engine, rc == 0 and json.loads(out)['dparam'] == {'a': -1.0}, out + err)
rc, out, err = run('eval', '--dtype=f32', '--at=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17', '--json', '--', 'x*2')
check('eval jit f32 (a full vector and a tail)', rc == 0 and json.loads(out)['f'] == [2.0 * i for i in range(1, 18)],
      out + err)

# row functions: --at is one row, --rows=R splits it; f and dx = J^T dy for each element
want_sm = [0.0, 0.0, 0.0, 0.001, 0.002, 0.004, 0.012, 0.031, 0.086, 0.233, 0.632]
rows_out = {}
for engine in ('jit', 'ref', 'aot'):
    for dtype in ('f64', 'f32'):
        rc, out, err = run('eval', '--engine=' + engine, '--dtype=' + dtype, '--at=' + ','.join(str(i) for i in range(-5, 6)),
                           '--json', '--', 'softmax')
        ok = rc == 0
        if ok:
            j = json.loads(out)
            ok = j['rows'] == 1 and j['cols'] == 11 and [round(v, 3) for v in j['f']] == want_sm and \
                all(abs(v) < 1e-6 for v in j['df_dx'])
        check('softmax -5..5 (%s, %s)' % (engine, dtype), ok, out + err)
    rc, out, err = run('eval', '--engine=' + engine, '--at=1,2,3,1000,-1000,0', '--rows=2', '--dy=1,0,0,0,1,0',
                       '--json', '--', 'log_softmax')
    check('log_softmax rows (%s)' % engine, rc == 0, err)
    rows_out[engine] = json.loads(out) if rc == 0 else None
if rows_out['jit'] and rows_out['ref'] and rows_out['aot']:
    j, r, d = rows_out['jit'], rows_out['ref'], rows_out['aot']
    check('log_softmax jit = ref', all(abs(a - b) < 1e-12 for a, b in zip(j['f'] + j['df_dx'], r['f'] + r['df_dx'])),
          repr(rows_out))
    check('log_softmax aot (DSL row kernels) = ref', d['rows'] == 2 and d['cols'] == 3 and
          all(abs(a - b) < 1e-12 for a, b in zip(d['f'] + d['df_dx'], r['f'] + r['df_dx'])), repr(rows_out))
    # row 0: dx = dy - softmax(x)*sum(dy); row 1: x = 1000 takes everything, -1000 gets nothing
    check('log_softmax dx', abs(r['df_dx'][0] - (1 - 0.09003057317038046)) < 1e-12 and r['df_dx'][4] == 1.0 and
          r['f'][3] == 0 and r['f'][4] == -2000, repr(r))
# aot row entries (the DSL's row kernels) on ties agree with ref; errors
rc, out, err = run('eval', '--engine=aot', '--dtype=f32', '--at=2,2,0,1', '--rows=2', '--dy=1,0,1,1', '--json', '--',
                   'softmax')
rc2, out2, err2 = run('eval', '--engine=ref', '--dtype=f32', '--at=2,2,0,1', '--rows=2', '--dy=1,0,1,1', '--json', '--',
                      'softmax')
check('softmax rows f32 (aot = ref)', rc == 0 and rc2 == 0 and
      all(abs(a - b) < 1e-6 for a, b in zip(json.loads(out)['f'] + json.loads(out)['df_dx'],
                                            json.loads(out2)['f'] + json.loads(out2)['df_dx'])), out + err + out2 + err2)
rc, out, err = run('eval', '--engine=aot', '--at=1,2', '--', 'x - rowmax(x)')
check('aot: not a row entry', rc == 2 and "'x - rowmax(x)' is not a row catalog entry (row entries: softmax, "
      "log_softmax" in err, err)
rc, out, err = run('eval', '--engine=aot', '--at=1,2', '--rows=2', '--', 'softmax(x/t)')
check('aot: a row expression that is not an entry', rc == 2 and 'is not a row catalog entry' in err, err)
rc, out, err = run('eval', '--engine=ref', '--at=1,2,3,4', '--rows=2', '--grad', '--param=t=2', '--json', '--',
                   'softmax(x/t)')
check('row function parameter gradient (ref)', rc == 0 and 'dparam' in json.loads(out) and
      abs(sum(json.loads(out)['df_dparam']['t']) - json.loads(out)['dparam']['t']) < 1e-12, out + err)
rc, out, err = run('eval', '--at=1,2,3', '--dy=1,0,0', '--', 'x - rowmax(x)')
check('row table', rc == 0 and out.splitlines()[0] == 'row\tx\tdy\tf\tdx' and
      out.splitlines()[3] == '0\t3\t0\t0\t-1', out + err)
# --shape=N,C,INNER: rows along the middle axis (softmax over NCHW channels); every
# engine gives the values of the same rows made contiguous with --rows
at = [1, 2, 3, 1000, -1000, 0, 0.5, -2, 4, 7, -1, 2]   # (2, 3, 2)
dy = [1, 0, 0.5, 0, -1, 2, 0, 1, 1, 0, 3, 0]
def contiguous(v):  # (2, 3, 2) -> rows (o, i) of 3
    return [v[(o * 3 + c) * 2 + i] for o in range(2) for i in range(2) for c in range(3)]
rc, out, err = run('eval', '--engine=ref', '--at=' + ','.join(map(str, contiguous(at))), '--rows=4',
                   '--dy=' + ','.join(map(str, contiguous(dy))), '--json', '--', 'log_softmax')
want = json.loads(out) if rc == 0 else None
check('log_softmax rows (ref, for --shape)', want is not None, err)
for engine in ('jit', 'ref', 'aot'):
    rc, out, err = run('eval', '--engine=' + engine, '--at=' + ','.join(map(str, at)), '--shape=2,3,2',
                       '--dy=' + ','.join(map(str, dy)), '--json', '--', 'log_softmax')
    ok = rc == 0 and want is not None
    if ok:
        j = json.loads(out)
        ok = j['shape'] == [2, 3, 2] and j['rows'] == 4 and j['cols'] == 3 and \
            all(abs(a - b) < 1e-12 for a, b in zip(contiguous(j['f']) + contiguous(j['df_dx']), want['f'] + want['df_dx']))
    check('log_softmax --shape=2,3,2 (%s) = the rows made contiguous' % engine, ok, out + err)
rc, out, err = run('eval', '--at=1,2,3,1,1,1', '--shape=1,3,2', '--dy=1,0,0,0,0,0', '--', 'x - rowmax(x)')
check('--shape table: row and col', rc == 0 and out.splitlines()[0] == 'row\tcol\tx\tdy\tf\tdx' and
      out.splitlines()[2] == '1\t0\t2\t0\t0\t0' and out.splitlines()[3] == '0\t1\t3\t0\t0\t-1', out + err)
# Maxout over NCHW channels is rowmax over the middle axis of (N*C/k, k, H*W): = symact nn maxout
rc, out, err = run('nn', 'maxout', '--shape=1,4,2', '--k=2', '--at=1,5,2,2.5,4,0,3,7', '--dy=1,1,1,1', '--json')
rc2, out2, err2 = run('eval', '--shape=2,2,2', '--at=1,5,2,2.5,4,0,3,7', '--dy=1,1,0,0,1,1,0,0', '--json', '--',
                      'rowmax(x)')
ok = rc == 0 and rc2 == 0
if ok:
    m, e = json.loads(out), json.loads(out2)
    ok = [e['f'][i] for i in (0, 1, 4, 5)] == m['y'] == [2, 5, 4, 7] and e['df_dx'] == m['dx']
check('maxout NCHW: eval --shape rowmax(x) = nn maxout', ok, out + err + out2 + err2)
for args, text, caret in [
    (('eval', '--at=1,2,3', '--rows=2', 'softmax'), 'do not split into 2 rows', False),
    (('eval', '--at=1,2', '--rows=0', 'softmax'), '--rows=0 is not a positive whole number', False),
    (('eval', '--at=1,2', '--rows=1.5', 'softmax'), 'is not a positive whole number', False),
    (('eval', '--at=1,2,3,4', '--rows=2', '--shape=1,2,2', 'softmax'), 'give --rows or --shape, not both', False),
    (('eval', '--at=1,2,3,4', '--shape=2,2', 'softmax'), '--shape=2,2: expected N,C,INNER', False),
    (('eval', '--at=1,2,3,4', '--shape=2,0,2', 'softmax'), 'sizes must be whole numbers from 1', False),
    (('eval', '--at=1,2,3,4', '--shape=2,1,3', 'softmax'), '--shape=2,1,3 has 6 elements but --at has 4 values',
     False),
    (('eval', '--at=1,2', '--grad', '--param=t=1', 'softmax(x/t)'), 'need --engine=ref', False),
    (('diff', '--', '2*rowsum(x)'), 'rowsum is a row reduction', True),
    (('jit', '--', 'softmax'), 'softmax is a row function: jit::compile', True),
    (('gen', '--name=k', '--', 'x*softmax(x)'), 'softmax is a row function: symact gen', True),
    (('inspect', '--', 'log_softmax'), 'log_softmax is a row function: symact inspect', True),
    (('plot', '-o', '/tmp/symact_cli_rows_test.svg', '--', 'softmax'), 'softmax is a row function', True),
]:
    rc, out, err = run(*args)
    check('error %r' % (args,), rc == 2 and text in err and ('^' in err) == caret, 'rc=%d err=%r' % (rc, err))

# jit: the kernels of an expression
rc, out, err = run('jit', '--', 'x*tanh(log(1 + exp(x)))')
check('jit describe', rc == 0 and 'canonical       x*tanh(softplus(x))' in out and 'lanes per vector' in out,
      out + err)
rc, out, err = run('jit', '--ir', 'sigmoid(x)')
check('jit --ir', rc == 0 and 'define void @symact_forward' in out, err)
for args, text in [
    (('jit',), 'no expression given'),
    (('jit', '--dtype=f16', 'x'), "unknown dtype 'f16'"),
    (('jit', '--width=3', 'x'), 'not a power of two'),
    (('jit', '--', 'softpluss(x)'), "unknown function 'softpluss'"),
]:
    rc, out, err = run(*args)
    check('error %r' % (args,), rc == 2 and text in err, 'rc=%d err=%r' % (rc, err))

# help
for args in (('--help',), ('eval', '--help'), ('diff', '--help'), ('jit', '--help'), ('demo', '--help')):
    rc, out, err = run(*args)
    check('help %r' % (args,), rc == 0 and 'usage: symact' in out, out + err)

# catalog names in strings, bare names, and the compile-time kernels (--engine=aot)
rc, out, err = run('eval', '--at=-1,1', '--json', '--', 'gelu(x) + 0.1*x')
check('catalog name in an expression', rc == 0 and abs(json.loads(out)['f'][1] - 0.9413447460685429) < 1e-15, out + err)
results = {}
for engine in ('jit', 'ref', 'aot'):
    rc, out, err = run('eval', '--engine=' + engine, '--at=-1,0,2', '--dy=1,2,3', '--grad', '--param=alpha=1.5',
                       '--json', '--', 'elu')
    check('elu by name, engine %s' % engine, rc == 0, err)
    results[engine] = json.loads(out) if rc == 0 else None
check('engines agree on elu', results['jit'] == results['ref'] == results['aot'], repr(results))
rc, out, err = run('eval', '--engine=aot', '--at=1', '--json', '--', 'leaky_relu')
check('aot default parameter (leaky_relu slope 0.01)', rc == 0 and json.loads(out)['f'] == [1.0], out + err)
rc, out, err = run('eval', '--engine=aot', '--at=1', '--', 'frob')
check('aot unknown entry', rc == 2 and "'frob' is not a catalog entry" in err, err)
rc, out, err = run('diff', '--', 'silu')
check('diff of a catalog name', rc == 0 and out.strip() == 'sigmoid(x) + x*sigmoid(-x)*sigmoid(x)', out + err)

# ---- symact nn (issue #7: Maxout, CReLU, RReLU, noisy activations; docs/NN.md) ----
rc, out, err = run('nn', 'maxout', '--shape=1,4,2', '--k=2', '--at=1,5,3,2,0,7,-1,7', '--dy=10,20,30,40', '--json')
j = json.loads(out) if rc == 0 else {}
check('nn maxout y (first index wins the tie 7, 7)', j.get('y') == [3, 5, 0, 7], out + err)
check('nn maxout dx to the arg-max', j.get('dx') == [0, 20, 10, 0, 30, 40, 0, 0], out + err)
rc, out, err = run('nn', 'maxout', '--k=2', '--at=1,nan,3,2', '--json')
j = json.loads(out) if rc == 0 else {}
check('nn maxout NaN wins and takes dx', j.get('y') == ['nan', 3] and j.get('dx') == [0, 1, 1, 0], out + err)
rc, out, err = run('nn', 'crelu', '--at=-1,0,2', '--dy=1,2,3,4,5,6', '--json')
j = json.loads(out) if rc == 0 else {}
check('nn crelu y', j.get('y') == [0, 0, 2, 1, 0, 0], out + err)
check('nn crelu dx (relu\'(0) = 0)', j.get('dx') == [-4, 0, 3], out + err)
rc, out, err = run('nn', 'rrelu', '--at=-2,3', '--lower=0.1', '--upper=0.3', '--json')
check('nn rrelu inference slope (lower+upper)/2', rc == 0 and json.loads(out) == {'y': [-0.4, 3], 'dx': [0.2, 1]},
      out + err)
outs = [run('nn', 'rrelu', '--train', '--seed=%d' % s, '--at=-1,-1,-1,2', '--dy=1,1,1,1', '--json') for s in (7, 7, 8)]
js = [json.loads(o[1]) if o[0] == 0 else {} for o in outs]
check('nn rrelu train deterministic per seed', js[0] == js[1] and js[0] != js[2], repr(js))
if js[0]:
    check('nn rrelu train: y = -slope, dx = slope, slope in [lower, upper]',
          all(y == -a and d == a and 0.125 <= a <= 1 / 3 for y, d, a in zip(js[0]['y'][:3], js[0]['dx'][:3],
                                                                               js[0]['slope'][:3])), repr(js[0]))
rc, out, err = run('nn', 'noisy_hardtanh', '--at=-0.5,0.5', '--train', '--seed=3', '--json')
j = json.loads(out) if rc == 0 else {}
check('nn noisy_hardtanh: no noise where unsaturated', j.get('y') == [-0.5, 0.5] and j.get('dx') == [1, 1], out + err)
rc, out, err = run('nn', 'noisy_hardsigmoid', '--at=0', '--alpha=1', '--json')
check('nn noisy_hardsigmoid inference at 0', rc == 0 and json.loads(out)['y'] == [0.5], out + err)
rc, out, err = run('nn', 'noisy_hardtanh', '--at=3', '--dtype=f32')
check('nn table output', rc == 0 and out.splitlines()[0].startswith('y\t') and out.splitlines()[1].startswith('dx\t'),
      out + err)
for args, text in [
    (('nn', 'maxout', '--at=1,2,3', '--k=2'), 'maxout: C = 3 channels is not divisible by k = 2 pieces'),
    (('nn', 'maxout', '--at=1,2'), 'nn: maxout needs --k=K'),
    (('nn', 'crelu', '--at=1', '--k=2'), 'nn: --k is for maxout, not crelu'),
    (('nn', 'frob', '--at=1'), "nn: unknown layer 'frob'"),
    (('nn', 'rrelu', '--at=1', '--lower=0.5', '--upper=0.1'), 'rrelu: lower = 0.5 is greater than upper = 0.1'),
    (('nn', 'maxout', '--at=1,2', '--k=2', '--shape=1,2,2'), 'nn: --shape=1,2,2 has 4 elements but --at has 2 values'),
    (('nn', 'maxout', '--at=1,2', '--k=2', '--dy=1,2'), 'nn: --dy has 2 values but maxout has 1 outputs'),
    (('nn', 'noisy_hardtanh', '--at=1', '--c=-1'), 'c = -1 is negative'),
    (('nn', 'noisy_hardtanh', '--at=1', '--noise=cauchy'), 'nn: --noise=cauchy: expected normal or half-normal'),
]:
    rc, out, err = run(*args)
    check('nn error %r' % (args,), rc == 2 and text in err, 'rc=%d err=%r' % (rc, err))
# Concatenations (concat, crelu): eval on both engines against the CReLU layer
shape_at_dy = ('--shape=2,3,2', '--at=1,-2,3,0,-0.5,4,2,-1,0,5,-3,1', '--dy=' + ','.join(str(i) for i in range(1, 25)))
rc, out, err = run('nn', 'crelu', *shape_at_dy, '--json')
layer = json.loads(out) if rc == 0 else {}
for engine in ('jit', 'ref'):
    for dtype in ('f64', 'f32'):
        rc, out, err = run('eval', '--engine=' + engine, '--dtype=' + dtype, '--json', *shape_at_dy, '--', 'crelu')
        j = json.loads(out) if rc == 0 else {}
        check('eval crelu (%s, %s) = nn crelu' % (engine, dtype),
              layer and j.get('f') == layer['y'] and j.get('df_dx') == layer['dx'] and j.get('parts') == 2
              and j.get('shape') == [2, 3, 2], out + err)
res = {}
for engine in ('jit', 'ref'):
    rc, out, err = run('eval', '--engine=' + engine, '--at=0.5,-1.5,2', '--param=a=1.5', '--dy=1,2,3,4,5,6,7,8,9',
                       '--seed=9', '--offset=4294967295', '--json', '--', 'concat(a*x, exp(x) + a*a, x*uniform(3))')
    res[engine] = json.loads(out) if rc == 0 else {}
    check('eval concat with a parameter and noise (%s)' % engine, rc == 0, out + err)
if res['jit'] and res['ref']:
    check('eval concat: jit = ref (f64, 1e-15)',
          all(abs(a - b) <= 1e-15 * max(1, abs(b)) for k in ('f', 'df_dx') for a, b in zip(res['jit'][k], res['ref'][k]))
          and abs(res['jit']['dparam']['a'] - res['ref']['dparam']['a']) <= 1e-12 * abs(res['ref']['dparam']['a']),
          repr(res))
    x, dy, a = [0.5, -1.5, 2], list(range(1, 10)), 1.5
    check('eval concat: y and dL/da by hand',
          res['ref']['f'][:3] == [a * v for v in x]
          and abs(res['ref']['dparam']['a'] - sum(v * d for v, d in zip(x, dy[:3])) - 2 * a * sum(dy[3:6])) < 1e-12,
          repr(res['ref']))
rc, out, err = run('eval', '--at=1,-2', '--', 'crelu')
check('eval crelu table', rc == 0 and out.splitlines()[0].split('\t') == ['n', 'x', 'f1', 'f2', 'dy1', 'dy2', 'dx']
      and out.splitlines()[2].split('\t') == ['0', '-2', '0', '2', '1', '1', '-1'], out + err)
for args, text in [
    (('eval', '--at=1', '--', 'x + crelu(x)'), "'crelu' has several outputs"),
    (('eval', '--at=1', '--', 'concat(x, foo(x))'), "unknown function 'foo' (in part 2 of concat) (at column 11)"),
    (('eval', '--at=1', '--', 'concat(x,'), "this '(' is never closed"),
    (('eval', '--at=1,2', '--dy=1,2', '--', 'crelu'), '--dy has 2 values but the concatenation has 4 outputs'),
    (('eval', '--at=1,2', '--shape=1,3,1', '--', 'crelu'), '--shape=1,3,1 has 3 elements but --at has 2 values'),
    (('eval', '--at=1,2', '--rows=2', '--', 'crelu'), '--rows is for row functions'),
    (('eval', '--at=1,2', '--shape=1,2,1', '--', 'x'), '--shape is for concatenations'),
    (('eval', '--at=1', '--engine=aot', '--', 'crelu'), 'concatenations run on --engine=jit or ref'),
    (('eval', '--at=1', '--', 'concat(a*x, x)'), "parameter 'a' has no value"),
    (('eval', '--at=1', '--param=b=1', '--', 'crelu'), '--param b: the expression has no parameters'),
]:
    rc, out, err = run(*args)
    check('eval concat error %r' % (args,), rc == 2 and text in err, 'rc=%d err=%r' % (rc, err))
rc, out, err = run('nn', '--help')
check('nn help', rc == 0 and 'usage: symact nn' in out, out + err)
# ---- end symact nn ----

# ---- noise ops in expressions: uniform(k), normal(k), --seed, --offset ----
rrelu_train = 'where(x >= 0, x, (lower + (upper - lower)*uniform(0))*x)'
res = {}
for engine in ('jit', 'ref'):
    for dtype in ('f64', 'f32'):
        rc, out, err = run('eval', '--engine=' + engine, '--dtype=' + dtype, '--at=-1,-1,-1,2', '--seed=7',
                           '--param=lower=0.125', '--param=upper=0.3333333333333333', '--grad', '--json', '--',
                           rrelu_train)
        check('eval noise %s %s rc' % (engine, dtype), rc == 0, err)
        res[engine, dtype] = json.loads(out) if rc == 0 else {}
j = res['jit', 'f64']
check('eval noise: jit = ref (f64)', j == res['ref', 'f64'], repr(res))
check('eval noise: jit = ref (f32)', res['jit', 'f32'] == res['ref', 'f32'], repr(res))
check('eval noise: slopes differ per element, in [lower, upper], dx = slope',
      len(set(j.get('df_dx', [])[:3])) == 3 and all(0.125 <= -v <= 1 / 3 for v in j.get('f', [])[:3])
      and [-v for v in j.get('f', [])[:3]] == j.get('df_dx', [])[:3], repr(j))
# the catalog's noise entries: the compile-time kernels (aot) draw the JIT's numbers
for name, params in (('rrelu_train', ['--param=lower=0.125', '--param=upper=0.3333333333333333']),
                     ('noisy_hardtanh_train', ['--param=alpha=1.15', '--param=c=0.5', '--param=p=1']),
                     ('noisy_hardsigmoid_train', ['--param=alpha=1.1', '--param=c=0.15', '--param=p=1'])):
    outs = {}
    for engine in ('aot', 'jit'):
        rc, out, err = run('eval', '--engine=' + engine, '--at=-3,-1.5,0.5,2.5,4', '--seed=11', '--offset=5',
                           '--grad', '--json', *params, '--', name)
        check('eval %s --engine=%s rc' % (name, engine), rc == 0, err)
        outs[engine] = json.loads(out) if rc == 0 else {}
    def flat(d, pre=''):  # {"f": [..], "df_dparam": {"c": [..]}, ...} -> {"f/0": v, "df_dparam/c/0": v, ...}
        items = d.items() if isinstance(d, dict) else enumerate(d) if isinstance(d, list) else None
        return {pre: d} if items is None else {k: v for i, e in items for k, v in flat(e, '%s/%s' % (pre, i)).items()}
    a, b = flat(outs['aot']), flat(outs['jit'])
    check('eval %s: aot = jit at a seed and offset' % name,
          len(a) > 20 and a.keys() == b.keys() and all(abs(a[k] - b[k]) <= 1e-12 * (1 + abs(b[k])) for k in a),
          repr(outs))
rc, out, err = run('eval', '--at=0,0,0,0', '--seed=7', '--json', '--', 'uniform(0)')
rc2, out2, err2 = run('eval', '--at=0,0', '--seed=7', '--offset=2', '--json', '--', 'uniform(0)')
check('eval noise: --offset continues the array', rc == 0 and rc2 == 0 and json.loads(out)['f'][2:] == json.loads(out2)['f'],
      out + out2 + err + err2)
rc2, out2, err2 = run('eval', '--at=0,0,0,0', '--seed=8', '--json', '--', 'uniform(0)')
check('eval noise: another seed, other numbers', rc2 == 0 and json.loads(out)['f'] != json.loads(out2)['f'], out2 + err2)
for args, text in [
    (('eval', '--at=1', '--', 'uniform(x)'), 'integer constant from 0 to 32767'),
    (('eval', '--at=1', '--seed=-3', '--', 'uniform(0)'), 'eval: --seed=-3: expected a non-negative integer'),
    (('inspect', '--', 'x*normal(0)'), 'normal draws random numbers: symact inspect'),
    (('eval', '--at=1,2', '--rows=1', '--', 'uniform(0) + x - rowmax(x)'), 'uniform draws random numbers'),
]:
    rc, out, err = run(*args)
    caret = '^' in err or '--seed' in text  # expression errors point at the op
    check('noise error %r' % (args,), rc == 2 and text in err and caret, 'rc=%d err=%r' % (rc, err))

# symact gen of a noisy expression: the kernels take the seed and offset (scalars: seed,
# index); compiled (when a C++ compiler is at hand), the header gives the JIT's numbers.
rc, out, err = run('gen', '--name=rrelu_train', '--dtype=f64', '--', rrelu_train)
check('gen noise rc', rc == 0, err)
check('gen noise ABI', 'std::uint64_t seed, std::uint64_t offset)' in out
      and 'std::uint64_t seed, std::uint64_t index)' in out, out[:3000])
rc2, out2, err2 = run('gen', '--name=gauss', '--lang=c', '--dtype=f32', '--', 'x + 0.5*normal(1)')
check('gen noise C', rc2 == 0 and 'uint64_t seed, uint64_t offset)' in out2, err2)
cxx = shutil.which('g++') or shutil.which('c++')
gauss = 'x + 0.5*normal(1)'
rc3, out3, err3 = run('gen', '--name=gauss', '--', gauss)
check('gen noise gauss rc', rc3 == 0, err3)
jit_gauss = {}
gauss_at = [round(-3 + 0.17 * i, 2) for i in range(37)]  # 37: blocks and a tail; crossing 2^32 at element 20
gauss_off = (1 << 32) - 20
for dtype in ('f64', 'f32'):
    r, o, e = run('eval', '--engine=jit', '--dtype=' + dtype, '--at=' + ','.join(map(str, gauss_at)), '--seed=7',
                  '--offset=%d' % gauss_off, '--json', '--', gauss)
    check('eval gauss %s' % dtype, r == 0, e)
    jit_gauss[dtype] = json.loads(o)['f'] if r == 0 else None
if rc == 0 and rc3 == 0 and cxx and res.get(('jit', 'f64')) and all(jit_gauss.values()):
    with tempfile.TemporaryDirectory() as d:
        for name, text in (('rrelu_train.hpp', out), ('gauss.hpp', out3)):
            with open(os.path.join(d, name), 'w') as f:
                f.write(text)
        with open(os.path.join(d, 'main.cpp'), 'w') as f:
            f.write('#include <cstdio>\n#include "rrelu_train.hpp"\n#include "gauss.hpp"\nint main() {\n'
                    '    const double x[] = {-1, -1, -1, 2}, dy[] = {1, 1, 1, 1}, p[] = {0.125, 0.3333333333333333};\n'
                    '    const double xg[] = {%s};\n'
                    '    float xf[37], zf[37];\n'
                    '    double y[4], dx[4], g[2] = {0, 0}, z[37];\n'
                    '    rrelu_train::forward_backward(x, dy, y, dx, 4, p, g, 7, 0);\n'
                    '    for (int i = 0; i < 37; ++i) xf[i] = (float)xg[i];\n'
                    '    gauss::forward(xg, z, 37, 7, %dull);\n'
                    '    gauss::forward(xf, zf, 37, 7, %dull);\n'
                    '    std::printf("{\\"f\\": [%%.17g, %%.17g, %%.17g, %%.17g], \\"df_dx\\": [%%.17g, %%.17g, %%.17g, %%.17g], ",\n'
                    '                y[0], y[1], y[2], y[3], dx[0], dx[1], dx[2], dx[3]);\n'
                    '    std::printf("\\"g64\\": [");\n'
                    '    for (int i = 0; i < 37; ++i) std::printf("%%s%%.17g", i ? ", " : "", z[i]);\n'
                    '    std::printf("], \\"g32\\": [");\n'
                    '    for (int i = 0; i < 37; ++i) std::printf("%%s%%.9g", i ? ", " : "", (double)zf[i]);\n'
                    '    std::printf("]}\\n");\n}\n' % (', '.join(map(repr, gauss_at)), gauss_off, gauss_off))
        exe = os.path.join(d, 'main')
        p = subprocess.run([cxx, '-std=c++17', '-O2', '-ffp-contract=off', '-o', exe, os.path.join(d, 'main.cpp')],
                           capture_output=True, text=True, timeout=300)
        check('gen noise headers compile', p.returncode == 0, p.stderr[:3000])
        if p.returncode == 0:
            got = json.loads(subprocess.run([exe], capture_output=True, text=True, timeout=60).stdout)
            want = res['jit', 'f64']
            check('gen noise: rrelu header = jit (seed 7, offset 0)',
                  got['f'] == want['f'] and got['df_dx'] == want['df_dx'], repr((got, want)))
            f32 = lambda v: struct.unpack('f', struct.pack('f', v))[0]
            check('gen noise: normal header = jit (f64, 37 elements, offset 2^32 - 20)', got['g64'] == jit_gauss['f64'],
                  repr((got, jit_gauss)))
            check('gen noise: normal header = jit (f32)',
                  [f32(v) for v in got['g32']] == [f32(v) for v in jit_gauss['f32']], repr((got, jit_gauss)))

for f in failures:
    print('FAIL', f)
print('%d passed, %d failed' % (count - len(failures), len(failures)))
sys.exit(1 if failures else 0)
