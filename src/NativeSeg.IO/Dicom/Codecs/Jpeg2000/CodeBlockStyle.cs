namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>The code-block style bits of COD/COC (T.800 Table A.19), the encoder's <c>-M</c> option in OpenJPEG.</summary>
[Flags]
internal enum CodeBlockStyle
{
    None = 0,
    /// <summary>Selective arithmetic coding bypass ("lazy"): after the fourth bit-plane, significance and refinement passes are raw bits.</summary>
    Bypass = 1,
    /// <summary>Reset the context probabilities at the end of each coding pass.</summary>
    ResetContexts = 2,
    /// <summary>Terminate the arithmetic coder at the end of each coding pass (each pass is its own codeword segment).</summary>
    TerminateAll = 4,
    /// <summary>Vertically causal context formation: a stripe does not look at the stripe below it.</summary>
    VerticallyCausal = 8,
    /// <summary>Predictable termination: an encoder-side choice; the decoder reads it as ordinary termination.</summary>
    PredictableTermination = 16,
    /// <summary>A four-symbol segmentation marker (1010) ends each cleanup pass.</summary>
    SegmentationSymbols = 32,
    /// <summary>High-Throughput block coding (Part 15): not Part 1; refused.</summary>
    HighThroughput = 64,
}
