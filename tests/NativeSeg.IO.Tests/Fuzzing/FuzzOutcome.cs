namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>What reading one mutant did. Only the first two are allowed.</summary>
public enum FuzzOutcome
{
    /// <summary>Read, and the volume passed the independent geometry and intensity checks.</summary>
    Accepted,

    /// <summary>Refused with an <see cref="InvalidInputException"/> naming the file.</summary>
    Rejected,

    /// <summary>Read, but the volume has implausible geometry or non-finite voxels: a hole in the checks.</summary>
    AcceptedImplausible,

    /// <summary>Any other exception (an internal error in the CLI), or a rejection that does not name the file.</summary>
    Crashed,

    /// <summary>Took longer than the per-mutant limit.</summary>
    Hung,
}
