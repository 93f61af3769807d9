#!/bin/bash
# The hard-cases-with-effusions trial end to end (RULE.md): the hard-cases trial's run-trial.sh with --moderate-effusion
# (its builds, Case_005's hard cases of hard seed 3, make-trial-set.py --moderate-effusion, the shipped schedule; about
# 70-90 minutes on 2 cores, resumable). Scoring: ../hard-cases/score.sh, once per file, then ../hard-cases/compare.py.
# Usage: run-trial.sh NATIVESEG SHARED_DATA WORK_FOLDER
exec bash "$(cd "$(dirname "$0")" && pwd)/../hard-cases/run-trial.sh" --moderate-effusion "$@"
