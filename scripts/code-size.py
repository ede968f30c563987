#!/usr/bin/env python3
"""Size limits for the C++ sources (docs/architecture.md, "Conventions").

Lists every source file longer than 500 lines and every function longer than
80 lines (from its signature to its closing brace) under the given folders
(default: src include). A file or function may be longer when it says why: a
comment line starting with "Length:" among the first 40 lines of the file, or
in the comment block right above the function.

  python3 scripts/code-size.py [--max-file N] [--max-function N] [DIR ...]
  python3 scripts/code-size.py --self-test   # checks the checker

Exit status 1 when something is over its limit without a reason, else 0.
"""

import argparse
import os
import re
import sys

CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|try)\s*(\(|$)")
SCOPE = re.compile(r"\b(namespace|class|struct|union|enum)\b")


def strip_code(text):
    """Blanks comments, string and character literals, keeping newlines."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c == "R" and text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = ")" + m.group(1) + '"'
            j = text.find(end, i + m.end())
            j = n if j < 0 else j + len(end)
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            # A digit separator (1'000) is not a character literal.
            if c == "'" and i > 0 and text[i - 1].isalnum() and i + 1 < n and text[i + 1].isalnum():
                out.append(" ")
                i += 1
                continue
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            j = min(j + 1, n)
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def has_reason(lines, first_line):
    """A 'Length:' comment in the comment block just above line first_line (0-based)."""
    k = first_line - 1
    while k >= 0 and (lines[k].strip().startswith("//") or lines[k].strip().startswith("template")):
        if "Length:" in lines[k]:
            return True
        k -= 1
    return False


def functions(path):
    text = open(path, encoding="utf-8", errors="replace").read()
    code = strip_code(text)
    lines = text.split("\n")
    stack = []  # (kind, start_line)
    last_stmt_end = 0
    line_of = lambda pos: code.count("\n", 0, pos)
    i = 0
    for m in re.finditer(r"[{};]", code):
        pos, ch = m.start(), m.group()
        if ch == ";":
            last_stmt_end = pos + 1
            continue
        if ch == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "function":
                    yield start, line_of(pos), lines
            last_stmt_end = pos + 1
            continue
        head = code[last_stmt_end:pos]
        last_stmt_end = pos + 1
        outer = all(k in ("namespace", "class") for k, _ in stack)
        head_s = head.strip()
        if SCOPE.search(head_s) and "(" not in head_s.split(SCOPE.search(head_s).group(), 1)[0] and \
                not head_s.endswith(")") and ")" not in head_s.rsplit(":", 1)[-1][-2:]:
            kind = "namespace" if head_s.startswith(("namespace", "extern")) or "namespace" in head_s else "class"
            if re.search(r"\benum\b", head_s):
                kind = "other"
            stack.append((kind, line_of(pos)))
        elif head_s.startswith("extern"):
            stack.append(("namespace", line_of(pos)))
        elif outer and "(" in head_s and not CONTROL.match(head_s) and "=" not in head_s.split("(", 1)[0]:
            # Signature start: the first non-blank line of the head.
            offset = len(head) - len(head.lstrip())
            stack.append(("function", line_of(last_stmt_end - 1 - len(head) + offset)))
        else:
            stack.append(("other", line_of(pos)))


def self_test():
    """Checks the checker on made-up files: what it must flag and what not."""
    import tempfile
    body = "".join("  x += %d;\n" % i for i in range(85))
    cases = {
        "long_fn.cc": ("int F(int x) {\n" + body + "  return x;\n}\n", 1),
        "excused.cc": ("// Length: one table.\nint F(int x) {\n" + body + "  return x;\n}\n", 0),
        "short.cc": ("struct S {\n  int G() const { return 1; }\n};\nint F() { return 2; }\n", 0),
        "big.h": ("// a file\n" + "".join("int v%d = 0;\n" % i for i in range(520)), 1),
        "lambda.cc": ("void F() {\n  auto f = [] {\n" + body + "  };\n}\n", 1),
        "strings.cc": ('const char* s = "{ { {";\nint F() {\n  return 1; // }\n}\n', 0),
    }
    failed = 0
    with tempfile.TemporaryDirectory() as d:
        for name, (text, want) in cases.items():
            path = os.path.join(d, name)
            with open(path, "w") as f:
                f.write(text)
            lines = text.split("\n")
            n = len(lines) - 1
            got = int(n > 500 and not any("Length:" in l for l in lines[:40]))
            got += sum(1 for s, e, ls in functions(path) if e - s + 1 > 80 and not has_reason(ls, s))
            if got != want:
                print(f"self-test: {name}: {got} findings, expected {want}")
                failed = 1
    print("code-size self-test:", "failed" if failed else "passed")
    return failed


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    ap = argparse.ArgumentParser()
    ap.add_argument("--max-file", type=int, default=500)
    ap.add_argument("--max-function", type=int, default=80)
    ap.add_argument("dirs", nargs="*", default=["src", "include"])
    args = ap.parse_args()
    over = 0
    files = funcs = 0
    for d in args.dirs:
        for root, _, names in os.walk(d):
            for name in sorted(names):
                if not name.endswith((".cc", ".h", ".cpp", ".hpp")):
                    continue
                path = os.path.join(root, name)
                files += 1
                text_lines = open(path, encoding="utf-8", errors="replace").read().split("\n")
                n = len(text_lines) - (1 if text_lines and text_lines[-1] == "" else 0)
                if n > args.max_file and not any("Length:" in l for l in text_lines[:40]):
                    print(f"{path}: {n} lines (file limit {args.max_file})")
                    over += 1
                for start, end, lines in functions(path):
                    funcs += 1
                    length = end - start + 1
                    if length > args.max_function and not has_reason(lines, start):
                        sig = lines[start].strip()[:70]
                        print(f"{path}:{start + 1}: function of {length} lines (limit {args.max_function}): {sig}")
                        over += 1
    print(f"code-size: {files} files, {funcs} functions, {over} over the limits without a reason")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
