#!/usr/bin/env python3
"""Opens an HTML report in headless Chromium, as a user would, and checks it.

  python3 tests/browser/report_check.py REPORT.html [--timeout 60] [--width 420]
          [--strict-width] [--chromium PATH]

Talks to Chromium over the DevTools protocol on a pipe
(`--remote-debugging-pipe`: Chromium reads commands on its fd 3 and writes
answers and events on its fd 4, each a JSON message ended by a NUL byte).
Python 3 standard library only. While the page loads and runs it collects:

  - console errors and uncaught exceptions (Runtime.consoleAPICalled of type
    error or assert, Runtime.exceptionThrown, Log.entryAdded of level error);
  - every network request (Network.requestWillBeSent): any URL other than the
    report file itself and data:, about: or blob: URLs is a failure, since the
    report must work offline. DNS is answered "not found" for every host, so
    nothing leaves the machine;

then evaluates in the page, at a viewport `--width` px wide (Emulation.
setDeviceMetricsOverride): the ids of all <section> elements, the findings
list (each li.finding as [data-rule, data-stage, text, class]),
document.title, and the elements that stick out of the viewport outside a
horizontal scroll container (overflow-x auto or scroll; what an overflow:
hidden box cuts off counts, since a user cannot reach it). Those are a
warning, or a failure with --strict-width.

Prints a JSON summary on stdout and one line per failure ("FAIL: ...") and
warning ("warning: ...") on stderr. Exit status: 0 no failure, 1 failures
(including a timeout or a Chromium crash), 2 usage error, 77 Chromium not
found (ctest's SKIP_RETURN_CODE). Chromium is always killed at the end.
"""

import argparse
import ctypes
import json
import os
import pathlib
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

SKIP_CODE = 77
SKIP_LINE = "chromium not found: browser tests skipped (apt-get install chromium)"

# Chromium's names on Debian and elsewhere; SMR_CHROMIUM overrides.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--remote-debugging-pipe",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-extensions",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
    "--disable-breakpad",
    "--disable-crash-reporter",
    # Every host name fails to resolve: a request is still seen (and
    # reported) but nothing reaches the network.
    "--host-resolver-rules=MAP * ~NOTFOUND",
)

# Chromium's stderr lines that say nothing about the page: Debian's launcher
# script, and D-Bus, which a headless container does not have.
STDERR_NOISE = ("unexpected operator", "dbus", "DBus")

# URL schemes that never leave the page.
LOCAL_SCHEMES = ("data:", "about:", "blob:")

# Evaluated in the page once it has loaded: everything the checks read.
PAGE_FACTS_JS = r"""
(() => {
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  const vw = document.documentElement.clientWidth;
  // An ancestor below <body> that scrolls horizontally: what is wider inside
  // it can be scrolled to. (Content cut off by overflow: hidden cannot, so it
  // counts.)
  const inScroller = el => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const ox = getComputedStyle(p).overflowX;
      if (ox === 'auto' || ox === 'scroll') return true;
    }
    return false;
  };
  const sticksOut = el => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && (r.right > vw + 1 || r.left < -1);
  };
  const describe = el => {
    let d = el.tagName.toLowerCase();
    if (el.id) d += '#' + el.id;
    for (const c of [...el.classList].slice(0, 3)) d += '.' + c;
    const sec = el.closest('section[id]');
    const r = el.getBoundingClientRect();
    return { element: d, section: sec ? sec.id : '', width: Math.round(r.width),
             left: Math.round(r.left), right: Math.round(r.right) };
  };
  const wide = [];
  for (const el of document.body ? document.body.querySelectorAll('*') : []) {
    if (!sticksOut(el) || inScroller(el)) continue;
    // Report the outermost element that sticks out, not all its children.
    const parent = el.parentElement;
    if (parent && parent !== document.body && sticksOut(parent) && !inScroller(parent)) continue;
    wide.push(describe(el));
  }
  return {
    title: document.title,
    url: location.href,
    sections: [...document.querySelectorAll('section')].map(s => s.id),
    findings: [...document.querySelectorAll('li.finding')].map(li =>
        [li.dataset.rule || '', li.dataset.stage || '', norm(li.textContent), li.className]),
    viewport_width: vw,
    page_width: document.documentElement.scrollWidth,
    wide_elements: wide,
  };
})()
"""


class ChromiumError(Exception):
    """Chromium did not answer, crashed or refused a command."""


class ChromiumMissing(Exception):
    """No Chromium binary was found."""


def find_chromium(explicit=None):
    """The path of a Chromium binary, or None."""
    for name in (explicit, os.environ.get("SMR_CHROMIUM")) + CHROMIUM_NAMES:
        if name:
            path = shutil.which(name)
            if path:
                return path
    return None


