#!/usr/bin/env python3
"""Opens the report of one generated sample job in headless Chromium.

  python3 tests/browser/scenario_test.py --scenario NAME --sample-gen GEN --cli SM_REPORT
          --work DIR [--strict-width] [--timeout 60]

Generates the scenario with smr-sample-gen into DIR/browser-<scenario>-<pid>/job,
writes its HTML report with `sm-report build`, opens it with
report_check.py and checks what a user would see:

  - no console error or exception, and no network request (report_check.py);
  - every section of REQUIRED_SECTIONS is present, the findings box first;
  - the first finding naming a rule (li.finding with a non-empty data-rule)
    names the problem the scenario plants (PLANTED_PROBLEM); a healthy job
    has no rule finding of severity issue, and one OK line.

Prints one line per check ("ok" / "FAIL") and exits 1 if any failed, 77
when Chromium is missing. The job folder is removed at the end (and DIR
when that leaves it empty, as the C++ tests do with build/test-scratch/)
unless SMR_KEEP_TEST_OUTPUT=1.
"""

import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import report_check  # noqa: E402  (after the path is set)

# The section ids every report must have (ids of <section> elements). Add a
# row when the report gains a section every job shows.
REQUIRED_SECTIONS = [
    "findings",              # the findings box, right under the header
    "training-job-summary",
    "system-usage",
    "rules-summary",
    "data-quality",
]

# The rule the scenario is built to trip (samples/README.md), which the first
# finding naming a rule must name; a tuple accepts any of its rules. None:
# the job is healthy and no finding names a rule with severity issue.
PLANTED_PROBLEM = {
    "default": ("LowGPUUtilization", "LoadBalancing"),  # gpu3 idle: either names it
    "healthy": None,
    "long-init": ("MaxInitializationTime",),
    "cpu-only": ("Dataloader",),
    "cpu-bottleneck": ("CPUBottleneck",),
    "io-bottleneck": ("IOBottleneck",),
    "memory-growth": ("GPUMemoryIncrease",),
    "imbalance": ("LoadBalancing",),
    "step-outliers": ("StepOutlier",),
    "few-loaders": ("Dataloader",),
    "multi-node": ("LowGPUUtilization",),
}

failures = []


def check(ok, what, detail=""):
    print(("ok    " if ok else "FAIL  ") + what + ("" if ok or not detail else f": {detail}"))
    if not ok:
        failures.append(what)


def run(args, what):
    """Runs a command; a failure ends the test with its output."""
    proc = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        print(f"FAIL  {what} (exit {proc.returncode}): {' '.join(map(str, args))}")
        print(proc.stdout + proc.stderr)
        sys.exit(1)


def make_dir(path):
    # Another test binary ending at the same moment removes an empty
    # test-scratch/ (tests/testing/scratch.h), which can fall between
    # creating it and creating our folder in it: try again then.
    for attempt in range(20):
        try:
            path.mkdir(parents=True, exist_ok=True)
            return
        except FileNotFoundError:
            if attempt == 19:
                raise


def check_findings(scenario, findings):
    """The planted problem leads the rule findings (or, healthy: one OK line)."""
    planted = PLANTED_PROBLEM[scenario]
    rule_findings = [f for f in findings if f[0]]
    listing = "; ".join(f"[{f[0] or '-'}|{f[1]}|{f[3]}] {f[2][:80]}" for f in findings) or "none"
    if planted is None:
        issues = [f for f in rule_findings if "finding-issue" in f[3].split()]
        check(not issues, "healthy job: no finding of severity issue names a rule", listing)
        check(len(findings) == 1 and "finding-ok" in findings[0][3].split(),
              "healthy job: the findings box is a single OK line", listing)
        return
    first = rule_findings[0][0] if rule_findings else None
    check(first in planted,
          f"the first finding naming a rule names {' or '.join(planted)} "
          f"(it names {first or 'no rule'})", listing)


def check_report(scenario, summary):
    check(not summary["console_errors"], "no console error or exception",
          " | ".join(summary["console_errors"]))
    check(not summary["external_requests"], "no network request",
          " | ".join(summary["external_requests"]))
    other = [f for f in summary["failures"]
             if not f.startswith(("console: ", "network request"))]
    check(not other, "Chromium opened the report and the page checks ran", " | ".join(other))
    for line in summary["warnings"]:
        print(f"warning: {line}")
    sections = summary["sections"]
    for section in REQUIRED_SECTIONS:
        check(section in sections, f"section #{section} present")
    check(bool(sections) and sections[0] == "findings", "the findings box is the first section",
          f"sections: {', '.join(sections) or 'none'}")
    check_findings(scenario, summary["findings"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenario", required=True, choices=sorted(PLANTED_PROBLEM))
    parser.add_argument("--sample-gen", required=True, help="smr-sample-gen binary")
    parser.add_argument("--cli", required=True, help="sm-report binary")
    parser.add_argument("--work", required=True, help="scratch folder")
    parser.add_argument("--strict-width", action="store_true")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    if report_check.find_chromium() is None:
        print(report_check.SKIP_LINE)
        return report_check.SKIP_CODE
    root = pathlib.Path(args.work) / f"browser-{args.scenario}-{os.getpid()}"
    shutil.rmtree(root, ignore_errors=True)
    make_dir(root)
    try:
        started = time.monotonic()
        run([args.sample_gen, "--out", root / "job", "--scenario", args.scenario], "generate")
        run([args.cli, "build", root / "job", "-o", root / "report", "--format", "html", "-q"],
            "sm-report build")
        html = root / "report" / "profiler-report.html"
        summary = report_check.check_report(html, timeout=args.timeout,
                                            strict_width=args.strict_width)
        print(f"{args.scenario}: report {html.stat().st_size // 1024} KB, title "
              f"'{summary['title']}', {len(summary['sections'])} sections, "
              f"{len(summary['findings'])} findings, {time.monotonic() - started:.1f} s")
        check_report(args.scenario, summary)
    finally:
        keep = os.environ.get("SMR_KEEP_TEST_OUTPUT", "") not in ("", "0")
        if keep:
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
            try:
                root.parent.rmdir()  # only if empty
            except OSError:
                pass
    print(f"{args.scenario}: {len(failures)} check(s) failed" if failures
          else f"{args.scenario}: all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
