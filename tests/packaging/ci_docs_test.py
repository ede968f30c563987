#!/usr/bin/env python3
"""The CI examples of docs/ci.md are valid: each ```yaml block parses, its
shell scripts pass `bash -n`, it runs `sm-report build` with the gate,
JUnit and Markdown options and `sm-report diff --fail-on-regression`, uses
only sm-report options of the CLI contract (docs/cli.md), and publishes
the JUnit file (GitHub: a JUnit report action; GitLab:
artifacts:reports:junit).

Exit 77 (ctest SKIP_RETURN_CODE) with one line when PyYAML is missing.
"""
import re
import subprocess
import sys

# sm-report's options per command, as docs/cli.md and docs/ci.md give them.
OPTIONS = {
    "build": {"-o", "--output", "--format", "--config", "--rule-param", "-j", "--jobs",
              "--template-dir", "--paper", "-q", "--quiet", "--timings", "--strict",
              "--analyze-trailing-data", "--fail-on", "--junit", "--summary-md"},
    "render": {"-o", "--output", "--format", "--template-dir", "--paper", "-q", "--quiet",
               "--fail-on", "--junit", "--summary-md"},
    "diff": {"-o", "--format", "--job", "--describe", "--config", "--region",
             "--fail-on-regression", "-q"},
}

failures = []


def check(ok, what):
    if not ok:
        failures.append(what)
        print(f"FAIL: {what}")
    return ok


def shell_ok(script, where):
    # GitHub expressions are replaced before the shell sees the script.
    script = re.sub(r"\$\{\{.*?\}\}", "x", script)
    r = subprocess.run(["bash", "-n"], input=script, capture_output=True, text=True)
    check(r.returncode == 0, f"{where}: bash -n: {r.stderr.strip()}")


def sm_report_calls(script):
    """(command, [options]) of every sm-report call, continuation lines joined."""
    joined = script.replace("\\\n", " ")
    calls = []
    for m in re.finditer(r"\bsm-report (build|render|diff)\b([^\n|;]*)", joined):
        calls.append((m.group(1), re.findall(r"(?<!\S)(--?[a-z][a-z-]*)", m.group(2))))
    return calls


def check_calls(scripts, where):
    calls = [c for s in scripts for c in sm_report_calls(s)]
    for command, options in calls:
        unknown = [o for o in options if o not in OPTIONS[command]]
        check(not unknown, f"{where}: sm-report {command} with unknown options {unknown}")
    builds = [set(o) for c, o in calls if c == "build"]
    check(any({"--fail-on", "--junit", "--summary-md"} <= b for b in builds),
          f"{where}: no sm-report build with --fail-on, --junit and --summary-md")
    check(any(c == "diff" and "--fail-on-regression" in o for c, o in calls),
          f"{where}: no sm-report diff --fail-on-regression")
    text = "\n".join(scripts)
    check("aws s3 sync" in text and "profiler-output" in text,
          f"{where}: no aws s3 sync of the profiler output")
    check(re.search(r"apt-get install [^\n]*\./[^\n]*sm-report_\*\.deb", text),
          f"{where}: no apt-get install of the .deb")


def check_github(doc):
    steps = [s for job in doc["jobs"].values() for s in job.get("steps", [])]
    scripts = [s["run"] for s in steps if "run" in s]
    for i, script in enumerate(scripts):
        shell_ok(script, f"GitHub run step {i + 1}")
    check_calls(scripts, "GitHub")
    uses = [s.get("uses", "") for s in steps]
    check(any("junit" in u for u in uses), "GitHub: no JUnit report action")
    check(any("GITHUB_STEP_SUMMARY" in s for s in scripts), "GitHub: no job summary")
    check(any(u.startswith("actions/upload-artifact") for u in uses),
          "GitHub: no upload-artifact step")


def check_gitlab(doc):
    job = doc["profiler-report"]
    script = "\n".join(job["before_script"] + job["script"])
    shell_ok(script, "GitLab profiler-report script")
    shell_ok("\n".join(doc["package"]["script"]), "GitLab package script")
    check_calls([script], "GitLab")
    artifacts = job["artifacts"]
    check(artifacts.get("reports", {}).get("junit") == "report/junit.xml",
          "GitLab: artifacts:reports:junit is not report/junit.xml")
    check(artifacts.get("when") == "always", "GitLab: artifacts are not kept on failure")


def main():
    try:
        import yaml
    except ImportError:
        print("docs/ci.md YAML check skipped: PyYAML not found (apt-get install python3-yaml)")
        return 77
    text = open(sys.argv[1], encoding="utf-8").read()
    blocks = re.findall(r"^```yaml\n(.*?)^```", text, re.S | re.M)
    if not check(len(blocks) == 2, f"expected 2 yaml blocks (GitHub, GitLab), found {len(blocks)}"):
        return 1
    docs = []
    for i, block in enumerate(blocks):
        try:
            docs.append(yaml.safe_load(block))
        except yaml.YAMLError as e:
            check(False, f"yaml block {i + 1} does not parse: {e}")
            return 1
    check_github(docs[0])
    check_gitlab(docs[1])
    if failures:
        return 1
    print("docs/ci.md examples ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
