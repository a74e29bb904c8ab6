#!/usr/bin/env bash
# The UCR tables in one command:
#   scripts/ucr-table.sh DATASETS_DIR [OUT_DIR] [RESULT_FILE]
# runs `evaluate` on every DATASETS_DIR/<Name>/<Name>_{TRAIN,TEST}.tsv for every encoder in $ENCODERS
# (default: causal-cnn) with extra flags $EVALUATE_FLAGS (default: none, i.e. the default budget, label
# fractions 0.1 and 1.0, 3 seeds, every objective), then writes RESULT_FILE (default RESULTS.md).
#   scripts/ucr-table.sh ../shared/datasets                      # RESULTS.md
#   ENCODERS="causal-cnn resnet lstm" EVALUATE_FLAGS="--objective contrastive --budget-seconds 75" \
#     scripts/ucr-table.sh ../shared/datasets runs/encoders ENCODERS.md
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
datasets="${1:?usage: scripts/ucr-table.sh DATASETS_DIR [OUT_DIR] [RESULT_FILE]}"
out="${2:-$here/runs/ucr}"
result="${3:-$here/RESULTS.md}"
encoders="${ENCODERS:-causal-cnn}"
mkdir -p "$out"
start=$(date +%s)
for dir in "$datasets"/*/; do
  name="$(basename "$dir")"
  [ -f "$dir/${name}_TRAIN.tsv" ] || continue
  for encoder in $encoders; do
    echo "== $name $encoder"
    # shellcheck disable=SC2086
    "$here/foresight" evaluate --encoder "$encoder" \
      --train "$dir/${name}_TRAIN.tsv" --test "$dir/${name}_TEST.tsv" \
      --out "$out/$name-$encoder.json" --plot "$out/$name-$encoder.png" ${EVALUATE_FLAGS:-} \
      | tee "$out/$name-$encoder.txt"
  done
done
end=$(date +%s)
{
  echo "# UCR results (TEST splits)"
  echo
  echo "Produced by \`ENCODERS=\"$encoders\" EVALUATE_FLAGS=\"${EVALUATE_FLAGS:-}\" scripts/ucr-table.sh $datasets\`"
  echo "in $(( (end - start) / 60 )) min on $(nproc) cores, $(date -u +%Y-%m-%d). Reports, logs and plots: \`$out\`."
  "$here/foresight" table "$out"/*.json
} > "$result"
echo "wrote $result"
