"""A Prometheus collector of the database's figures, computed at each scrape.

The web node that answers the scrape reads them (``selectors.py``): every node gives the same
values, so a scraper may ask any node behind the load balancer.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from kuaiban.integrations.models import OutboxKind
from kuaiban.monitoring.selectors import outbox_figures, rollup_figures, worker_figures


class DatabaseCollector(Collector):
    def collect(self) -> Iterator[Metric]:
        outbox = outbox_figures()
        pending = GaugeMetricFamily(
            "kuaiban_outbox_pending",
            "Outbox messages waiting to be delivered, by kind.",
            labels=["kind"],
        )
        dead = GaugeMetricFamily(
            "kuaiban_outbox_dead_letters",
            "Outbox messages given up on (dead letters), by kind.",
            labels=["kind"],
        )
        for kind in OutboxKind.values:
            pending.add_metric([kind], outbox.pending_by_kind.get(kind, 0))
            dead.add_metric([kind], outbox.dead_by_kind.get(kind, 0))
        yield pending
        yield dead
        yield GaugeMetricFamily(
            "kuaiban_outbox_due", "Pending outbox messages whose time has come.", value=outbox.due
        )
        yield GaugeMetricFamily(
            "kuaiban_outbox_oldest_pending_age_seconds",
            "Age of the oldest pending outbox message (0 when none is pending).",
            value=outbox.oldest_pending_age,
        )
        workers = worker_figures()
        seen = GaugeMetricFamily(
            "kuaiban_worker_heartbeat_age_seconds",
            "Seconds since each worker (seen in the last hour) last reported.",
            labels=["worker"],
        )
        delivered = GaugeMetricFamily(
            "kuaiban_worker_delivered",
            "Messages each worker delivered since it started.",
            labels=["worker"],
        )
        for worker, age in sorted(workers.last_seen_age.items()):
            seen.add_metric([worker], age)
            delivered.add_metric([worker], workers.delivered[worker])
        yield seen
        yield delivered
        yield GaugeMetricFamily(
            "kuaiban_workers_alive",
            "Workers that reported in the last minute.",
            value=workers.alive,
        )
        if workers.sweep_age is not None:
            yield GaugeMetricFamily(
                "kuaiban_sweeper_lag_seconds",
                "Seconds since the deadline sweeper last completed a pass (any worker).",
                value=workers.sweep_age,
            )
        rollups = rollup_figures()
        if rollups is not None:
            yield GaugeMetricFamily(
                "kuaiban_rollup_freshness_seconds",
                "Seconds since the worker last brought the supervision roll-ups up to date.",
                value=rollups.age,
            )
            yield GaugeMetricFamily(
                "kuaiban_rollup_days_behind",
                "Days before today that the supervision roll-ups do not hold yet.",
                value=rollups.days_behind,
            )
