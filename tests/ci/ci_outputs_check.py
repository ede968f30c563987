#!/usr/bin/env python3
"""Checks the CI outputs of one sm-report run against their contracts.

  python3 tests/ci/ci_outputs_check.py --case NAME --cli SM_REPORT --sample-gen GEN
          --source-dir SRC --work DIR

Runs `sm-report build` (a generated sample job) or `sm-report render` (a
hand-made rule-JSON set of tests/data/rule_sets/) with --junit and
--summary-md, then checks, as a CI system would read them:

  findings.json  valid against docs/findings.schema.json (jsonschema,
                 Draft 2020-12; the schema itself is checked first), and
                 consistent: verdict and summary agree with the rule states,
                 finding ranks point into findings, listed outputs exist;
  JUnit XML      valid against tests/data/ci/junit.xsd (xmllint), parsed by
                 junitparser (a JUnit consumer library): tests, failures,
                 errors and skipped on both elements equal the counts of the
                 rule states, and each test case's result is the one its
                 rule's state maps to (triggered = failure with a message;
                 failed, missing, unreadable = error; not_evaluated,
                 not_applicable, disabled = skipped; not_triggered = pass);
  Markdown       the verdict heading, one table row per rule with its state,
                 and a link that resolves to the HTML report relative to the
                 Markdown file's folder.

The case `self-test` proves that these checks can fail: findings.json with a
misspelt state, a removed required key or an extra top-level key must not
validate, and a JUnit file with a wrong failures count or a <failure>
without a message must fail the JUnit checks (and xmllint, for the latter).
It also checks docs/findings.md: its example document is valid, and it
names every field of the schema and every rule state.

Prints one line per check ("ok" / "FAIL") and exits 1 if any failed, 77 with
one line saying what to install when jsonschema, junitparser or xmllint is
missing. The scratch folder is removed unless SMR_KEEP_TEST_OUTPUT=1.
"""

import argparse
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import time
import urllib.parse

SKIP_CODE = 77
SKIP_LINE = ("CI output tests skipped: need python3-jsonschema, python3-junitparser and "
             "xmllint (apt-get install python3-jsonschema python3-junitparser libxml2-utils)")

try:
    import jsonschema
    from junitparser import Error, Failure, JUnitXml, Skipped
except ImportError:
    jsonschema = None

# Generated sample jobs (samples/README.md): the scenario, extra generator
# options, extra build options, and rules that must have triggered.
BUILD_CASES = {
    "healthy": ("healthy", [], [], []),
    # 5 minutes: fewer samples than the rules' patience, so not_evaluated.
    "healthy-short": ("healthy", ["--minutes", "5"], [], []),
    "default": ("default", [], [], ["LowGPUUtilization"]),
    "long-init": ("long-init", [], [], ["MaxInitializationTime"]),
    "cpu-only": ("cpu-only", [], [], ["Dataloader"]),
    "cpu-bottleneck": ("cpu-bottleneck", [], [], ["CPUBottleneck", "LowGPUUtilization"]),
    "io-bottleneck": ("io-bottleneck", [], [], ["IOBottleneck"]),
    "memory-growth": ("memory-growth", [], [], ["GPUMemoryIncrease"]),
    "imbalance": ("imbalance", [], [], ["LoadBalancing"]),
    "step-outliers": ("step-outliers", [], [], ["StepOutlier"]),
    "few-loaders": ("few-loaders", [], [], ["Dataloader"]),
    "multi-node": ("multi-node", [], [], ["LowGPUUtilization"]),
    # Disabled rules, HTML only, and odd folder names (below).
    "disabled-rules": ("cpu-bottleneck", [],
                       ["--rule-param", "LoadBalancing.enabled=false",
                        "--rule-param", "Dataloader.enabled=false", "--format", "html"], []),
}
RULE_SETS = ["single-gpu", "four-gpus", "system-only", "cpu-only-two-nodes"]
CASES = (list(BUILD_CASES) + [f"render-{s}" for s in RULE_SETS]
         + ["render-broken", "self-test"])

FAILURE_STATES = {"triggered"}
ERROR_STATES = {"failed", "missing", "unreadable"}
SKIPPED_STATES = {"not_evaluated", "not_applicable", "disabled"}
PASS_STATES = {"not_triggered"}

failures = []


def check(ok, what, detail=""):
    print(("ok    " if ok else "FAIL  ") + what + ("" if ok or not detail else f": {detail}"))
    if not ok:
        failures.append(what)
    return ok


