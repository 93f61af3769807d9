#!/bin/bash
# Trains from random weights with the shipped file's recipe and schedule, compressed into three runs: epochs 1-5 at
# lr 0.01, 6-10 at 0.003, 11-24 at 0.001 (128x128 windows unless the options say otherwise, batch 8, seed 1), keeps every
# epoch's weights (train --keep-epoch-weights: OUT/epochN.safetensors), and averages epochs 17-24 into
# OUT/mean17-24.safetensors, as the file shipped in sessions 8-13 averaged its last eight. The trainer runs in the foreground: Ctrl-C (or
# SIGTERM) makes it write a checkpoint, and running the script again resumes from it.
#   train-shipped-schedule.sh NS SET OUT --window 128x128 --slice-context 5       neighbouring slices from the start
#   train-shipped-schedule.sh NS SET OUT --window 128x128 --dense-lung-weight 4   dense lung counts 4x in Dice-NS
#   train-shipped-schedule.sh NS_COARSE SET OUT                                   whole slices on a 152x112 grid (coarse-grid.diff)
# With --low-lr-phase first among the options it goes on as the shipped file's run since session 14 did: epochs 25-32 at
# lr 0.0001, averaged into OUT/mean25-32.safetensors (the shipped file: --low-lr-phase --window 128x128 --cross-entropy-weight 1).
# Usage: train-shipped-schedule.sh NATIVESEG TRAINING_SET_FOLDER OUTPUT_FOLDER [TRAIN_OPTION ...]
# Another seed: SEED=2 train-shipped-schedule.sh ... (the environment variable; --seed twice is refused).
set -e
NS=$1; SET=$2; OUT=$3; shift 3; mkdir -p $OUT
LOW_LR_PHASE=; [ "$1" = --low-lr-phase ] && { LOW_LR_PHASE=yes; shift; }
train_until() {  # LR LAST_EPOCH [TRAIN_OPTION ...]
  local LR=$1 LAST=$2; shift 2
  [ -f $OUT/epoch$LAST.safetensors ] && return 0
  local RESUME=; [ -f $OUT/checkpoint.safetensors ] && RESUME=--resume
  "$NS" train $SET/manifest.json -o $OUT --device cpu --batch-size 8 --seed ${SEED:-1} --keep-epoch-weights \
    --lr $LR --epochs $LAST $RESUME "$@"
}
train_until 0.01 5 "$@"
train_until 0.003 10 "$@"
train_until 0.001 24 "$@"
average_epochs() {  # FIRST LAST
  "$NS" average-weights $(for E in $(seq $1 $2); do echo $OUT/epoch$E.safetensors; done) -o $OUT/mean$1-$2.safetensors
}
average_epochs 17 24
[ -n "$LOW_LR_PHASE" ] || exit 0
train_until 0.0001 32 "$@"
average_epochs 25 32
