"""Writes the built-in intake pack with N more rules into a folder, for timing `rules check` as
a pack grows: python3 benches/big-pack.py N DIR (then `crossroads rules check DIR`).

Each added rule is a real one (a condition, a weight, a reason, a source), so the loader, the
lints and the witness search all do their work on it.
"""

import os
import shutil
import sys

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
n, out = int(sys.argv[1]), sys.argv[2]
shutil.rmtree(out, ignore_errors=True)
shutil.copytree(os.path.join(ROOT, "rules", "intake"), out)
# The same small weight to every modality: the ranking, and so the witness search, stay as the
# built-in pack's, whatever N.
modalities = [line.split("id: ")[1].strip() for line in open(os.path.join(out, "modalities.yaml"), encoding="utf-8")
              if line.startswith("  - id: ")]
weights = ", ".join(f"{m}: 0.001" for m in modalities)
questions = ["feel_stuck", "same_feedback", "transition", "has_mentors", "goal_specific"]
# 10,000 rules a file: a file holds at most 16 MiB (the loader's limit).
PER_FILE = 10_000
for start in range(0, n, PER_FILE):
    with open(os.path.join(out, f"more-rules-{start // PER_FILE:03}.yaml"), "w", encoding="utf-8") as f:
        f.write("rules:\n")
        for i in range(start, min(n, start + PER_FILE)):
            f.write(
                f"  - id: added_{i}\n    phase: preferences\n"
                f"    when: {{{questions[i % len(questions)]}: {{is: {'true' if i % 2 else 'false'}}}}}\n"
                f"    weights: {{{weights}}}\n    because: Added rule {i}.\n"
                f"    argues_for: []\n    source: design (bench rule)\n"
            )