class DevToolsPipe:
    """A DevTools protocol connection over Chromium's fds 3 and 4."""

    def __init__(self, to_browser, from_browser, deadline):
        self.to_browser = to_browser
        self.from_browser = from_browser
        self._deadline = deadline
        self._buffer = b""
        self._next_id = 0
        self.events = []  # every event, in arrival order: (sessionId, method, params)
        self.session = None  # the page's session, once attached

    def call(self, method, params=None, session=None):
        """Sends a command and returns its result; events meanwhile go to self.events."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        data = json.dumps(message).encode() + b"\0"
        while data:
            data = data[os.write(self.to_browser, data):]
        while True:
            reply = self._read(f"the answer to {method}")
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise ChromiumError(f"{method} failed: {reply['error'].get('message')}")
                return reply.get("result", {})

    def wait_for(self, method, session, start=0):
        """Reads until the event `method` of `session` has arrived (at or after index start)."""
        while True:
            for sid, name, params in self.events[start:]:
                if name == method and sid == session:
                    return params
            start = len(self.events)
            self._read(f"the event {method}")

    def _read(self, waiting_for):
        """The next message; events are also appended to self.events."""
        while b"\0" not in self._buffer:
            left = self._deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no answer from chromium while waiting for {waiting_for}")
            ready, _, _ = select.select([self.from_browser], [], [], left)
            if ready:
                chunk = os.read(self.from_browser, 1 << 16)
                if not chunk:
                    raise ChromiumError(f"chromium closed the pipe while we waited for "
                                        f"{waiting_for}")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message = json.loads(raw)
        if "method" in message:
            self.events.append((message.get("sessionId"), message["method"],
                                message.get("params", {})))
        return message


def _adopt_orphans():
    """Makes this process the reaper of its orphaned descendants, so that
    helpers Chromium leaves behind (in other process groups) can be found
    and killed, and are not left as zombies where PID 1 does not reap."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass


def _kill_adopted():
    """Kills and reaps every remaining child of this process: Chromium's
    orphaned helpers (see _adopt_orphans). The caller runs no other child
    while it checks a report."""
    me = os.getpid()
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            pid, ppid = int(stat.parent.name), int(fields[1])
        except (OSError, IndexError, ValueError):
            continue
        if ppid == me:
            try:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass


def _start_chromium(binary, profile_dir):
    """Starts Chromium with the debugging pipe on its fds 3 and 4."""
    _adopt_orphans()
    to_browser_r, to_browser_w = os.pipe()
    from_browser_r, from_browser_w = os.pipe()
    stderr = tempfile.TemporaryFile()

    def place_pipe_fds():
        # Move both ends above 10 first so that dup2 onto 3 and 4 never
        # overwrites the other one.
        high_in = os.dup2(to_browser_r, 10)
        high_out = os.dup2(from_browser_w, 11)
        os.dup2(high_in, 3)
        os.dup2(high_out, 4)

    args = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile_dir}", "about:blank"]
    proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stderr, stderr=stderr,
                            pass_fds=(3, 4), preexec_fn=place_pipe_fds, start_new_session=True)
    os.close(to_browser_r)
    os.close(from_browser_w)
    return proc, to_browser_w, from_browser_r, stderr


