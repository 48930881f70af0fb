"""Markdown tables of benchmark results."""

from __future__ import annotations

from typing import Any


def markdown(results: dict[str, Any]) -> str:
    lines = [
        "## Lifecycle over HTTP vs the bare Temporal floor",
        "",
        "| concurrency | metric | floor | IBTool | ratio (IBTool/floor) | better |",
        "|---:|---|---:|---:|---:|---|",
    ]
    for row in results["throughput_latency"]:
        lines.append(
            f"| {row['concurrency']} | {row['metric']} ({row['unit']}) | {row['floor']:.2f} "
            f"| {row['ibtool']:.2f} | {row['ratio']:.2f}x | {row['better']} |"
        )
    lines += [
        "",
        "## Projection lag (transition 200 -> visible in GET /complaints)",
        "",
        "| concurrency | metric | ms | samples |",
        "|---:|---|---:|---:|",
    ]
    for row in results["projection_lag"]:
        lines.append(
            f"| {row['concurrency']} | {row['metric']} | {row['ibtool']:.1f} | {row['samples']} |"
        )
    if results.get("timer_lateness"):
        lines += [
            "",
            "## Timer lateness (Alarm vs bare workflow.sleep, same moment, same server)",
            "",
            "| timers | metric | floor (s) | IBTool Alarm (s) |",
            "|---:|---|---:|---:|",
        ]
        for row in results["timer_lateness"]:
            lines.append(
                f"| {row['timers']} | {row['metric']} | {row['floor_s']:.3f} "
                f"| {row['ibtool_s']:.3f} |"
            )
    meta = results.get("meta", {})
    if meta:
        lines += ["", f"_{meta.get('at')} · {meta.get('machine')} · {meta.get('note')}_"]
    return "\n".join(lines) + "\n"
