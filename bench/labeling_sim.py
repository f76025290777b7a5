#!/usr/bin/env python3
"""Simulate the labeling loop on gold labels: does `baogao suggest` reach a given macro-F1 with
fewer labeled paragraphs than labeling paragraphs picked at random?

The gold file's reports are split in two halves (by report, alternating in order of size); one
half is the pool a user labels from, the other is the test set; then the halves swap. Starting
from the same random batch, each round trains a model from scratch on the paragraphs labeled
so far (`baogao train --folds 0`), scores it on the test half (`baogao eval`), and picks the next
batch: with `baogao suggest --skip labeled` (uncertainty sampling), or at random with
`baogao sheet --sample --skip labeled`. Labels are revealed only for the picked paragraphs.

Usage:
    cargo build --release
    python3 bench/labeling_sim.py [--gold ../shared/corpus/labels/dev.jsonl] [--batch 20]
        [--seeds 3] [--rounds 12] [--out bench/labeling_sim.json]

Prints the mean macro-F1 after each batch for both strategies, and how many labeled paragraphs
each needs to reach given macro-F1 levels.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.join(ROOT, "target", "release", "baogao")


def key(report, text):
    return (report or "", "".join(text.split()))


def run(args):
    r = subprocess.run([BIN] + args, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"baogao {' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    return r.stdout


def write_jsonl(path, rows):
    with open(path, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def macro_f1(model, test_path):
    return json.loads(run(["eval", test_path, "--model", model, "--format", "json"]))["macro_f1"]


def simulate(strategy, seed, pool, pool_path, test_path, gold, batch, rounds, tmp):
    """Macro-F1 after each round: [(labeled count, macro-F1)]."""
    labeled = []
    lab_path = os.path.join(tmp, f"labeled-{strategy}-{seed}.jsonl")
    model = os.path.join(tmp, f"model-{strategy}-{seed}.model")
    picks_path = os.path.join(tmp, f"picks-{strategy}-{seed}.jsonl")
    curve = []
    for rnd in range(rounds):
        if len(labeled) >= len(pool):
            break
        skip = ["--skip", lab_path] if labeled else []
        if rnd == 0 or strategy == "random":
            # The first batch is random for both strategies (the same one for a seed).
            run(["sheet", pool_path, "--sample", str(batch), "--seed", str(seed * 1000 + (rnd if strategy == "random" else 0)),
                 "-o", picks_path] + skip)
        else:
            run(["suggest", pool_path, "--model", model, "-n", str(batch), "-o", picks_path] + skip)
        picks = read_jsonl(picks_path)
        if not picks:
            break
        for p in picks:
            g = gold[key(p["report"], p["text"])]
            labeled.append({"text": g["text"], "label": g["label"], "report": g.get("report"),
                            "heading": g.get("heading")})
        write_jsonl(lab_path, labeled)
        run(["train", lab_path, "-o", model, "--folds", "0", "--min-per-label", "1"])
        curve.append((len(labeled), macro_f1(model, test_path)))
    return curve


def first_reaching(curve, level):
    for n, f1 in curve:
        if f1 >= level:
            return n
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gold", default=os.path.join(ROOT, "..", "shared", "corpus", "labels", "dev.jsonl"))
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--rounds", type=int, default=100, help="at most this many batches (default: until the pool is used up)")
    ap.add_argument("--out", default=None, help="write the curves as JSON here")
    a = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: cargo build --release")
    rows = read_jsonl(a.gold)
    by_report = defaultdict(list)
    for r in rows:
        by_report[r.get("report")].append(r)
    reports = sorted(by_report, key=lambda r: (-len(by_report[r]), r))
    halves = [reports[0::2], reports[1::2]]
    results = {"suggest": defaultdict(list), "random": defaultdict(list)}
    with tempfile.TemporaryDirectory() as tmp:
        for split, (pool_reports, test_reports) in enumerate([(halves[0], halves[1]), (halves[1], halves[0])]):
            pool = [r for rep in pool_reports for r in by_report[rep]]
            test = [r for rep in test_reports for r in by_report[rep]]
            gold = {key(r.get("report"), r["text"]): r for r in pool}
            pool_path = os.path.join(tmp, f"pool-{split}.jsonl")
            test_path = os.path.join(tmp, f"test-{split}.jsonl")
            # The pool without its labels: what a user has before labeling.
            write_jsonl(pool_path, [{"text": r["text"], "heading": r.get("heading"), "report": r.get("report")} for r in pool])
            write_jsonl(test_path, test)
            print(f"split {split}: pool {len(pool)} paragraphs in {len(pool_reports)} reports, "
                  f"test {len(test)} in {len(test_reports)}", file=sys.stderr)
            for seed in range(1, a.seeds + 1):
                for strategy in ("suggest", "random"):
                    curve = simulate(strategy, seed, pool, pool_path, test_path, gold, a.batch, a.rounds, tmp)
                    for rnd, (n, f1) in enumerate(curve):
                        results[strategy][rnd].append((n, f1))
                    print(f"  seed {seed} {strategy:8s} " + " ".join(f"{f1:.3f}" for _, f1 in curve), file=sys.stderr)
    table = []
    print(f"\nmean macro-F1 on the held-out half after each batch of {a.batch} "
          f"({a.seeds} seeds × 2 splits)\n")
    print(f"{'labeled':>8}  {'suggest':>8}  {'random':>8}  {'gain':>7}")
    for rnd in sorted(results["suggest"]):
        s = results["suggest"][rnd]
        r = results["random"].get(rnd, [])
        if len(s) != len(r):
            break
        n = round(statistics.mean(x[0] for x in s))
        fs = statistics.mean(x[1] for x in s)
        fr = statistics.mean(x[1] for x in r)
        table.append({"labeled": n, "suggest": round(fs, 4), "random": round(fr, 4)})
        print(f"{n:>8}  {fs:>8.3f}  {fr:>8.3f}  {fs - fr:>+7.3f}")
    print()
    top = max(max(t["suggest"], t["random"]) for t in table) if table else 0
    levels = [x / 100 for x in range(30, int(top * 100) + 1, 5)]
    for level in levels:
        ns = first_reaching([(t["labeled"], t["suggest"]) for t in table], level)
        nr = first_reaching([(t["labeled"], t["random"]) for t in table], level)
        print(f"macro-F1 ≥ {level:.2f}: suggest after {ns or '—'} labeled, random after {nr or '—'}")
    if a.out:
        with open(a.out, "w", encoding="utf-8") as f:
            json.dump({"batch": a.batch, "seeds": a.seeds, "curve": table}, f, indent=1)


if __name__ == "__main__":
    main()
