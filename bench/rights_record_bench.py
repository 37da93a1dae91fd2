"""Benchmark of the hot items: the 个人权益记录单 as JSON, as a signed PDF, and a certificate
verification, each beside a bare SQL read of the same rows (A B A B, ratio printed).

    DATABASE_URL=postgres://… .venv/bin/python bench/rights_record_bench.py \\
        [--people 1000000] [--busiest 1000] [--samples 200] [--pdf-samples 60] \\
        [--certificates 200000] [--workers 2] [--keep]

``--people`` generated people (no month-by-month history: that would be hundreds of rows for
each of them); then the ``--busiest`` people — the most months paid, 30 years and more — get
their whole history month by month, and the requests are made as them. ``--certificates``
extra certificate rows make the verification index realistic. Without DATABASE_URL a scratch
SQLite file under /tmp is used. Goals: JSON p95 ≤ 100 ms, signed PDF p95 ≤ 500 ms,
verification p95 ≤ 20 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

_MONTHS_SQL = (
    "SELECT month, payer_name, base, pension_unit, pension_personal, unemployment_unit, "
    "unemployment_personal, injury_unit FROM shareddata_contributionmonth "
    "WHERE person_id = %s ORDER BY month"
)
_INSURANCE_SQL = "SELECT * FROM shareddata_insurancerecord WHERE person_id = %s"
_BENEFITS_SQL = "SELECT * FROM shareddata_benefit WHERE person_id = %s"
_VERIFY_SQL = "SELECT * FROM certificates_certificate WHERE code = %s"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--busiest", type=int, default=1000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--pdf-samples", type=int, default=60)
    parser.add_argument("--certificates", type=int, default=200_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="保留数据库与生成的数据")
    args = parser.parse_args()
    if min(args.people, args.busiest, args.samples, args.pdf_samples) < 1:
        parser.error("人数与样本数须为正整数")
    return args


def _database() -> Path:
    os.environ.setdefault("DJANGO_SECRET_KEY", "benchmark-only-not-a-secret")
    os.environ["DJANGO_SETTINGS_MODULE"] = "kuaiban.settings"
    os.environ.setdefault("KUAIBAN_LOG_LEVEL", "ERROR")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    scratch = Path(tempfile.mkdtemp(prefix="kuaiban-bench-", dir="/tmp"))
    os.environ.setdefault("KUAIBAN_SIGNING_KEY", str(scratch / "key.pem"))
    os.environ.setdefault("KUAIBAN_SIGNING_CERT", str(scratch / "cert.pem"))
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    return scratch


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def _paired(
    label: str,
    keys: list[Any],
    endpoint: Callable[[Any], object],
    bare: Callable[[Any], object],
    goal: float,
    prepare: Callable[[Any], object] = lambda key: None,
) -> tuple[float, float]:
    """Time ``endpoint`` and ``bare`` on the same key, alternating which goes first (A B B A);
    ``prepare`` (a log-in) runs before each, untimed."""
    for key in keys[:5]:  # warm caches and the connection
        prepare(key)
        endpoint(key)
        bare(key)
    a_times, b_times = [], []
    for index, key in enumerate(keys):
        order = (endpoint, bare) if index % 2 == 0 else (bare, endpoint)
        for call in order:
            prepare(key)
            started = time.perf_counter()
            call(key)
            elapsed = (time.perf_counter() - started) * 1000
            (a_times if call is endpoint else b_times).append(elapsed)
    a, b = _p95(a_times), _p95(b_times)
    verdict = "达标" if a <= goal else "未达标"
    print(
        f"  {label}: n={len(keys)}  接口 中位数 {statistics.median(a_times):7.2f} ms  p95 {a:7.2f} ms"
        f"（目标 ≤ {goal:.0f} ms，{verdict}）｜ 裸 SQL 中位数 {statistics.median(b_times):6.2f} ms"
        f"  p95 {b:6.2f} ms ｜ 比值 p95 {a / b:6.1f}×"
        f"  中位数 {statistics.median(a_times) / statistics.median(b_times):6.1f}×"
    )
    return a, b


def main() -> int:
    args = _arguments()
    scratch = _database()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from kuaiban.accounts.models import Role, User
    from kuaiban.certificates.models import Certificate, CertificateKind
    from kuaiban.certificates.signing import demo_key_write
    from kuaiban.documents.render import FONT_PATH
    from kuaiban.documents.shipped_font import shipped_font
    from kuaiban.shareddata.history import history_rebuild
    from kuaiban.shareddata.models import ContributionMonth, Person
    from kuaiban.shareddata.services import synthetic_clear, synthetic_generate

    shipped_font(FONT_PATH)  # parsed once per process, as a web worker's first PDF does
    print(f"数据库：{connection.vendor} {connection.settings_dict['NAME']}")
    call_command("migrate", verbosity=0)
    demo_key_write(
        key=Path(os.environ["KUAIBAN_SIGNING_KEY"]),
        cert=Path(os.environ["KUAIBAN_SIGNING_CERT"]),
        bureau="人力资源和社会保障局",
    )
    try:
        started = time.perf_counter()
        result = synthetic_generate(
            people=args.people, seed=args.seed, progress=sys.stderr, workers=args.workers
        )
        print(
            f"规模：生成人员 {result.people.created:,}（已有 {result.people.skipped:,}），"
            f"用时 {time.perf_counter() - started:.0f} 秒"
        )
        busiest = list(
            Person.objects.filter(generated=True, insurance__isnull=False).order_by(
                "-insurance__contribution_months", "pk"
            )[: args.busiest]
        )
        started = time.perf_counter()
        rows = 0
        for start in range(0, len(busiest), 200):
            rows += history_rebuild(busiest[start : start + 200], as_of=timezone.localdate())
        months = ContributionMonth.objects.filter(person__in=busiest)
        longest = max(p.insurance.contribution_months for p in busiest)
        shortest = min(p.insurance.contribution_months for p in busiest)
        print(
            f"最忙的 {len(busiest):,} 人逐月缴费：{months.count():,} 行（每人 {shortest}–{longest} 个月，"
            f"约 {shortest // 12}–{longest // 12} 年），用时 {time.perf_counter() - started:.0f} 秒"
        )
        users = {
            p.pk: User.objects.update_or_create(
                username=f"bench-{p.pk}",
                defaults={"role": Role.PERSON, "id_number": p.id_number, "display_name": p.name},
            )[0]
            for p in busiest
        }
        existing = Certificate.objects.count()
        if existing < args.certificates:
            Certificate.objects.bulk_create(
                [
                    Certificate(
                        kind=CertificateKind.CONTRIBUTION_PROOF,
                        code="-".join(
                            secrets.token_hex(8).upper()[i : i + 4] for i in range(0, 16, 4)
                        ),
                        holder_id_number=busiest[i % len(busiest)].id_number,
                        holder_name="基准",
                        summary={"累计缴费月数": "360"},
                        sha256="0" * 64,
                        channel="api",
                    )
                    for i in range(args.certificates - existing)
                ],
                batch_size=5000,
            )
        print(f"证明：{Certificate.objects.count():,} 张")
        rng = random.Random(args.seed)
        client = Client()

        def login(person: Person) -> None:
            client.force_login(users[person.pk])

        def rights_json(person: Person) -> None:
            answer = client.get("/api/v1/me/rights-record")
            assert answer.status_code == 200, answer.content

        def rights_pdf(person: Person) -> None:
            answer = client.post(
                "/api/v1/certificates", {"kind": "rights_record"}, content_type="application/json"
            )
            assert answer.status_code == 201, answer.content

        def bare_rows(person: Person) -> list[tuple[Any, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(_INSURANCE_SQL, [person.pk])
                cursor.fetchall()
                cursor.execute(_MONTHS_SQL, [person.pk])
                found = cursor.fetchall()
                cursor.execute(_BENEFITS_SQL, [person.pk])
                cursor.fetchall()
            return found

        verify_client = Client(REMOTE_ADDR="10.0.0.9")

        def verify(code: str) -> None:
            answer = verify_client.get(f"/api/v1/certificates/verify/{code}")
            assert answer.status_code == 200, answer.content

        def bare_verify(code: str) -> list[tuple[Any, ...]]:
            with connection.cursor() as cursor:
                cursor.execute(_VERIFY_SQL, [code])
                return cursor.fetchall()

        print("个人权益记录单、开具证明与验真（接口与裸 SQL 交替）：")
        sample = [rng.choice(busiest) for _ in range(args.samples)]
        _paired("权益记录单 JSON  ", sample, rights_json, bare_rows, 100, prepare=login)
        sample = [rng.choice(busiest) for _ in range(args.pdf_samples)]
        _paired("权益记录单 签名PDF", sample, rights_pdf, bare_rows, 500, prepare=login)
        codes = list(Certificate.objects.values_list("code", flat=True)[: args.samples * 50])
        _paired(
            "证明验真查询     ",
            rng.sample(codes, min(len(codes), args.samples)),
            verify,
            bare_verify,
            20,
        )
    finally:
        if not args.keep and not os.environ["DATABASE_URL"].startswith("sqlite"):
            Certificate.objects.filter(holder__username__startswith="bench-").delete()
            Certificate.objects.filter(holder_name="基准").delete()
            User.objects.filter(username__startswith="bench-").delete()
            synthetic_clear()
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
