#!/usr/bin/env python3
"""Checks report_check.py itself on hand-written pages in tests/browser/data/:

  clean.html   nothing to report: exit 0, its title, sections and findings read
               back exactly, the only request is the page itself, and a table
               wider than the viewport inside a scroll container is not flagged;
  broken.html  a console.error, an uncaught exception and an <img> from another
               host: each reported on its own FAIL line, exit 1; a 900-px block
               and a paragraph cut off by an overflow: hidden box are warnings,
               and failures with --strict-width;
  hang.html    a script that never ends: the driver gives up at --timeout and
               leaves no Chromium process behind.

Runs the driver as a user would (its command line) and reads its JSON summary.
Exit status: 0 all good, 1 a check failed, 77 Chromium not found.
"""

import json
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
DRIVER = HERE / "report_check.py"
DATA = HERE / "data"

sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import report_check  # noqa: E402  (after the path is set)

failures = []


def check(ok, what):
    print(("ok    " if ok else "FAIL  ") + what)
    if not ok:
        failures.append(what)


def run_driver(page, *options):
    """(exit code, JSON summary, stderr lines) of the driver on data/<page>."""
    proc = subprocess.run([sys.executable, str(DRIVER), *options, str(DATA / page)],
                          capture_output=True, text=True, timeout=120)
    try:
        summary = json.loads(proc.stdout)
    except ValueError:
        summary = {}
    print(f"--- report_check.py {' '.join(options)} {page}: exit {proc.returncode}")
    print(proc.stderr, end="")
    return proc.returncode, summary, proc.stderr.splitlines()


def fail_lines(stderr, text):
    return [line for line in stderr if line.startswith("FAIL: ") and text in line]


def check_clean():
    code, summary, stderr = run_driver("clean.html")
    check(code == 0, "clean.html: exit 0")
    check(summary.get("failures") == [] and summary.get("warnings") == [],
          "clean.html: no failure and no warning (the wide table scrolls)")
    check(not [l for l in stderr if l.startswith(("FAIL", "warning"))],
          "clean.html: nothing on stderr")
    check(summary.get("title") == "Clean test page", "clean.html: document.title read back")
    check(summary.get("sections") == ["findings", "wide-table"], "clean.html: section ids in order")
    check(summary.get("findings") == [
        ["CPUBottleneck", "training", "CPU bottleneck: the GPUs wait", "finding finding-issue"],
        ["", "initialization", "Slow start", "finding finding-warning"],
    ], "clean.html: findings as [rule, stage, text, class]")
    own = (DATA / "clean.html").as_uri()
    check(summary.get("requests") == [own], "clean.html: the only request is the page itself")
    check(summary.get("console_errors") == [],
          "clean.html: console.log and console.warn are no errors")


def check_broken():
    code, summary, stderr = run_driver("broken.html")
    check(code == 1, "broken.html: exit 1")
    check(len(fail_lines(stderr, "console.error: planted console error")) == 1,
          "broken.html: the console.error is one FAIL line")
    check(len(fail_lines(stderr, "uncaught exception: Error: planted exception")) == 1,
          "broken.html: the thrown exception is one FAIL line")
    check(len(fail_lines(stderr, "network request (the report must be self-contained): "
                                 "http://example.invalid/x.png")) == 1,
          "broken.html: the remote image is one FAIL line")
    check(summary.get("external_requests") == ["http://example.invalid/x.png"],
          "broken.html: external_requests lists the image, nothing else")
    check(not fail_lines(stderr, "beyond the 420-px viewport"),
          "broken.html: the wide block is no failure by default")
    wide = [w["element"] for w in summary.get("wide_elements", [])]
    check(wide == ["div#too-wide", "p#cut-off"],
          "broken.html: the wide block and the cut-off paragraph stick out, nothing else")
    check(any(l.startswith("warning: beyond the 420-px viewport: <div#too-wide>")
              for l in stderr), "broken.html: the wide block is a warning")
    code, summary, stderr = run_driver("broken.html", "--strict-width")
    check(code == 1 and len(fail_lines(stderr, "<div#too-wide>")) == 1
          and len(fail_lines(stderr, "<p#cut-off>")) == 1,
          "broken.html --strict-width: the wide block and the cut-off paragraph are FAIL lines")


def check_hang():
    code, summary, stderr = run_driver("hang.html", "--timeout", "3")
    check(code == 1 and len(fail_lines(stderr, "timeout after 3 s")) == 1,
          "hang.html --timeout 3: one FAIL line for the timeout, exit 1")
    pid = summary.get("chromium_pid")
    gone = False
    if pid:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            gone = True
    check(gone, "hang.html: Chromium is gone after the timeout")


def main():
    if report_check.find_chromium() is None:
        print(report_check.SKIP_LINE)
        return report_check.SKIP_CODE
    check_clean()
    check_broken()
    check_hang()
    print(f"{len(failures)} of the driver's self-checks failed" if failures
          else "report_check.py self-test: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
