// The CLI writes to the process-wide Console, which CliRunner swaps for each run: tests must not overlap.
[assembly: NonParallelizable]
[assembly: LevelOfParallelism(1)]