def run(args, what, ok_codes=(0,)):
    """Runs a command; a failure ends the test with its output."""
    proc = subprocess.run(args, capture_output=True, timeout=300)
    if proc.returncode not in ok_codes:
        print(f"FAIL  {what} (exit {proc.returncode}): {' '.join(map(str, args))}")
        print(proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace"))
        sys.exit(1)
    return proc


# ---- findings.json -------------------------------------------------------


def schema_errors(validator, doc):
    return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))


def check_findings(validator, doc, out_dir, kind):
    errors = schema_errors(validator, doc)
    check(not errors, "findings.json is valid against docs/findings.schema.json",
          "; ".join(f"{'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:160]}"
                    for e in errors[:5]))
    if errors:
        return
    rules = doc["rules"]
    names = [r["name"] for r in rules]
    check(len(names) == 11 and len(set(names)) == 11, "11 rules, each once", ", ".join(names))
    fired = [r["name"] for r in rules if r["state"] == "triggered"]
    check(doc["verdict"] == ("issues" if fired else "ok"),
          "verdict is issues exactly when a rule triggered", f"{doc['verdict']}, fired {fired}")
    if fired:
        check(doc["summary"].endswith(": " + ", ".join(fired)),
              "summary names the triggered rules", doc["summary"])
    check(doc["source"]["kind"] == kind, f"source.kind is {kind}", doc["source"]["kind"])
    check((doc["data_quality"] is None) == (kind == "rule-jsons"),
          "data_quality is null exactly in render", str(doc["data_quality"])[:80])
    ranks = [f["rank"] for f in doc["findings"]]
    check(ranks == list(range(1, len(ranks) + 1)), "findings are ranked 1..n", str(ranks))
    for r in rules:
        rank = r["finding_rank"]
        if rank is not None:
            check(1 <= rank <= len(ranks), f"{r['name']}: finding_rank {rank} is a finding")
        if r["state"] in ("missing", "unreadable", "disabled"):
            check(r["triggered"] is None and r["fired"] == [],
                  f"{r['name']}: no counts for a {r['state']} rule")
        if r["fired_total"] is not None:
            check(len(r["fired"]) == min(r["fired_total"], 200),
                  f"{r['name']}: fired lists min(fired_total, 200) firings",
                  f"{len(r['fired'])} vs {r['fired_total']}")
    for key, rel in doc["outputs"].items():
        if rel is not None:
            check((out_dir / rel).exists(), f"outputs.{key} ({rel}) exists in the output folder")


def check_schema_rejects(validator, doc):
    """The schema must reject renamed states, lost keys and added keys."""
    mutations = []
    bad = json.loads(json.dumps(doc))
    bad["rules"][0]["state"] = "trigered"
    mutations.append(("a rule state spelt 'trigered'", bad))
    bad = json.loads(json.dumps(doc))
    del bad["verdict"]
    mutations.append(("the required key 'verdict' removed", bad))
    bad = json.loads(json.dumps(doc))
    del bad["rules"][1]["state_detail"]
    mutations.append(("the required rule key 'state_detail' removed", bad))
    bad = json.loads(json.dumps(doc))
    bad["extra"] = 1
    mutations.append(("an extra top-level key", bad))
    bad = json.loads(json.dumps(doc))
    bad["job"]["duration"] = bad["job"].pop("duration_s")
    mutations.append(("job.duration_s renamed to job.duration", bad))
    bad = json.loads(json.dumps(doc))
    bad["rules"][0]["datapoints"] = "586"
    mutations.append(("rules[0].datapoints as a string", bad))
    bad = json.loads(json.dumps(doc))
    bad["findings"][0]["severity"] = "critical"
    mutations.append(("a finding severity outside the enum", bad))
    for what, mutated in mutations:
        check(bool(schema_errors(validator, mutated)), f"self-test: schema rejects {what}")


# ---- JUnit XML -------------------------------------------------------------


def xmllint_errors(xml_path, xsd):
    proc = subprocess.run(["xmllint", "--noout", "--schema", str(xsd), os.fsencode(xml_path)],
                          capture_output=True, text=True, errors="replace", timeout=60)
    return "" if proc.returncode == 0 else (proc.stderr.strip() or f"exit {proc.returncode}")


