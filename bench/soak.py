"""Sustained load: 500 respondents at once, for minutes, on gunicorn with PostgreSQL and Redis.

    HELHET_BENCH_DATABASE_URL=postgresql://postgres@127.0.0.1/bench \\
        python bench/soak.py [--minutes 10] [--respondents 500] [--workers 2]

Needs locust (`pip install -e '.[bench]'`). Sets up the PostgreSQL database (its tables are dropped
and made again) with a municipality of `--units` units and an open round of the standard employee
survey (4 pages, 33 questions on 1-5 and a free text) with enough codes, serves the app with
gunicorn (`--workers` processes of `--threads` threads each; keep-alive 5 s as `helhet serve`,
longer than a think time, so that a connection is not closed under a respondent's next POST) on
127.0.0.1,
with CSRF protection on and rate limits counted in Redis (HELHET_BENCH_REDIS_URL or
redis://127.0.0.1:6379; raised for the run: every simulated respondent comes from 127.0.0.1), and
drives it from a second process: locust, headless, with `--respondents` simulated respondents at
once (bench/soak_locustfile.py), each answering with a code from the code page to the thank-you
page and thinking 1-3 s before every page, one respondent after another, for `--minutes`.
PostgreSQL vacuums as in production: where its autovacuum is off (as on a CI machine), the soak
does autovacuum's work by its default rules (bench/vacuum.py) and says so.

Why locust: a well-kept load tool with users that hold a session and think between pages (gevent:
500 users in one process), percentiles per request type, and a headless mode that writes CSV.

Reported: per request type the count, failures and p50/p95/p99 (locust's), errors, completed
(acknowledged) responses, acknowledged sends against what the database holds (lost: acknowledged
but not stored; duplicated: stored responses beyond the completed codes; whole: every response
has all its answers), and each gunicorn worker's memory (RSS from /proc) at the start (after a
warm-up) and at the end. Goals: 0 errors, 0 lost or duplicated, p99 < 300 ms, memory growth <
20 %. The last line is key=value.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.submit import (  # noqa: E402
    count_database,
    instance_settings,
    start_gunicorn,
    stop_server,
)
from bench.vacuum import VacuumKeeper  # noqa: E402

GOALS = {"errors": 0, "lost": 0, "duplicated": 0, "p99_ms": 300, "mem_growth": 0.20}


# --- set-up ---------------------------------------------------------------------------------------


def prepare_database(instance: Path, database_url: str, units: int, codes: int) -> tuple:
    """Schema, a municipality with `units` units, the standard employee survey in an open round,
    `codes` codes spread over the units. Returns (codes, pages as [[key, min, max], ...])."""
    os.environ["HELHET_INSTANCE_PATH"] = str(instance)
    from collector import services
    from collector.clock import utcnow
    from collector.survey import load
    from helhet import create_app
    from helhet.extensions import db
    from helhet.models import OrgUnit, UnitLevel, UnitPopulation
    from surveys import library
    from surveys.models import Questionnaire

    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "bench-secret-key"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        year = utcnow().year
        root = OrgUnit(code="soak", name="Soak kommune", level=UnitLevel.MUNICIPALITY)
        root.populations.append(UnitPopulation(period=year, count=codes))
        members = []
        for n in range(units):
            unit = OrgUnit(code=f"soak-{n:02d}", name=f"Enhet {n}", level=UnitLevel.UNIT)
            unit.parent = root
            unit.populations.append(UnitPopulation(period=year, count=codes // units + 1))
            members.append(unit)
        db.session.add(root)
        library.install_standard()
        questionnaire = db.session.query(Questionnaire).filter_by(key="medarbeiderundersokelse")
        questionnaire = questionnaire.one()
        campaign = services.create_campaign(
            name="Soak",
            questionnaire=questionnaire,
            units=members,
            opens_at=utcnow() - timedelta(hours=1),
            closes_at=utcnow() + timedelta(days=1),
            open_link=False,
            use_codes=True,
        )
        issued: list[str] = []
        for n, unit in enumerate(members):
            issued += services.add_codes(campaign, unit, codes // units + (n < codes % units))
        db.session.commit()
        survey = load(questionnaire.id, questionnaire.published_at)
        pages = [
            [[q.key, q.scale_min, q.scale_max] for q in page.questions if q.type == "scale"]
            for page in survey.pages
        ]
        db.session.remove()
        db.engine.dispose()
    # interleave the units, so that every unit gets answers all the time
    by_unit = [issued[i :: len(members)] for i in range(len(members))]
    return [code for group in zip(*by_unit, strict=False) for code in group], pages


def start_server(instance: Path, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    process, port, _log = start_gunicorn(
        instance,
        ["-w", str(workers), "-k", "gthread", "--threads", str(threads), "--timeout", "60",
         "--keep-alive", "5"],
    )  # fmt: skip
    return process, port


# --- memory and CPU ----------------------------------------------------------------------------


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def warm_up(port: int, requests_per_worker: int, workers: int) -> None:
    """Every worker has served the answering pages once (templates, forms, the survey) before the
    memory at the start is read."""
    import http.client

    for _ in range(requests_per_worker * workers):
        for path in ("/svar", "/health"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            connection.request("GET", path)
            connection.getresponse().read()
            connection.close()


# --- the run -------------------------------------------------------------------------------------


def run_locust(port: int, workdir: Path, args, codes_file: Path, pages) -> Path:
    result_file = workdir / "acknowledged.json"
    env = {
        **os.environ,
        "SOAK_CODES_FILE": str(codes_file),
        "SOAK_RESULT_FILE": str(result_file),
        "SOAK_PAGES": json.dumps(pages),
    }
    locust = Path(sys.executable).with_name("locust")
    if not locust.exists():
        raise SystemExit("locust is not installed: pip install -e '.[bench]'")
    seconds = int(args.minutes * 60)
    command = [
        str(locust), "-f", str(ROOT / "bench" / "soak_locustfile.py"), "--headless",
        "--users", str(args.respondents), "--spawn-rate", str(args.spawn_rate),
        "--run-time", f"{seconds}s", "--stop-timeout", "30", "--host", f"http://127.0.0.1:{port}",
        "--csv", str(workdir / "soak"), "--only-summary", "--loglevel", "WARNING",
    ]  # fmt: skip
    with (workdir / "locust.log").open("wb") as log:
        done = subprocess.run(
            command, env=env, stdout=log, stderr=subprocess.STDOUT, timeout=seconds + 300
        )
    if not result_file.exists():
        raise SystemExit(
            f"locust failed ({done.returncode}):\n{(workdir / 'locust.log').read_text()[-3000:]}"
        )
    return result_file


def read_stats(workdir: Path) -> list[dict]:
    with (workdir / "soak_stats.csv").open() as f:
        return list(csv.DictReader(f))


def stored(database_url: str, acknowledged: list[str]) -> dict:
    """What the database holds against the acknowledged sends."""
    from sqlalchemy import create_engine, text

    from collector.codes import code_hash
    from helhet.config import normalise_database_url

    responses, answers, completed = count_database(database_url)
    engine = create_engine(normalise_database_url(database_url))
    with engine.connect() as connection:
        done = set(
            connection.execute(
                text("SELECT code_hash FROM invitation WHERE status = 'completed'")
            ).scalars()
        )
        sizes = connection.execute(
            text(
                "SELECT count(*) AS n FROM answer GROUP BY response_id"
                " UNION ALL SELECT 0 FROM response r WHERE NOT EXISTS"
                " (SELECT 1 FROM answer a WHERE a.response_id = r.id)"
            )
        ).scalars()
        sizes = set(sizes)
    engine.dispose()
    lost = sum(code_hash(code) not in done for code in acknowledged)
    return {
        "responses": responses,
        "answers": answers,
        "completed": completed,
        "lost": lost,
        "duplicated": max(0, responses - completed),
        "answers_per_response": sorted(sizes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--respondents", type=int, default=500)
    parser.add_argument("--spawn-rate", type=float, default=25)
    parser.add_argument("--workers", type=int, default=2)
    # 2 threads: measured at 250 respondents, 8 threads cost 4.1 ms of CPU per request, 4 threads
    # 3.5 ms, 2 threads 3.4 ms and p99 140, 69 and 48 ms: threads contending for the interpreter
    # cost CPU, and the answering path waits little on the database
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--units", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the logs and locust's CSV files")
    args = parser.parse_args()
    database_url = os.environ.get("HELHET_BENCH_DATABASE_URL")
    if not database_url:
        raise SystemExit("Set HELHET_BENCH_DATABASE_URL to a PostgreSQL database to drop and use.")
    if not 0 < args.minutes <= 120 or not 0 < args.respondents <= 5000:
        raise SystemExit("--minutes 0-120 and --respondents 1-5000")

    workdir = Path(tempfile.mkdtemp(prefix="helhet-soak-"))
    instance = workdir / "instance"
    instance.mkdir()
    (instance / "config.py").write_text(instance_settings(database_url))
    # at most one respondent per user per 6 s (6 pages of >= 1 s thinking), and a margin
    needed = int(args.respondents * (args.minutes * 60 / 6 + 2))
    codes, pages = prepare_database(instance, database_url, args.units, needed)
    codes_file = workdir / "codes.txt"
    codes_file.write_text("\n".join(codes))

    vacuum = VacuumKeeper(database_url)
    process, port = start_server(instance, args.workers, args.threads)
    try:
        vacuum.start()
        warm_up(port, 20, args.workers)
        workers = worker_pids(process.pid)
        memory_start = {pid: rss_kib(pid) for pid in workers}
        cpu_start = {pid: cpu_seconds(pid) for pid in workers}
        load_start = load_average()
        started = time.monotonic()
        result_file = run_locust(port, workdir, args, codes_file, pages)
        elapsed = time.monotonic() - started
        memory_end = {pid: rss_kib(pid) if Path(f"/proc/{pid}").exists() else 0 for pid in workers}
        cpu = {pid: cpu_seconds(pid) - cpu_start[pid] for pid in workers}
        driver_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        load_end = load_average()
        workers_now = worker_pids(process.pid)
    finally:
        vacuum.stop()
        stop_server(process)
    acknowledged = json.loads(result_file.read_text())["acknowledged"]
    stats = read_stats(workdir)
    database = stored(database_url, acknowledged)
    failures(workdir)
    served = sum(int(row["Request Count"]) for row in stats if row["Name"] == "Aggregated")
    print(
        f"CPU: workers {', '.join(f'{c:.0f} s' for c in cpu.values())}"
        f" ({1000 * sum(cpu.values()) / max(served, 1):.2f} ms per request), locust"
        f" {driver_cpu.ru_utime + driver_cpu.ru_stime:.0f} s, in {elapsed:.0f} s on"
        f" {os.cpu_count()} cores; load average {load_start} at the start, {load_end} at the end"
    )
    print(vacuum.describe())
    if args.keep:
        print(f"kept {workdir} (locust.log, soak_*.csv, instance/gunicorn.log)")
    report(
        args, stats, acknowledged, database, memory_start, memory_end, workers, workers_now, elapsed
    )
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)


def failures(workdir: Path) -> None:
    """The failed requests by kind, as locust counted them."""
    path = workdir / "soak_failures.csv"
    if path.exists():
        with path.open() as f:
            for row in csv.DictReader(f):
                print(
                    f"failed: {row['Method']} {row['Name']}: {row['Error']} x{row['Occurrences']}"
                )


def report(
    args, stats, acknowledged, database, memory_start, memory_end, workers, workers_now, elapsed
):
    print(
        f"== soak: gunicorn -w {args.workers} -k gthread --threads {args.threads} on PostgreSQL,"
        f" Redis rate limits; {args.respondents} respondents at once, think 1-3 s,"
        f" {elapsed / 60:.1f} min"
    )
    print(
        f"{'request':<24}{'count':>9}{'fail':>7}"
        f"{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}"
    )
    aggregated = None
    for row in stats:
        if row["Name"] == "Aggregated":
            aggregated = row
        print(
            f"{row['Name']:<24}{int(row['Request Count']):>9}{int(row['Failure Count']):>7}"
            f"{row['50%']:>9}{row['95%']:>9}{row['99%']:>9}{float(row['Max Response Time']):>9.0f}"
        )
    errors = int(aggregated["Failure Count"]) if aggregated else -1
    p99 = float(aggregated["99%"]) if aggregated else float("nan")
    print(
        f"completed (acknowledged) {len(acknowledged)}  in the database: {database['responses']}"
        f" responses, {database['completed']} codes completed, {database['answers']} answers"
        f" (per response: {database['answers_per_response']})"
    )
    print(f"lost {database['lost']}  duplicated {database['duplicated']}")
    growth = 0.0
    for pid in workers:
        start, end = memory_start[pid], memory_end[pid]
        change = (end - start) / start if start else float("nan")
        growth = max(growth, change)
        print(
            f"worker {pid}: RSS {start / 1024:.1f} MiB at the start,"
            f" {end / 1024:.1f} MiB at the end ({change:+.1%})"
        )
    if workers_now != workers:
        print(f"workers were replaced during the run: {workers} -> {workers_now}")
    figures = {
        "respondents": args.respondents,
        "minutes": f"{elapsed / 60:.1f}",
        "completed": len(acknowledged),
        "stored": database["responses"],
        "errors": errors,
        "lost": database["lost"],
        "duplicated": database["duplicated"],
        "p99_ms": f"{p99:.0f}",
        "mem_growth": f"{growth:.3f}",
    }
    met = (
        errors == 0
        and database["lost"] == 0
        and database["duplicated"] == 0
        and p99 < GOALS["p99_ms"]
        and growth < GOALS["mem_growth"]
    )
    figures["goals_met"] = int(met)
    print(" ".join(f"{key}={value}" for key, value in figures.items()))


if __name__ == "__main__":
    main()
