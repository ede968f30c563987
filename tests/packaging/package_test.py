#!/usr/bin/env python3
"""The Debian package as a user gets it (packaging/CMakeLists.txt).

Runs cpack into a scratch folder of the build tree, checks the package's
control fields and file list, unpacks it into a scratch root and runs the
unpacked /usr/bin/sm-report on a generated sample job -- without
SMR_TEMPLATE_DIR, from a folder outside the source tree -- and checks its
HTML, PDF and rule JSONs, the man page, and that the PDF needs no font
beyond the package's dependency fonts-dejavu-core.

Exit 77 (ctest SKIP_RETURN_CODE) with one line when cpack, dpkg-deb or
dpkg-shlibdeps is missing; 1 with one line per failed check.
"""
import argparse
import glob
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}")
    return ok


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)


def parse_args():
    p = argparse.ArgumentParser()
    p.add_argument("--build-dir", required=True)
    p.add_argument("--source-dir", required=True)
    p.add_argument("--cpack", required=True)
    p.add_argument("--generator", required=True, help="smr-sample-gen")
    p.add_argument("--version", required=True, help="the project version")
    p.add_argument("--man", choices=["on", "off"], required=True,
                   help="whether the build made the man page (help2man found)")
    return p.parse_args()


def missing_tool(cpack):
    if not (os.path.isfile(cpack) and os.access(cpack, os.X_OK)):
        return "cpack"
    for tool in ("dpkg-deb", "dpkg-shlibdeps"):
        if shutil.which(tool) is None:
            return tool
    return None


def build_package(args, scratch):
    out = os.path.join(scratch, "cpack")
    r = run([args.cpack, "-G", "DEB", "-B", out, "--config",
             os.path.join(args.build_dir, "CPackConfig.cmake")], cwd=args.build_dir)
    if not check(r.returncode == 0, f"cpack failed:\n{r.stdout}{r.stderr}"):
        return None
    arch = run(["dpkg", "--print-architecture"]).stdout.strip()
    deb = os.path.join(out, f"sm-report_{args.version}_{arch}.deb")
    check(os.path.isfile(deb),
          f"no {os.path.basename(deb)} in {out}: {os.listdir(out)}")
    return deb if os.path.isfile(deb) else None


def check_control(args, deb):
    r = run(["dpkg-deb", "-f", deb, "Package", "Version", "Depends", "Section"])
    fields = dict(re.findall(r"^(\w+): (.*)$", r.stdout, re.M))
    check(fields.get("Package") == "sm-report", f"Package field: {fields}")
    check(fields.get("Version") == args.version, f"Version field: {fields}")
    check(fields.get("Section") == "utils", f"Section field: {fields}")
    depends = [d.strip().split(" ")[0] for d in fields.get("Depends", "").split(",")]
    for prefix in ("libcairo2", "libpango-1.0", "libpangocairo", "libctemplate",
                   "fonts-dejavu-core"):
        check(any(d.startswith(prefix) for d in depends),
              f"Depends has no {prefix}*: {fields.get('Depends')}")


def check_contents(args, deb):
    r = run(["dpkg-deb", "-c", deb])
    paths = [line.split()[-1] for line in r.stdout.splitlines() if line.strip()]
    files = [p for p in paths if not p.endswith("/")]
    expected = ["./usr/bin/sm-report",
                "./usr/share/sm-report/templates/report.html.tpl",
                "./usr/share/sm-report/templates/report.css",
                "./usr/share/doc/sm-report/copyright",
                "./usr/share/doc/sm-report/README.md",
                "./usr/share/doc/sm-report/cli.md"]
    if args.man == "on":
        expected.append("./usr/share/man/man1/sm-report.1.gz")
    for path in expected:
        check(path in files, f"package lacks {path}")
    for path in files:
        name = os.path.basename(path)
        check(path.startswith("./usr/"), f"package file outside /usr: {path}")
        check(not re.search(r"\.(a|o|h|hpp|cc|cmake)$", name), f"package holds {path}")
        check("test" not in name.lower() and "sample-gen" not in name,
              f"package holds {path}")
    bins = [p for p in files if p.startswith("./usr/bin/")]
    check(bins == ["./usr/bin/sm-report"], f"programs in the package: {bins}")


def dejavu_core_fonts():
    """The font files of the installed fonts-dejavu-core, or []."""
    r = run(["dpkg", "-L", "fonts-dejavu-core"])
    return [p for p in r.stdout.split() if p.endswith(".ttf")] if r.returncode == 0 else []


def fonts_only_env(scratch, fonts, base_env):
    """`base_env` with a fontconfig that sees only `fonts`."""
    font_dir = os.path.join(scratch, "fonts")
    os.makedirs(font_dir)
    for f in fonts:
        os.symlink(f, os.path.join(font_dir, os.path.basename(f)))
    conf = os.path.join(scratch, "fonts.conf")
    with open(conf, "w") as out:
        out.write('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
                  f"<fontconfig><dir>{font_dir}</dir>"
                  f"<cachedir>{os.path.join(scratch, 'fc-cache')}</cachedir></fontconfig>\n")
    env = dict(base_env)
    env["FONTCONFIG_FILE"] = conf
    return env


def pdf_text(pdf):
    r = run(["pdftotext", "-enc", "UTF-8", pdf, "-"])
    return r.stdout if r.returncode == 0 else None