def junit_problems(xml_path, doc):
    """What is wrong with the JUnit file for `doc` (empty when nothing)."""
    problems = []
    try:
        xml = JUnitXml.fromfile(str(xml_path))
    except Exception as e:  # noqa: BLE001  (an unparsable file is the finding)
        return [f"junitparser cannot read the file: {e}"]
    suites = list(xml)
    if len(suites) != 1:
        return [f"{len(suites)} test suites, expected 1"]
    suite = suites[0]
    states = {r["name"]: r["state"] for r in doc["rules"]}
    want = {
        "tests": len(states),
        "failures": sum(s in FAILURE_STATES for s in states.values()),
        "errors": sum(s in ERROR_STATES for s in states.values()),
        "skipped": sum(s in SKIPPED_STATES for s in states.values()),
    }
    for element, name in ((xml, "testsuites"), (suite, "testsuite")):
        for key, n in want.items():
            got = getattr(element, key)
            if got != n:
                problems.append(f"<{name}> {key}={got}, findings.json says {n}")
    cases = list(suite)
    seen = [c.name for c in cases]
    if seen != list(states):
        problems.append(f"test cases {seen} != rules {list(states)}")
    counted = {"tests": len(cases), "failures": 0, "errors": 0, "skipped": 0}
    for case in cases:
        state = states.get(case.name)
        results = case.result
        kinds = [type(r) for r in results]
        if state in FAILURE_STATES:
            expected = [Failure]
        elif state in ERROR_STATES:
            expected = [Error]
        elif state in SKIPPED_STATES:
            expected = [Skipped]
        else:
            expected = []
        if kinds != expected:
            problems.append(f"{case.name} ({state}): results {[k.__name__ for k in kinds]}, "
                            f"expected {[k.__name__ for k in expected]}")
            continue
        if expected == [Failure]:
            counted["failures"] += 1
            f = results[0]
            if not f.message or not f.text or case.name not in f.text:
                problems.append(f"{case.name}: <failure> needs a message and a text naming it")
        elif expected == [Error]:
            counted["errors"] += 1
            if not results[0].message or results[0].type != state:
                problems.append(f"{case.name}: <error> needs a message and type={state}")
        elif expected == [Skipped]:
            counted["skipped"] += 1
            if not results[0].message:
                problems.append(f"{case.name}: <skipped> without a message")
        if case.classname != "sm-report.rules":
            problems.append(f"{case.name}: classname {case.classname}")
    for key, n in counted.items():
        if getattr(suite, key) != n:
            problems.append(f"<testsuite> {key}={getattr(suite, key)} but {n} test cases")
    props = {p.name: p.value for p in suite.properties()}
    if props.get("verdict") != doc["verdict"]:
        problems.append(f"property verdict {props.get('verdict')} != {doc['verdict']}")
    return problems


def check_junit(xml_path, doc, xsd):
    err = xmllint_errors(xml_path, xsd)
    check(not err, "JUnit XML is valid against tests/data/ci/junit.xsd (xmllint)", err[-300:])
    problems = junit_problems(xml_path, doc)
    check(not problems, "JUnit counts and test case results equal the rule states in "
          "findings.json (junitparser)", "; ".join(problems[:5]))


def check_junit_rejects(xml_path, doc, xsd, scratch):
    text = xml_path.read_text(encoding="utf-8")
    n = sum(r["state"] == "triggered" for r in doc["rules"])
    off = scratch / "junit-count-off.xml"
    off.write_text(re.sub(r'(<testsuite [^>]*failures=")\d+"', rf'\g<1>{n + 1}"', text, count=1),
                   encoding="utf-8")
    check(bool(junit_problems(off, doc)),
          "self-test: a <testsuite> failures count off by one fails the JUnit checks")
    no_msg = scratch / "junit-no-message.xml"
    no_msg.write_text(re.sub(r'<failure message="[^"]*"', "<failure", text, count=1),
                      encoding="utf-8")
    check(no_msg.read_text(encoding="utf-8") != text, "self-test: the file has a <failure>")
    check(bool(xmllint_errors(no_msg, xsd)),
          "self-test: xmllint rejects a <failure> without a message")
    check(bool(junit_problems(no_msg, doc)),
          "self-test: a <failure> without a message fails the JUnit checks")


# ---- Markdown --------------------------------------------------------------


