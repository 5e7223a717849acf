#!/usr/bin/env bash
# Runs one libFuzzer target for SECONDS (not part of CI; built with SwiftPM's --sanitize=fuzzer,address):
#   scripts/fuzz.sh FuzzJSON|FuzzQuestionnaire|FuzzFHIRPath|FuzzHSDSCSV|FuzzHSDSJSON|FuzzAdText|FuzzAdFile SECONDS
# Seeds come from the repository's own resources; findings land in Fuzz/findings/TARGET.
# A crash becomes a regression test in Tests/ (the input, and the behaviour expected instead).
set -euo pipefail
cd "$(dirname "$0")/../Fuzz"
target="${1:?target}"; seconds="${2:-600}"
swift build -c debug --product "$target" --sanitize=fuzzer --sanitize=address --scratch-path .build-fuzz
corpus="corpus/$target"; findings="findings/$target"
mkdir -p "$corpus" "$findings"
case "$target" in
  FuzzJSON|FuzzQuestionnaire) cp ../Sources/WaypointCore/Resources/instruments/*.json "$corpus"/ ;;
  FuzzHSDSJSON) cp ../Sources/WaypointCore/Resources/directory/*.json "$corpus"/ ;;
  FuzzHSDSCSV) printf 'id,organization_id,name,status\nsvc-1,org-1,"Legal ""aid""",active\n' > "$corpus/seed.csv" ;;
  FuzzAdText) printf 'Hi I'"'"'m Jade, 19 yrs 🌹 call two one two 5five5 ０１３６ jade at gmail dot com IG: jade.x' > "$corpus/seed.txt" ;;
  FuzzAdFile) cp ../examples/ads/*.csv "$corpus"/ ;;
  FuzzFHIRPath) printf "%%resource.item.where(linkId = 'q1').answer.value.ordinal().sum() > 2" > "$corpus/seed.txt" ;;
esac
.build-fuzz/debug/"$target" "$corpus" -artifact_prefix="$findings/" -max_total_time="$seconds" -max_len=65536 -print_final_stats=1
