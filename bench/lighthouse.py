"""Lighthouse (mobile profile, its default) on home, a section and the long article.

Lighthouse comes from npm into var/bench/lighthouse/ (installed once; about 150 packages, too
heavy for the theme's package.json) and drives the system Chromium headless. The full JSON
reports stay in var/bench/lighthouse/reports/ for whoever fixes what they find.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from contextlib import ExitStack
from urllib.parse import urlsplit

from . import servers
from .harness import MEDIA, ROOT, Context, Report, Table, benchmark
from .pages import pages

HOME = ROOT / "var" / "bench" / "lighthouse"
REPORTS = HOME / "reports"
VERSION = "12.2.3"  # 13 needs Node 22
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage "
    "--disable-background-networking --disable-component-update --disable-sync --no-first-run"
)
DETAILED = {"errors-in-console", "uses-responsive-images", "uses-long-cache-ttl"}
RUNS = 3  # per page: the median run is reported, the scores vary with the machine's load
RETRIES = 2  # runs whose trace Lighthouse itself failed to record, run again
QUIET_MODES = {"informative", "notApplicable", "manual", "error"}


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise servers.Missing("Chromium is not installed: apt-get install chromium")


def ensure_lighthouse(log) -> str:
    """The lighthouse CLI, installed with npm under var/bench/lighthouse/ if it is not there."""
    cli = HOME / "node_modules" / "lighthouse" / "cli" / "index.js"
    package = HOME / "node_modules" / "lighthouse" / "package.json"
    if package.exists() and json.loads(package.read_text())["version"] == VERSION:
        return str(cli)
    npm = servers.program("npm", hint="apt-get install npm (Node 20 or newer)")
    log(f"  npm install lighthouse@{VERSION} into {HOME.relative_to(ROOT)}")
    HOME.mkdir(parents=True, exist_ok=True)
    if not (HOME / "package.json").exists():
        (HOME / "package.json").write_text('{"private": true}\n')
    subprocess.run(  # noqa: S603 - npm from PATH, a pinned package
        [npm, "install", "--no-audit", "--no-fund", "--loglevel=error", "-E",
         f"lighthouse@{VERSION}"],
        cwd=HOME, check=True,
    )  # fmt: skip
    return str(cli)


def run_lighthouse(cli: str, url: str, output) -> dict:
    env = {**os.environ, "CHROME_PATH": chromium()}
    result = subprocess.run(  # noqa: S603 - node from PATH, our arguments, loopback URL
        [shutil.which("node") or "node", cli, url, "--output=json", f"--output-path={output}",
         f"--chrome-flags={CHROME_FLAGS}", "--quiet", "--max-wait-for-load=60000"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    if not output.exists():
        raise RuntimeError(f"Lighthouse failed on {url}: {result.stderr[-2000:]}")
    return json.loads(output.read_text())


def failing(report: dict, category: str) -> list[str]:
    """The audits of `category` that lose points, worst first, with what Lighthouse measured."""
    audits = report["audits"]
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        audit = audits.get(ref["id"], {})
        score = audit.get("score")
        if score is None or score >= 1 or audit.get("scoreDisplayMode") in QUIET_MODES:
            continue
        if not ref.get("weight") and category != "performance":
            continue
        shown = f"{audit['title']}" + (
            f" ({audit['displayValue']})" if audit.get("displayValue") else ""
        )
        urls = sorted(
            {
                item.get("sourceLocation", {}).get("url") or item.get("url") or ""
                for item in (audit.get("details") or {}).get("items", [])[:20]
                if isinstance(item, dict)
            }
            - {""}
        )
        if urls and ref["id"] in DETAILED:
            shown += " on " + ", ".join(urlsplit(url).path for url in urls[:4])
        found.append((score, f"`{ref['id']}` {shown}: score {score:.2f}"))
    return [text for _, text in sorted(found, key=lambda item: item[0])]


def median_report(reports: list[dict]) -> dict:
    """The run with the median performance score, as Lighthouse's docs advise."""
    ordered = sorted(reports, key=lambda found: found["categories"]["performance"]["score"] or 0)
    return ordered[(len(ordered) - 1) // 2]


@benchmark("lighthouse", "Lighthouse, mobile profile: home, section and article")
def lighthouse(context: Context) -> Report:
    try:
        cli = ensure_lighthouse(context.log)
        chromium()
    except (servers.Missing, subprocess.CalledProcessError) as error:
        return Report(notes=[f"Not measured: {error}"])
    REPORTS.mkdir(parents=True, exist_ok=True)
    table = Table(["page", "performance over the runs", *CATEGORIES, "LCP", "TBT", "CLS"])
    notes, retried = [], []
    with ExitStack() as stack:
        static = servers.collected_static(context.log)
        app = stack.enter_context(
            servers.newsdesk("newsdesk-lighthouse", server="granian", **static)
        )
        try:
            port = stack.enter_context(servers.nginx_front(app, MEDIA))
            front = "nginx in front (gzip level 6, /media/ from disk) of"
        except servers.Missing as error:
            port, front = app, f"no web server in front ({error}), so no images or compression:"
        for kind, path in pages():
            if kind == "feed":
                continue
            servers.warm(port, path)  # rendered and cached in every worker before it is timed
            reports = []
            for number in range(1, RUNS + 1):
                context.log(f"  {kind} {path}: run {number}")
                output = REPORTS / f"{kind}-{number}.json"
                for _ in range(RETRIES + 1):
                    output.unlink(missing_ok=True)
                    found = run_lighthouse(cli, f"http://localhost:{port}{path}", output)
                    if not (error := found.get("runtimeError")):
                        break
                    # Lighthouse's own trace failed (NO_NAVSTART now and then): no score of
                    # the page at all, so it is run again rather than counted as 0.
                    context.log(f"    Lighthouse failed ({error['code']}), again")
                    retried.append(f"{kind} run {number}: {error['code']}")
                reports.append(found)
            performance = [found["categories"]["performance"]["score"] or 0 for found in reports]
            report = median_report(reports)
            scores = [report["categories"][name]["score"] for name in CATEGORIES]
            audits = report["audits"]
            table.add(
                f"{kind} ({path})",
                f"{round(min(performance) * 100)}-{round(max(performance) * 100)}",
                *[f"{round(score * 100)}" if score is not None else "error" for score in scores],
                *[
                    audits.get(name, {}).get("displayValue", "-")
                    for name in (
                        "largest-contentful-paint",
                        "total-blocking-time",
                        "cumulative-layout-shift",
                    )
                ],
            )
            for name in CATEGORIES:
                for text in failing(report, name):
                    notes.append(f"{kind}, {name}: {text}")
            errors = [a["id"] for a in audits.values() if a.get("scoreDisplayMode") == "error"]
            if errors:
                notes.append(f"{kind}: audits Lighthouse could not run: {', '.join(errors)}")
    notes.insert(
        0,
        f"Lighthouse {VERSION}, its default mobile profile (simulated slow 4G, 4x CPU "
        f"slowdown) in headless Chromium, on loopback: {front} Newsdesk's embedded server "
        "(granian, as `make run` serves it; page cache hits); "
        f"full reports in {REPORTS.relative_to(ROOT)}/. {RUNS} runs per page; the row is the "
        "run with the median performance score (TBT and so performance swing with the "
        "shared machine's load under the 4x CPU slowdown). Target: 100 in every category. "
        "Audits that lose points in that run, by page and category:",
    )
    notes.append(
        "Static files are collected first as a deployment does (`collectstatic` with "
        "production's CompressedManifestStaticFilesStorage: hashed names, served for a year)."
    )
    if retried:
        notes.append(
            f"Run again after Lighthouse failed to record its trace: {'; '.join(retried)}."
        )
    return Report(tables=[table], notes=notes)