def markdown_problems(md_path, doc, out_dir):
    problems = []
    text = md_path.read_text(encoding="utf-8")
    heading = "### sm-report: " + ("issues found" if doc["verdict"] == "issues" else "no issues")
    if not text.startswith(heading + "\n"):
        problems.append(f"first line is not '{heading}': {text.splitlines()[0]!r}")
    for r in doc["rules"]:
        state = r["state"].replace("_", " ")
        if state == "triggered":
            state = "**triggered**"
        row = f"| {r['name']} | {state} |"
        if not any(line.startswith(row) for line in text.splitlines()):
            problems.append(f"no table row '{row}'")
    links = re.findall(r"^Full report: \[[^\n]*\]\(([^()\s]+)\)$", text, re.M)
    if len(links) != 1:
        problems.append(f"expected one 'Full report: [..](..)' link, found {links}")
    else:
        target = md_path.parent / urllib.parse.unquote_to_bytes(links[0]).decode(
            "utf-8", errors="surrogateescape")
        report = doc["outputs"]["html"] or doc["outputs"]["pdf"] or "findings.json"
        if not target.is_file():
            problems.append(f"link {links[0]} does not resolve from {md_path.parent}")
        elif not os.path.samefile(target, out_dir / report):
            problems.append(f"link {links[0]} resolves to {target}, not {out_dir / report}")
    return problems


def check_markdown(md_path, doc, out_dir):
    problems = markdown_problems(md_path, doc, out_dir)
    check(not problems, "Markdown: verdict heading, a row per rule, a link to the report",
          "; ".join(problems[:5]))


def check_markdown_rejects(md_path, doc, out_dir, scratch):
    text = md_path.read_text(encoding="utf-8")
    name = doc["rules"][0]["name"]
    bad = scratch / "summary-no-row.md"
    bad.write_text("\n".join(l for l in text.splitlines() if not l.startswith(f"| {name} |")),
                   encoding="utf-8")
    check(bool(markdown_problems(bad, doc, out_dir)),
          "self-test: a Markdown summary without a rule's row fails the checks")


# ---- docs/findings.md ------------------------------------------------------


def schema_property_names(node, out):
    """Every property name the schema defines, recursively."""
    if isinstance(node, dict):
        for name, sub in node.get("properties", {}).items():
            out.add(name)
            schema_property_names(sub, out)
        for key, sub in node.items():
            if key != "properties":
                schema_property_names(sub, out)
    elif isinstance(node, list):
        for sub in node:
            schema_property_names(sub, out)
    return out


def check_docs(validator, src):
    """docs/findings.md's example is valid and every field is described."""
    text = (src / "docs/findings.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```json\n(.*?)```", text, re.S)
    check(bool(blocks), "docs/findings.md has a JSON example")
    if blocks:
        errors = schema_errors(validator, json.loads(blocks[0]))
        check(not errors, "docs/findings.md: the example document is valid against the schema",
              "; ".join(e.message[:120] for e in errors[:3]))
    names = schema_property_names(validator.schema, set())
    missing = sorted(n for n in names if f"`{n}`" not in text and f".{n}`" not in text
                     and f"`{n}." not in text and f".{n}." not in text)
    check(not missing, "docs/findings.md names every field of the schema", ", ".join(missing))
    for state in validator.schema["$defs"]["rule"]["properties"]["state"]["enum"]:
        check(f"| `{state}` |" in text, f"docs/findings.md: the rule state {state} has a row")


# ---- runs ------------------------------------------------------------------


def latin1_name(root, name):
    """`name` followed by a byte that is not UTF-8 (é in Latin-1), as a path."""
    return pathlib.Path(os.fsdecode(os.fsencode(root) + b"/" + name.encode() + b"\xe9"))


def produce(case, args, root):
    """Runs sm-report for `case`; returns (out_dir, junit, markdown, kind)."""
    src = pathlib.Path(args.source_dir)
    if case in BUILD_CASES:
        scenario, gen_opts, build_opts, _ = BUILD_CASES[case]
        job = root / "job"
        out, junit, md = root / "report", root / "junit.xml", root / "summary.md"
        if case == "disabled-rules":
            # A job folder with a Latin-1 byte and markup in its name, the
            # report in a folder with a space and parentheses, the summary in
            # another one: the XML must stay well-formed, the link resolve.
            job = latin1_name(root, "job & <x> ")
            out = root / "out dir (1)"
            md = root / "md dir" / "summary [1].md"
            md.parent.mkdir()
        run([args.sample_gen, "--out", job, "--scenario", scenario, *gen_opts], "generate")
        run([args.cli, "build", job, "-o", out, "--junit", junit, "--summary-md", md, "-q",
             *build_opts], "sm-report build")
        return out, junit, md, "profiler-output"
    name = case[len("render-"):]
    if name == "broken":
        # four-gpus without BatchSize.json and with a truncated StepOutlier.json.
        data = root / "rule-jsons"
        shutil.copytree(src / "tests/data/rule_sets/four-gpus", data)
        (data / "profiler-reports/BatchSize.json").unlink()
        (data / "profiler-reports/StepOutlier.json").write_text('{"RuleTriggered": 1, "Viol')
    else:
        data = src / "tests/data/rule_sets" / name
    out = root / "report"
    run([args.cli, "render", data, "-o", out, "--junit", root / "junit.xml",
         "--summary-md", out / "summary.md", "-q"], "sm-report render")
    return out, root / "junit.xml", out / "summary.md", "rule-jsons"


