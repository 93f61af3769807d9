#!/bin/bash
# (Paths are those of the machine it ran on: the Case_005 fold data set of run-lopo-cross-entropy.sh, the shipped data set, and
# each Dice-NS run's epoch-24 checkpoint copied in as OUT/epoch24-checkpoint.safetensors.)
# The late cross-entropy arm (RULE.md and its amendment): 8 epochs at lr 0.0001 with Dice-NS + 1 x cross-entropy from
# each Dice-NS run's epoch-24 checkpoint (Adam moments kept), then the mean of the 8 epochs.
NS=/work/scratch/cli-ce/nativeseg; L=/work/scratch/lateCE
late_ce() {  # SET OUT
  $NS train $1/manifest.json -o $2 --device cpu --batch-size 8 --seed 1 --keep-epoch-weights --window 128x128 \
    --validation-patients phantom_c02_moderate --init-weights $2/epoch24-checkpoint.safetensors --keep-adam-moments \
    --lr 0.0001 --epochs 8 --cross-entropy-weight 1 || exit 1
  $NS average-weights $(for E in $(seq 1 8); do echo $2/epoch$E.safetensors; done) -o $2/mean25-32.safetensors
}
[ -f $L/c005/mean25-32.safetensors ] || late_ce /work/scratch/lopo-ce/Case_005/data $L/c005
[ -f $L/case009/mean25-32.safetensors ] || late_ce /work/scratch/trainset $L/case009
echo "done $(date)"
