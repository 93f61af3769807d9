#!/bin/bash
# Trains from random weights with the shipped file's recipe and schedule, compressed into three runs: epochs 1-5 at
# lr 0.01, 6-10 at 0.003, 11-24 at 0.001 (128x128 windows unless the options say otherwise, batch 8, seed 1), keeps every
# epoch's checkpoint (the trainer writes an epoch's checkpoint before its log line; --checkpoint-minutes 1000 means no
# mid-epoch one to copy by mistake), and averages epochs 17-24 into OUT/mean17-24.safetensors, as the shipped file
# averages its last eight. Epochs must outlast the 3-second poll (minutes on the real set): a missed epoch's file is
# absent and the averaging then fails. The trainer runs in the background: stop both (kill -- -PGID, or Ctrl-C in a
# terminal) and rerun to resume.
#   train-shipped-schedule.sh NS SET OUT --window 128x128 --slice-context 5   neighbouring slices from the start
#   train-shipped-schedule.sh NS_COARSE SET OUT                               whole slices on a 152x112 grid (coarse-grid.diff)
# Usage: train-shipped-schedule.sh NATIVESEG TRAINING_SET_FOLDER OUTPUT_FOLDER [TRAIN_OPTION ...]
set -e
NS=$1; SET=$2; OUT=$3; shift 3; mkdir -p $OUT
keep_epochs() {  # copies each finished epoch's checkpoint to OUT/epochN.safetensors
  [ -f $OUT/training-log.csv ] || return 0
  local E; E=$(tail -1 $OUT/training-log.csv | cut -d, -f1)
  [ "$E" = epoch ] || [ -f $OUT/epoch$E.safetensors ] || cp $OUT/checkpoint.safetensors $OUT/epoch$E.safetensors
}
train_until() {  # LR LAST_EPOCH [TRAIN_OPTION ...]
  local LR=$1 LAST=$2; shift 2
  keep_epochs
  [ -f $OUT/epoch$LAST.safetensors ] && return 0
  local RESUME=; [ -f $OUT/checkpoint.safetensors ] && RESUME=--resume
  "$NS" train $SET/manifest.json -o $OUT --device cpu --batch-size 8 --seed 1 --checkpoint-minutes 1000 \
    --lr $LR --epochs $LAST $RESUME "$@" &
  local PID=$!
  while kill -0 $PID 2> /dev/null; do keep_epochs; sleep 3; done
  wait $PID; keep_epochs
}
train_until 0.01 5 "$@"
train_until 0.003 10 "$@"
train_until 0.001 24 "$@"
"$NS" average-weights $(for E in $(seq 17 24); do echo $OUT/epoch$E.safetensors; done) -o $OUT/mean17-24.safetensors