def check_case(case, args, root, validator, xsd):
    out, junit, md, kind = produce(case, args, root)
    doc = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    states = {}
    for r in doc["rules"]:
        states[r["state"]] = states.get(r["state"], 0) + 1
    print(f"{case}: verdict {doc['verdict']}, states "
          + ", ".join(f"{k} {v}" for k, v in sorted(states.items())))
    check_findings(validator, doc, out, kind)
    check_junit(junit, doc, xsd)
    check_markdown(md, doc, out)
    by_name = {r["name"]: r["state"] for r in doc["rules"]}
    for rule in BUILD_CASES.get(case, (None, None, None, []))[3]:
        check(by_name.get(rule) == "triggered", f"{rule} triggered", by_name.get(rule, "absent"))
    expect = {
        "healthy": lambda: doc["verdict"] == "ok",
        "healthy-short": lambda: states.get("not_evaluated", 0) > 0,
        "disabled-rules": lambda: (by_name["LoadBalancing"] == "disabled" ==
                                   by_name["Dataloader"] and doc["outputs"]["pdf"] is None
                                   and by_name["CPUBottleneck"] == "triggered"),
        "render-broken": lambda: (by_name["BatchSize"] == "missing"
                                  and by_name["StepOutlier"] == "unreadable"),
        "cpu-only": lambda: states.get("not_applicable", 0) > 0,
    }
    if case in expect:
        check(expect[case](), f"{case}: the states this case is here for")
    return out, junit, md, doc


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--case", required=True, choices=CASES)
    parser.add_argument("--cli", required=True, help="sm-report binary")
    parser.add_argument("--sample-gen", required=True, help="smr-sample-gen binary")
    parser.add_argument("--source-dir", required=True, help="the source tree")
    parser.add_argument("--work", required=True, help="scratch folder")
    args = parser.parse_args()
    sys.stdout.reconfigure(errors="backslashreplace")  # paths that are not UTF-8
    if jsonschema is None or shutil.which("xmllint") is None:
        print(SKIP_LINE)
        return SKIP_CODE
    src = pathlib.Path(args.source_dir)
    schema = json.loads((src / "docs/findings.schema.json").read_text(encoding="utf-8"))
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
        check(True, "docs/findings.schema.json is a valid Draft 2020-12 schema")
    except jsonschema.exceptions.SchemaError as e:
        check(False, "docs/findings.schema.json is a valid Draft 2020-12 schema", str(e)[:300])
        return 1
    validator = jsonschema.Draft202012Validator(schema)
    xsd = src / "tests/data/ci/junit.xsd"
    root = pathlib.Path(args.work) / f"ci-{args.case}-{os.getpid()}"
    shutil.rmtree(root, ignore_errors=True)
    for attempt in range(20):  # a finishing test may remove an empty test-scratch/
        try:
            root.mkdir(parents=True)
            break
        except FileNotFoundError:
            if attempt == 19:
                raise
    started = time.monotonic()
    try:
        if args.case == "self-test":
            # A job with triggered rules and findings, so every mutation applies.
            out, junit, md, doc = check_case("cpu-bottleneck", args, root, validator, xsd)
            check_schema_rejects(validator, doc)
            check_junit_rejects(junit, doc, xsd, root)
            check_markdown_rejects(md, doc, out, root)
            check_docs(validator, src)
        else:
            check_case(args.case, args, root, validator, xsd)
    finally:
        if os.environ.get("SMR_KEEP_TEST_OUTPUT", "") not in ("", "0"):
            print(f"kept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
            try:
                root.parent.rmdir()  # only if empty
            except OSError:
                pass
    print(f"{args.case}: {len(failures)} check(s) failed" if failures
          else f"{args.case}: all checks passed ({time.monotonic() - started:.1f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
