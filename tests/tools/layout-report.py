#!/usr/bin/env python3
"""The shape of the tree, measured: files and lines per folder, the
longest files and functions, dispatch sites on the source and destination
type, hand-grown arrays, mutable statics, front ends that include the
engine's internal.h, and the call cycles between files (from the symbols
each object file defines and uses: run after make).

    tests/tools/layout-report.py [TREE [OBJDIR]]

TREE defaults to the current directory, OBJDIR to TREE/build/obj.
docs/hacking.md quotes its figures.
"""
import collections, os, re, subprocess, sys

tree = sys.argv[1] if len(sys.argv) > 1 else '.'
objdir = sys.argv[2] if len(sys.argv) > 2 else os.path.join(tree, 'build', 'obj')
TOPS = ['agent', 'kickstart', 'tui']


def sources():
    for top in TOPS:
        for d, _, fs in os.walk(os.path.join(tree, top)):
            for f in sorted(fs):
                if f.endswith(('.c', '.h')):
                    p = os.path.join(d, f)
                    yield os.path.relpath(p, tree), open(p, errors='replace').read()


files = dict(sources())
print('## Files per folder (.c and .h; lines)\n')
per = collections.defaultdict(lambda: [0, 0])
for p, t in files.items():
    d = os.path.dirname(p)
    per[d][0] += 1
    per[d][1] += t.count('\n')
for d in sorted(per):
    print('%-22s %3d files %6d lines' % (d, per[d][0], per[d][1]))

print('\n## Longest files\n')
for p, t in sorted(files.items(), key=lambda kv: -kv[1].count('\n'))[:8]:
    print('%5d %s' % (t.count('\n'), p))

# Functions in GNU style: the name at column 0 followed by " (", the body
# from a "{" at column 0 to the next "}" at column 0.
funcs = []
for p, t in files.items():
    if not p.endswith('.c'):
        continue
    lines = t.split('\n')
    name = None
    start = None
    for i, l in enumerate(lines):
        m = re.match(r'^([A-Za-z_][A-Za-z0-9_]*) \(', l)
        if m:
            name = m.group(1)
        elif l.startswith('{') and name:
            start = i
        elif l.startswith('}') and start is not None:
            funcs.append((i - start + 1, '%s:%s' % (p, name)))
            name = start = None
print('\n## Longest functions (lines of body)\n')
for n, f in sorted(funcs, reverse=True)[:8]:
    print('%5d %s' % (n, f))

def grep(pattern, skip=()):
    hits = []
    for p, t in files.items():
        if p in skip:
            continue
        for i, l in enumerate(t.split('\n')):
            if re.search(pattern, l):
                hits.append('%s:%d' % (p, i + 1))
    return hits

print('\n## Dispatch on the source or destination type\n')
print('(V2V_SOURCE_HTTPS/SSH, V2V_DEST_LOCAL/LIBVIRT, is_libvirt, tests of the '
      'wizard\'s src_type/dest_type; outside agent/v2v.h)\n')
hits = grep(r'V2V_SOURCE_(HTTPS|SSH)|V2V_DEST_(LOCAL|LIBVIRT)|is_libvirt *\(|'
            r'(src|dest)_type *(==|!=|\?|\)|&&|\|\|)|!\w+->(src|dest)_type',
            skip=('agent/v2v.h',))
by = collections.Counter(h.split(':')[0] for h in hits)
print('%d sites in %d files' % (len(hits), len(by)))
for f, n in sorted(by.items()):
    print('  %3d %s' % (n, f))

print('\n## Hand-grown arrays (realloc outside common/vector.h, common/strbuf.c)\n')
hits = grep(r'\brealloc *\(', skip=('agent/common/vector.h', 'agent/common/strbuf.c'))
print('%d sites' % len(hits))
for h in hits:
    print('  ' + h)

print('\n## Mutable statics in kickstart/ and tui/\n')
hits = []
for p, t in files.items():
    if not p.startswith(('kickstart/', 'tui/')):
        continue
    for i, l in enumerate(t.split('\n')):
        s = l.strip()
        if re.match(r'static\b', s) and not re.search(r'\bconst\b', s) and \
           '(' not in s.split('=')[0] and (s.endswith(';') or '=' in s):
            hits.append('%s:%d: %s' % (p, i + 1, s))
print('%d' % len(hits))
for h in hits:
    print('  ' + h)

print('\n## Front ends that include the engine\'s internal.h\n')
hits = [p for p, t in files.items()
        if p.startswith(('agent/cli/', 'tui/')) and '#include "internal.h"' in t]
print('%d %s' % (len(hits), ' '.join(sorted(hits))))

# Call graph between object files: an edge a -> b when a uses a symbol b
# defines.  Cycles are the strongly connected components of more than one
# file.
print('\n## Call cycles between files (from the objects in %s)\n' % objdir)
defined, used = {}, collections.defaultdict(set)
objs = []
for d, _, fs in os.walk(objdir):
    for f in fs:
        if f.endswith('.o'):
            objs.append(os.path.join(d, f))
for o in objs:
    src = os.path.relpath(o, objdir)[:-2] + '.c'
    out = subprocess.run(['nm', '-P', o], capture_output=True, text=True).stdout
    for line in out.split('\n'):
        parts = line.split()
        if len(parts) < 2:
            continue
        sym, kind = parts[0], parts[1]
        if kind == 'U':
            used[src].add(sym)
        elif kind in 'TDBR':
            defined[sym] = src
graph = {s: {defined[u] for u in used[s] if u in defined and defined[u] != s}
         for s in {os.path.relpath(o, objdir)[:-2] + '.c' for o in objs}}
# Tarjan's algorithm
index, low, stack, on, sccs = {}, {}, [], set(), []
sys.setrecursionlimit(10000)
def visit(v, n=[0]):
    index[v] = low[v] = n[0]; n[0] += 1
    stack.append(v); on.add(v)
    for w in graph.get(v, ()):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v:
                break
        if len(c) > 1:
            sccs.append(sorted(c))
for v in sorted(graph):
    if v not in index:
        visit(v)
if not objs:
    print('no objects: run make first')
else:
    print('%d cycles' % len(sccs))
    for c in sccs:
        print('  ' + ' <-> '.join(c))
