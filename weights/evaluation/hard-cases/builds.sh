# Sourced by run-trial.sh and fold.sh (NS, SHARED and WORK set): build FOLDER OPTION... runs build-dataset into WORK/FOLDER
# once, and the training patients' hard cases of hard seed 2 that both sets take their replacements from.
build() {  # FOLDER BUILD_DATASET_OPTION ...
  local F=$1; shift
  [ -f $WORK/$F/manifest.json ] || "$NS" build-dataset --shared "$SHARED" -o $WORK/$F --no-previews "$@" > $WORK/$F.log
}
build_hard_train() {
  build hard-train --cases Case_000 Case_005 Case_007 --severities severe --seeds 1 --hard-cases 3 --hard-seed 2 \
    --phantoms 0 --covid-phantoms 0
}