def _stop_chromium(proc, pipe, stderr):
    """Closes Chromium (Browser.close, then SIGKILL to its whole process
    group for whatever is left); returns the tail of its stderr."""
    try:
        message = json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0"
        os.write(pipe.to_browser, message)
        proc.wait(timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()
    _kill_adopted()
    os.close(pipe.to_browser)
    os.close(pipe.from_browser)
    stderr.seek(0)
    lines = [l for l in stderr.read().decode(errors="replace").splitlines()
             if l.strip() and not any(noise in l for noise in STDERR_NOISE)]
    stderr.close()
    return lines[-5:]


def _load_page(pipe, url, width):
    """Opens url in a new tab at `width` px and returns what PAGE_FACTS_JS found."""
    target = pipe.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = pipe.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    pipe.session = session
    for domain in ("Page", "Runtime", "Log", "Network"):
        pipe.call(f"{domain}.enable", session=session)
    pipe.call("Emulation.setDeviceMetricsOverride",
              {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": False},
              session=session)
    start = len(pipe.events)
    navigated = pipe.call("Page.navigate", {"url": url}, session=session)
    if navigated.get("errorText"):
        raise ChromiumError(f"could not open {url}: {navigated['errorText']}")
    pipe.wait_for("Page.loadEventFired", session, start)
    # Let timers and handlers that the load started run (and fail) first.
    pipe.call("Runtime.evaluate",
              {"expression": "new Promise(r => setTimeout(r, 200))", "awaitPromise": True},
              session=session)
    result = pipe.call("Runtime.evaluate",
                       {"expression": PAGE_FACTS_JS, "returnByValue": True}, session=session)
    if "exceptionDetails" in result:
        details = result["exceptionDetails"]
        raise ChromiumError("the page checks failed: " + _exception_text(details))
    return result["result"]["value"]


def _exception_text(details):
    exception = details.get("exception") or {}
    text = exception.get("description") or details.get("text") or "exception"
    where = details.get("url") or ""
    if where:
        where = f" ({where}:{details.get('lineNumber', 0) + 1})"
    return text.splitlines()[0] + where


def _console_text(params):
    parts = []
    for arg in params.get("args", []):
        value = arg.get("value", arg.get("description", arg.get("type")))
        parts.append(value if isinstance(value, str) else json.dumps(value))
    return " ".join(parts)


def _collect_events(events, session, report_url):
    """(errors, requests, external requests) seen in the page's events."""
    errors, requests, external = [], [], []
    base = report_url.split("#", 1)[0]
    for sid, method, params in events:
        if sid != session:
            continue
        if method == "Runtime.exceptionThrown":
            errors.append("uncaught exception: " + _exception_text(params["exceptionDetails"]))
        elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(f"console.{params['type']}: {_console_text(params)}")
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            entry = params["entry"]
            where = f" ({entry['url']})" if entry.get("url") else ""
            errors.append(f"log error [{entry.get('source', '')}]: {entry.get('text', '')}{where}")
        elif method in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            url = params.get("url") or params["request"]["url"]
            requests.append(url)
            if url.split("#", 1)[0] != base and not url.startswith(LOCAL_SCHEMES):
                external.append(url)
        elif method == "Inspector.targetCrashed":
            errors.append("the page crashed")
    return errors, requests, external


def check_report(path, timeout=60.0, width=420, strict_width=False, chromium=None):
    """Opens the report and returns the summary (a dict; its 'failures' list is empty when clean).

    Raises ChromiumMissing when no Chromium is installed."""
    binary = find_chromium(chromium)
    if binary is None:
        raise ChromiumMissing(SKIP_LINE)
    url = pathlib.Path(path).resolve().as_uri()
    summary = {"report": url, "chromium": binary, "width": width, "title": None, "sections": [],
               "findings": [], "console_errors": [], "requests": [], "external_requests": [],
               "wide_elements": [], "failures": [], "warnings": []}
    profile_dir = tempfile.mkdtemp(prefix="smr-chromium-")
    proc, to_browser, from_browser, stderr = _start_chromium(binary, profile_dir)
    summary["chromium_pid"] = proc.pid
    pipe = DevToolsPipe(to_browser, from_browser, time.monotonic() + timeout)
    try:
        facts = _load_page(pipe, url, width)
        for key in ("title", "sections", "findings", "viewport_width", "page_width",
                    "wide_elements"):
            summary[key] = facts[key]
    except TimeoutError as e:
        summary["failures"].append(f"timeout after {timeout:g} s: {e}")
    except (ChromiumError, OSError, ValueError, KeyError) as e:
        summary["failures"].append(f"chromium: {e}")
    finally:
        tail = _stop_chromium(proc, pipe, stderr)
        shutil.rmtree(profile_dir, ignore_errors=True)
    if summary["failures"] and tail:
        summary["failures"].append("chromium's last output: " + " | ".join(tail))
    errors, requests, external = _collect_events(pipe.events, pipe.session, url)
    summary.update(console_errors=errors, requests=requests, external_requests=external)
    summary["failures"] += [f"console: {e}" for e in errors]
    summary["failures"] += [f"network request (the report must be self-contained): {u}"
                            for u in external]
    for w in summary["wide_elements"]:
        line = (f"beyond the {width}-px viewport: <{w['element']}> in section "
                f"'{w['section']}', {w['width']} px wide, {w['left']}..{w['right']} px")
        summary["failures" if strict_width else "warnings"].append(line)
    return summary


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("report", help="the HTML file to open")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds for everything")
    parser.add_argument("--width", type=int, default=420, help="viewport width in px")
    parser.add_argument("--strict-width", action="store_true",
                        help="elements sticking out of the viewport are failures, not warnings")
    parser.add_argument("--chromium", help="Chromium binary (default: chromium on PATH)")
    args = parser.parse_args(argv)
    if not os.path.isfile(args.report):
        parser.error(f"{args.report}: no such file")
    try:
        summary = check_report(args.report, args.timeout, args.width, args.strict_width,
                               args.chromium)
    except ChromiumMissing:
        print(SKIP_LINE)
        return SKIP_CODE
    print(json.dumps(summary, indent=2))
    for line in summary["warnings"]:
        print(f"warning: {line}", file=sys.stderr)
    for line in summary["failures"]:
        print(f"FAIL: {line}", file=sys.stderr)
    return 1 if summary["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
