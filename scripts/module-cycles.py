#!/usr/bin/env python3
"""Print the import loops between the modules of one Rust crate.

    scripts/module-cycles.py CRATE_SRC_DIR [--edges]

Why: the style asks that no module import one that imports it back, directly or through a
longer loop; rustc accepts such loops, so nothing else shows them.

How: the module tree is read from `lib.rs` (or `main.rs` where there is no lib) by
following `mod name;` and inline `mod name { .. }`. An edge A -> B is any path in A's code
(a `use` tree, or a `crate::`, `super::`, `self::` or child-module path in an expression)
that names B or something inside B; it goes to the longest module the path names. Declaring
`mod child` is not an edge; `pub use child::X` is (A -> child). Comments and string literals
are skipped. Each strongly connected component of more than one module is a loop: it is
printed with one place for every edge inside it. Exit status 1 when there is a loop.
"""

import os
import re
import sys
from collections import defaultdict

IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def strip(src):
    """Blank out comments, strings and char literals, keeping offsets and newlines."""
    out = []
    i, n = 0, len(src)

    def blank(text):
        out.append("".join(c if c == "\n" else " " for c in text))

    while i < n:
        c = src[i]
        if src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            blank(src[i:j])
            i = j
        elif src.startswith("/*", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if src.startswith("/*", j):
                    depth, j = depth + 1, j + 2
                elif src.startswith("*/", j):
                    depth, j = depth - 1, j + 2
                else:
                    j += 1
            blank(src[i:j])
            i = j
        elif re.match(r'b?r#*"', src[i:i + 260]) and (i == 0 or not re.match(r"\w", src[i - 1])):
            m = re.match(r'b?r(#*)"', src[i:])
            end = '"' + m.group(1)
            j = src.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            blank(src[i:j])
            i = j
        elif c == '"' or (c == "b" and src.startswith('b"', i) and (i == 0 or not re.match(r"\w", src[i - 1]))):
            j = i + (2 if c == "b" else 1)
            while j < n and src[j] != '"':
                j += 2 if src[j] == "\\" else 1
            blank(src[i:j + 1])
            i = j + 1
        elif c == "'":
            m = re.match(r"'(\\u\{[0-9a-fA-F]+\}|\\x[0-9a-fA-F]{2}|\\.|[^\\'])'", src[i:])
            if m:
                blank(m.group(0))
                i += m.end()
            else:  # a lifetime or a label
                out.append(c)
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def matching_brace(code, open_at):
    depth = 0
    for j in range(open_at, len(code)):
        if code[j] == "{":
            depth += 1
        elif code[j] == "}":
            depth -= 1
            if depth == 0:
                return j
    return len(code)


class Module:
    def __init__(self, path, file, code, start, end):
        self.path, self.file, self.code = path, file, code
        self.start, self.end = start, end  # the span of the file's code that is this module's
        self.holes = []  # spans of inline child modules, which are not this module's code


def load(src_dir):
    root = None
    for name in ("lib.rs", "main.rs"):
        if os.path.exists(os.path.join(src_dir, name)):
            root = os.path.join(src_dir, name)
            break
    if root is None:
        sys.exit(f"no lib.rs or main.rs in {src_dir}")
    modules = {}

    def read_file(file, path):
        with open(file, encoding="utf-8") as f:
            code = strip(f.read())
        base = os.path.basename(file)
        if base in ("lib.rs", "main.rs", "mod.rs"):
            child_dir = os.path.dirname(file)
        else:
            child_dir = os.path.join(os.path.dirname(file), base[:-3])
        walk(file, code, path, 0, len(code), child_dir)

    def walk(file, code, path, start, end, child_dir):
        mod = Module(path, file, code, start, end)
        modules[path] = mod
        pat = re.compile(r"\bmod\s+(" + IDENT + r")\s*([;{])")
        i = start
        while True:
            m = pat.search(code, i, end)
            if not m:
                break
            name, kind = m.group(1), m.group(2)
            child = path + (name,)
            if kind == "{":
                close = matching_brace(code, m.end() - 1)
                mod.holes.append((m.start(), close + 1))
                walk(file, code, child, m.end(), close, os.path.join(child_dir, name))
                i = close + 1
            else:
                for cand in (os.path.join(child_dir, name + ".rs"),
                             os.path.join(child_dir, name, "mod.rs")):
                    if os.path.exists(cand):
                        read_file(cand, child)
                        break
                else:
                    print(f"warning: {file}: no file for `mod {name};`", file=sys.stderr)
                i = m.end()

    read_file(root, ())
    return modules


def own_code(mod):
    """The module's code with its inline children blanked out."""
    code = list(mod.code[mod.start:mod.end])
    for a, b in mod.holes:
        for k in range(a - mod.start, b - mod.start):
            if code[k] != "\n":
                code[k] = " "
    return "".join(code)


def expand_use(tree, with_alias=False):
    """`a::{b, c::{d, self}}` -> [[a, b], [a, c, d], [a, c]] (segments only)."""
    # Spaces only matter around `as`; everything else is read without them.
    tree = re.sub(r"\s+as\s+", " as ", tree.strip())
    tree = re.sub(r"\s*([{},:])\s*", r"\1", tree)
    pos = 0

    def parse(prefix):
        nonlocal pos
        results = []
        segs = list(prefix)
        alias = [None]
        while pos < len(tree):
            if tree[pos] == "{":
                pos += 1
                while pos < len(tree) and tree[pos] != "}":
                    before = pos
                    results.extend(parse(segs))
                    if pos < len(tree) and tree[pos] == ",":
                        pos += 1
                    elif pos == before:
                        pos += 1  # something this reader does not know: step over it
                pos += 1
                return results
            m = re.compile(IDENT + r"|\*").match(tree, pos)
            if not m:
                break
            seg = m.group(0)
            pos = m.end()
            if seg == "self" and segs:
                pass  # `a::{self}` names `a`
            elif seg != "*":
                segs.append(seg)
            # `x as y`: the alias is the name it is known by here, and names nothing itself.
            m = re.compile(r" as (" + IDENT + r"|_)").match(tree, pos)
            if m:
                pos = m.end()
                alias[0] = m.group(1)
                break
            if tree.startswith("::", pos):
                pos += 2
                continue
            break
        results.append((segs, alias[0]))
        return results

    out = []
    while pos < len(tree):
        out.extend(parse([]))
        if pos < len(tree) and tree[pos] == ",":
            pos += 1
        elif pos < len(tree) and tree[pos] != "{":
            pos += 1
    return out if with_alias else [segs for segs, _ in out]


def resolve(mod_path, segs, modules, bare_children_only):
    """The module a path names, seen from mod_path, or None when it is outside the crate."""
    if not segs:
        return None
    path = list(mod_path)
    i = 0
    if segs[0] == "crate":
        path, i = [], 1
    elif segs[0] in ("super", "self"):
        while i < len(segs) and segs[i] in ("super", "self"):
            if segs[i] == "super":
                if not path:
                    return None
                path.pop()
            i += 1
    elif tuple(path + [segs[0]]) in modules:
        pass  # a child module named bare
    else:
        return None
    target = tuple(path)
    rest = segs[i:]
    while rest and target + (rest[0],) in modules:
        target, rest = target + (rest[0],), rest[1:]
    # A name the module only re-exports (`pub use other::X`) leads on to where it is defined.
    seen = set()
    while rest and (target, rest[0]) in REEXPORTS and (target, rest[0]) not in seen:
        seen.add((target, rest[0]))
        where, segs2 = REEXPORTS[(target, rest[0])]
        t = resolve(where, segs2, modules, False)
        if t is None:
            break
        target, rest = t, []
    return target


REEXPORTS = {}  # (module, name) -> (module, path segments) for each `pub use`


def read_reexports(modules):
    for path, mod in modules.items():
        for m in re.finditer(r"\bpub(?:\([^)]*\))?\s+use\s+([^;]*);", own_code(mod)):
            for segs, alias in expand_use(m.group(1), with_alias=True):
                if segs and (alias or segs[-1]) not in ("*", "self"):
                    REEXPORTS[(path, alias or segs[-1])] = (path, segs)


def edges_of(mod, modules):
    code = own_code(mod)
    found = []  # (target, offset)
    use_spans = []
    for m in re.finditer(r"\buse\s+([^;]*);", code):
        use_spans.append((m.start(), m.end()))
        for segs in expand_use(m.group(1)):
            t = resolve(mod.path, segs, modules, False)
            if t is not None:
                found.append((t, m.start()))
    in_use = lambda k: any(a <= k < b for a, b in use_spans)
    for m in re.finditer(r"(?<![\w:])(" + IDENT + r"(?:\s*::\s*" + IDENT + r")+)", code):
        if in_use(m.start()):
            continue
        segs = re.split(r"\s*::\s*", m.group(1))
        t = resolve(mod.path, segs, modules, True)
        if t is not None:
            found.append((t, m.start()))
    out = []
    for t, off in found:
        if t != mod.path:
            line = mod.code.count("\n", 0, mod.start + off) + 1
            out.append((t, line))
    return out


def sccs(nodes, graph):
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            comps.append(comp)

    for v in nodes:
        if v not in index:
            visit(v)
    return comps


def name(path):
    return "crate" if not path else "crate::" + "::".join(path)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    if len(args) != 1:
        sys.exit(__doc__)
    src_dir = args[0]
    modules = load(src_dir)
    read_reexports(modules)
    graph = defaultdict(dict)  # from -> to -> first place
    for path, mod in sorted(modules.items()):
        for target, line in edges_of(mod, modules):
            where = f"{os.path.relpath(mod.file, src_dir)}:{line}"
            graph[path].setdefault(target, where)
    if "--edges" in sys.argv:
        for a in sorted(graph):
            for b, where in sorted(graph[a].items()):
                print(f"{name(a)} -> {name(b)}  ({where})")
    loops = [sorted(c) for c in sccs(sorted(modules), graph) if len(c) > 1]
    loops.sort()
    print(f"{src_dir}: {len(modules)} modules, {len(loops)} loop(s)")
    for k, comp in enumerate(loops, 1):
        members = set(comp)
        print(f"loop {k}: " + ", ".join(name(p) for p in comp))
        for a in comp:
            for b, where in sorted(graph[a].items()):
                if b in members:
                    print(f"    {name(a)} -> {name(b)}  ({where})")
    sys.exit(1 if loops else 0)


if __name__ == "__main__":
    main()
