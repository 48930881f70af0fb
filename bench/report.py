"""Markdown tables of benchmark results."""

from __future__ import annotations

from typing import Any


def _lifecycle(results: dict[str, Any]) -> list[str]:
    lines = [
        "## Lifecycle over HTTP vs the bare Temporal floor",
        "",
        "Targets: throughput >= 0.8x the floor, p99 <= 1.5x.",
        "",
        "| concurrency | metric | floor | IBTool | ratio (IBTool/floor) | better |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for row in results.get("throughput_latency", []):
        lines.append(
            f"| {row['concurrency']} | {row['metric']} ({row['unit']}) | {row['floor']:.2f} "
            f"| {row['ibtool']:.2f} | {row['ratio']:.2f}x | {row['better']} |"
        )
    shape = results.get("history") or {}
    if shape:
        kinds = shape["ibtool"]["by_kind_per_transition"].items()
        lines += [
            "",
            f"History events per transition: floor {shape['floor']['events_per_transition']}, "
            f"IBTool {shape['ibtool']['events_per_transition']} "
            f"({', '.join(f'{k} {v}' for k, v in kinds)}).",
        ]
    lines += _cpu(results.get("cpu_per_transition", []))
    lines += [
        "",
        "## Projection lag (transition 200 -> visible in GET /complaints, one watcher)",
        "",
        "Target: p99 <= 200 ms.",
        "",
        "| concurrency | metric | ms | samples | watcher polls (mean ms) |",
        "|---:|---|---:|---:|---:|",
    ]
    for row in results.get("projection_lag", []):
        lines.append(
            f"| {row['concurrency']} | {row['metric']} | {row['ibtool']:.1f} | {row['samples']} "
            f"| {row['watcher_polls']} ({row['watcher_poll_ms']}) |"
        )
    return lines


def _cpu(rows: list[dict[str, Any]]) -> list[str]:
    """CPU per transition by process: what a transition costs the machine, not just the caller."""
    if not rows:
        return []
    processes = [name for name in rows[0]["ms"] if any(row["ms"][name] for row in rows)]
    lines = [
        "",
        "CPU per transition (ms, user + system, by process; 2 cores give 2,000 ms a second):",
        "",
        f"| concurrency | run | {' | '.join(processes)} | total |",
        f"|---:|---|{'---:|' * len(processes)}---:|",
    ]
    for row in rows:
        cells = " | ".join(f"{row['ms'][name]:.1f}" for name in processes)
        lines.append(f"| {row['concurrency']} | {row['run']} | {cells} | {row['total']:.1f} |")
    return lines


def _timers(rows: list[dict[str, Any]], title: str) -> list[str]:
    lines = [
        "",
        f"## {title}",
        "",
        "| timers | metric | floor (s) | IBTool Alarm (s) |",
        "|---:|---|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['timers']} | {row['metric']} | {row['floor_s']:.3f} | {row['ibtool_s']:.3f} |"
        )
    return lines


def _listing(listing: dict[str, Any]) -> list[str]:
    lines = [
        "",
        "## List queries: GET /complaints vs the same query through pymongo",
        "",
        f"Target: <= {listing['ratio_target']}x.",
        "",
        "| complaints | query | API p50 | pymongo p50 | ratio p50 | API p99 | pymongo p99 "
        "| ratio p99 |",
        "|---:|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in listing["queries"]:
        lines.append(
            f"| {r['size']} | {r['query']} | {r['api_p50_ms']} | {r['pymongo_p50_ms']} "
            f"| {r['ratio_p50']}x | {r['api_p99_ms']} | {r['pymongo_p99_ms']} | {r['ratio_p99']}x |"
        )
    lines.append("")
    for s in listing["seeding"]:
        lines.append(
            f"Seeding toward {s['target']}: reached {s['reached']} in {s['seconds']} s "
            f"({s['docs_per_s']} docs/s; the target would take ~{s['projected_s_for_target']} s)."
        )
    return lines


def _many_open(many: dict[str, Any]) -> list[str]:
    slices = ", ".join(
        f"{s['open_before']}+{s['started']}: {s['starts_per_s']}/s" for s in many["start_slices"]
    )
    lines = [
        "",
        f"## {many['open_complaints']} open complaints on one worker",
        "",
        f"- started in {many['start_seconds']} s ({many['start_errors']} errors); "
        f"start rate by slice (open before + started): {slices}",
        f"- {many['projected']} of {many['open_complaints']} first projections stored "
        f"{many['projected_after_s']} s after the last start",
        f"- worker RSS {many['worker_rss_mib']['before']} -> {many['worker_rss_mib']['after']} MiB;"
        f" Temporal SQLite {many['temporal_db_mib']['before']} -> "
        f"{many['temporal_db_mib']['after']} MiB",
    ]
    return lines + _timers(
        many["timer_lateness_loaded"],
        f"Timer lateness with those complaints open (target < {many['lateness_target_s']} s)",
    )


def markdown(results: dict[str, Any]) -> str:
    lines = _lifecycle(results)
    if replay := results.get("replay"):
        lines += [
            "",
            "## Replay",
            "",
            f"{replay['histories']} complaint histories ({replay['events_per_history']} events "
            f"each): {replay['ibtool_per_s']}/s vs the floor's {replay['floor_per_s']}/s "
            f"({replay['ratio']}x).",
        ]
    if corpus := results.get("replay_corpus"):
        one, each = corpus["one_replayer"], corpus["replayer_per_history"]
        lines += [
            "",
            f"Corpus (`tests/histories`, {corpus['histories']} histories x {corpus['rounds']}, "
            f"{corpus['failures']} failures): one replayer {one['histories_per_s']}/s "
            f"({one['events_per_s']} events/s), a replayer per history "
            f"{each['histories_per_s']}/s.",
        ]
    if results.get("timer_lateness"):
        lines += _timers(
            results["timer_lateness"],
            "Timer lateness (Alarm vs bare workflow.sleep, same moment, same server)",
        )
    if results.get("listing"):
        lines += _listing(results["listing"])
    if results.get("many_open"):
        lines += _many_open(results["many_open"])
    meta = results.get("meta", {})
    if meta:
        load = meta.get("load_average", {})
        lines += [
            "",
            f"_{meta.get('at')} · {meta.get('machine')} · {meta.get('seconds')} s · load "
            f"{load.get('before')} -> {load.get('after')} · {meta.get('note')}_",
        ]
    return "\n".join(lines) + "\n"
