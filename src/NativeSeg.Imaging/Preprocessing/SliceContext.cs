using System.Globalization;

namespace NativeSeg.Imaging.Preprocessing;

/// <summary>
/// What the network sees of a slice's neighbours along the body axis. <see cref="None"/> is the paper's input: one
/// channel, the slice. With an offset d the input has three channels: the slice, the CT d millimetres below it
/// (inferior) and d millimetres above it (superior). The offset is in millimetres, not slices, so that a 1 mm and a
/// 5 mm series show the network the same anatomy; a neighbour between two slices is interpolated linearly in HU, one
/// beyond the volume's end is its last slice. Every channel is cropped with the centre slice's body box, so the three
/// stay aligned pixel for pixel (each slice's own box would shift its neighbours by the box's change).
/// The centre slice is channel 0: whatever reads "the CT" from a prepared input reads it there.
/// </summary>
public readonly record struct SliceContext(double OffsetMm)
{
    /// <summary>The paper's single-slice input.</summary>
    public static SliceContext None => default;

    /// <summary>Farther than this, a neighbour says little about the slice (and a 5 mm series has few slices per lung).</summary>
    public const double MaximumOffsetMm = 20;

    public bool IsEnabled => OffsetMm > 0;

    /// <summary>Network input channels: 1, or 3 with neighbours.</summary>
    public int Channels => IsEnabled ? 3 : 1;

    /// <summary>A clear reason if the offset cannot be used, else null.</summary>
    public string? Problem =>
        double.IsFinite(OffsetMm) && OffsetMm >= 0 && OffsetMm <= MaximumOffsetMm ? null
            : $"a slice-context offset must be between 0 (none) and {MaximumOffsetMm} mm, not {OffsetMm.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Where a neighbour lies among the network slices 0 … slices − 1: the slice <paramref name="slice"/> moved by
    /// <paramref name="direction"/> (−1 inferior, +1 superior) times the offset, as the two slices to blend and the
    /// second one's weight; clamped to the volume.
    /// </summary>
    public (int First, int Second, float SecondWeight) Neighbour(int slice, int direction, int slices, double sliceSpacingMm)
    {
        if (!IsEnabled) throw new InvalidOperationException("No slice context: there are no neighbours.");
        if (!(sliceSpacingMm > 0)) throw new ArgumentOutOfRangeException(nameof(sliceSpacingMm), sliceSpacingMm, "The slice spacing must be positive.");
        double position = Math.Clamp(slice + direction * OffsetMm / sliceSpacingMm, 0, slices - 1);
        int first = (int)Math.Floor(position);
        int second = Math.Min(first + 1, slices - 1);
        return (first, second, (float)(position - first));
    }

    public override string ToString() => IsEnabled
        ? string.Create(CultureInfo.InvariantCulture, $"the slice and the CT {OffsetMm} mm below and above it (3 channels)")
        : "the slice alone (1 channel)";
}