def check_report(out, label):
    html_path = os.path.join(out, "profiler-report.html")
    if check(os.path.isfile(html_path), f"{label}: no profiler-report.html"):
        html = open(html_path, encoding="utf-8").read()
        check('id="findings"' in html, f"{label}: HTML has no findings section")
        check("{{" not in html, f"{label}: HTML has unexpanded template markers")
        check("<!-- smr-package-test -->" in html,
              f"{label}: HTML was not made from the package's templates")
    pdf_path = os.path.join(out, "profiler-report.pdf")
    if check(os.path.isfile(pdf_path), f"{label}: no profiler-report.pdf"):
        with open(pdf_path, "rb") as f:
            check(f.read(5) == b"%PDF-", f"{label}: profiler-report.pdf is no PDF")
        text = pdf_text(pdf_path) if shutil.which("pdftotext") else None
        if text is not None:
            check("Findings" in text, f"{label}: PDF text has no 'Findings'")
    rules = sorted(glob.glob(os.path.join(out, "profiler-reports", "*.json")))
    check(len(rules) == 11, f"{label}: {len(rules)} rule JSONs, expected 11")
    for path in rules:
        with open(path, encoding="utf-8") as f:
            check("RuleTriggered" in json.load(f), f"{label}: {path} has no RuleTriggered")


def check_fonts(exe, job, tmp, env):
    """With only fonts-dejavu-core visible, the PDF uses DejaVu alone and
    keeps every character the normal run shows (a glyph no font has is
    drawn as a hex box and leaves no text behind)."""
    fonts = dejavu_core_fonts()
    if not fonts or not shutil.which("pdffonts") or not shutil.which("pdftotext"):
        print("note: font check skipped (needs fonts-dejavu-core, pdffonts, pdftotext)")
        return
    font_env = fonts_only_env(tmp, fonts, env)
    out = os.path.join(tmp, "out-fonts")
    r = run([exe, "build", job, "-o", out, "--format", "pdf", "-q"], cwd=tmp, env=font_env)
    if not check(r.returncode == 0, f"build with DejaVu only: exit {r.returncode}: {r.stderr}"):
        return
    pdf = os.path.join(out, "profiler-report.pdf")
    names = [line.split()[0] for line in run(["pdffonts", pdf]).stdout.splitlines()[2:]]
    check(names and all("DejaVu" in n for n in names), f"PDF fonts besides DejaVu: {names}")
    restricted = pdf_text(pdf) or ""
    normal = pdf_text(os.path.join(tmp, "out", "profiler-report.pdf")) or ""
    lost = sorted(set(normal) - set(restricted))
    check(not lost, f"characters missing from the PDF with DejaVu only: {lost}")


def check_man(args, root):
    if args.man == "off":
        print("note: no man page built (help2man missing at configure time)")
        return
    page = os.path.join(root, "usr/share/man/man1/sm-report.1.gz")
    if not os.path.isfile(page) or not shutil.which("groff"):
        check(os.path.isfile(page), "man page missing")
        return
    with gzip.open(page, "rt", encoding="utf-8") as f:
        source = f.read()
    r = subprocess.run(["groff", "-man", "-Tutf8"], input=source, capture_output=True,
                       text=True, timeout=60)
    text = re.sub(r".\x08", "", r.stdout)  # drop overstrike bold/underline
    for heading in ("NAME", "SYNOPSIS", "OPTIONS", "EXIT STATUS", "FILES", "EXAMPLES",
                    "SEE ALSO"):
        check(re.search(rf"^{heading}$", text, re.M), f"man page has no {heading} section")
    check("--output" in text and "--rule-param" in text,
          "man page lacks the build options (from --help-all)")
    check("sm-report build:" in text and "sm-report render:" in text,
          "man page lacks the per-command option lists")


def main():
    args = parse_args()
    tool = missing_tool(args.cpack)
    if tool:
        print(f"package test skipped: {tool} not found (apt-get install dpkg-dev cmake)")
        return SKIP
    scratch = os.path.join(args.build_dir, "packaging-test")
    shutil.rmtree(scratch, ignore_errors=True)
    os.makedirs(scratch)
    deb = build_package(args, scratch)
    if deb is None:
        return 1
    check_control(args, deb)
    check_contents(args, deb)
    root = os.path.join(scratch, "root")
    r = run(["dpkg-deb", "-x", deb, root])
    if not check(r.returncode == 0, f"dpkg-deb -x: {r.stderr}"):
        return 1
    # Proves the report comes from the unpacked templates, not the source tree's.
    with open(os.path.join(root, "usr/share/sm-report/templates/report.html.tpl"), "a") as f:
        f.write("<!-- smr-package-test -->\n")
    exe = os.path.join(root, "usr/bin/sm-report")
    env = {k: v for k, v in os.environ.items() if k != "SMR_TEMPLATE_DIR"}
    source = os.path.realpath(args.source_dir)
    with tempfile.TemporaryDirectory(prefix="smr-package-") as tmp:
        check(not os.path.realpath(tmp).startswith(source + os.sep), "scratch cwd in source")
        r = run([exe, "--version"], cwd=tmp, env=env)
        check(r.stdout.strip() == f"sm-report {args.version}", f"--version: {r.stdout!r}")
        job = os.path.join(tmp, "job")
        r = run([args.generator, "--out", job, "--scenario", "default", "--minutes", "5"])
        if not check(r.returncode == 0, f"smr-sample-gen: {r.stderr}"):
            return 1
        out = os.path.join(tmp, "out")
        r = run([exe, "build", job, "-o", out], cwd=tmp, env=env)
        if check(r.returncode == 0, f"build: exit {r.returncode}: {r.stderr}"):
            check_report(out, "build")
            check_fonts(exe, job, tmp, env)
    check_man(args, root)
    if failures:
        return 1
    print(f"package ok: {os.path.relpath(deb, args.build_dir)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
