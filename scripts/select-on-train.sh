#!/usr/bin/env bash
# Chooses evaluate's defaults on TRAIN splits only (TEST is never read):
#   scripts/select-on-train.sh DATASETS_DIR [OUT_DIR]
# splits each DATASETS_DIR/<Name>/<Name>_TRAIN.tsv in two stratified halves (seed 7), runs `evaluate`
# with the first half as TRAIN and the second as TEST for each objective in $OBJECTIVES, and prints the
# mean accuracy of every method and objective (scripts/selection-summary.py).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
datasets="${1:?usage: scripts/select-on-train.sh DATASETS_DIR [OUT_DIR]}"
out="${2:-$here/runs/selection}"
names="${NAMES:-GunPoint ECG200 ArrowHead OSULeaf ACSF1 Earthquakes}"
objectives="${OBJECTIVES:-all hierarchical hierarchical+next-step}"
mkdir -p "$out"
for name in $names; do
  python3 - "$datasets/$name/${name}_TRAIN.tsv" "$out/$name" <<'PY'
import os, random, sys
rows = [r for r in open(sys.argv[1]).read().split("\n") if r.strip()]
by_class = {}
for r in rows:
    by_class.setdefault(r.split("\t")[0], []).append(r)
rnd = random.Random(7)
first, second = [], []
for label, members in sorted(by_class.items()):
    rnd.shuffle(members)
    half = (len(members) + 1) // 2
    first += members[:half]
    second += members[half:]
name = os.path.basename(sys.argv[2])
os.makedirs(sys.argv[2], exist_ok=True)
open(f"{sys.argv[2]}/{name}_TRAIN.tsv", "w").write("\n".join(first) + "\n")
open(f"{sys.argv[2]}/{name}_TEST.tsv", "w").write("\n".join(second) + "\n")
PY
  for objective in $objectives; do
    # shellcheck disable=SC2086
    "$here/foresight" evaluate --train "$out/$name/${name}_TRAIN.tsv" --test "$out/$name/${name}_TEST.tsv" \
      --objective "$objective" --seeds 2 --budget-seconds "${BUDGET:-50}" ${EVALUATE_FLAGS:-} \
      --out "$out/$name-$objective.json" > "$out/$name-$objective.txt"
  done
done
python3 "$here/scripts/selection-summary.py" "$out"
