#!/usr/bin/env bash
# The UCR table of RESULTS.md in one command:
#   scripts/ucr-table.sh ../shared/datasets [runs/ucr]
# runs `evaluate` (default budget, both label fractions, 3 seeds, every objective) on every
# <dir>/<Name>/<Name>_{TRAIN,TEST}.tsv, then writes RESULTS.md from the reports.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
datasets="${1:?usage: scripts/ucr-table.sh DATASETS_DIR [OUT_DIR]}"
out="${2:-$here/runs/ucr}"
mkdir -p "$out"
start=$(date +%s)
for dir in "$datasets"/*/; do
  name="$(basename "$dir")"
  [ -f "$dir/${name}_TRAIN.tsv" ] || continue
  echo "== $name"
  "$here/foresight" evaluate --train "$dir/${name}_TRAIN.tsv" --test "$dir/${name}_TEST.tsv" \
    --out "$out/$name.json" --plot "$out/$name.png" ${EVALUATE_FLAGS:-} | tee "$out/$name.txt"
done
end=$(date +%s)
{
  echo "# Results: does pretraining help? (UCR, TEST splits)"
  echo
  echo "Produced by \`scripts/ucr-table.sh $datasets\` in $(( (end - start) / 60 )) min on $(nproc) cores,"
  echo "$(date -u +%Y-%m-%d). Reports and plots: \`$out\`."
  "$here/foresight" table "$out"/*.json
} > "$here/RESULTS.md"
echo "wrote $here/RESULTS.md"
