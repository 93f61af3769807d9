using static NativeSeg.Engine.OperationContracts;

namespace NativeSeg.Engine.Reference;

public static partial class ReferenceOps
{
    /// <summary>Channel where a skip with skipChannels channels lands inside full channels: ⌊(C − Cs)/2⌋ (centred padding).</summary>
    public static int SkipOffset(int channels, int skipChannels) => (channels - skipChannels) / 2;

    /// <summary>
    /// output = input + pad(skip): skip [N, Cs, H, W] is zero-padded on the channel axis to C channels, centred, so
    /// its channel k adds to channel offset + k. s describes input/output. output may be the same array as input.
    /// </summary>
    public static void ResidualAddForward(NchwSizes s, int skipChannels, double[] input, double[] skip, double[] output)
    {
        int offset = SkipOffset(s.Channels, skipChannels);
        for (int n = 0; n < s.Batch; n++)
        for (int c = 0; c < s.Channels; c++)
        for (int k = 0; k < s.Plane; k++)
        {
            int index = (n * s.Channels + c) * s.Plane + k;
            int skipChannel = c - offset;
            bool covered = skipChannel >= 0 && skipChannel < skipChannels;
            double added = covered ? skip[(n * skipChannels + skipChannel) * s.Plane + k] : 0.0;
            output[index] = input[index] + added;
        }
    }

    /// <summary>
    /// gradSkip += gradOutput[:, offset .. offset+Cs]: the skip's share of the gradient, accumulated because the skip
    /// tensor is also the block's main-path input, whose gradient has already been written there.
    /// (The input's share is gradOutput itself and needs no operation.)
    /// </summary>
    public static void ResidualAddBackwardSkip(NchwSizes s, int skipChannels, double[] gradOutput, double[] gradSkip)
    {
        int offset = SkipOffset(s.Channels, skipChannels);
        for (int n = 0; n < s.Batch; n++)
        for (int k = 0; k < skipChannels; k++)
        for (int p = 0; p < s.Plane; p++)
            gradSkip[(n * skipChannels + k) * s.Plane + p] += gradOutput[(n * s.Channels + offset + k) * s.Plane + p];
    }
}
