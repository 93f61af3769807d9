#!/bin/bash
# Scores a fold's network with the engine itself cutting at threshold T: set-threshold, then reproduce on the fold's
# test cases; prints reproduce's Dice, FPR and FNR per case (the report lands in OUTPUT_FOLDER/report).
# Usage: threshold-engine.sh NATIVESEG MANIFEST WEIGHTS T OUTPUT_FOLDER
set -e
NS=$1; MANIFEST=$2; W=$3; T=$4; O=$5
mkdir -p $O
"$NS" set-threshold "$W" $T -o $O/weights-t$T.safetensors > /dev/null
"$NS" reproduce "$MANIFEST" -o $O/study -w $O/weights-t$T.safetensors --device cpu > $O/reproduce.log
cut -d, -f1,3,7,8 $O/study/report/cases.csv
