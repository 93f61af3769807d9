using NativeSeg.IO;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Geometry;

/// <summary>
/// The way from an input CT's grid to the grid the network segments, and back: first a gantry tilt is resampled
/// away (<see cref="GantryTiltCorrection"/>, only when the slices are shifted in-plane), then the axes are permuted and
/// flipped to the axial order (<see cref="AxialReorientation"/>, lossless). A volume computed on the network's grid
/// comes back on exactly the input's grid (the same <see cref="Grid"/>, so the same affine bit for bit).
/// </summary>
public sealed class InputGeometry
{
    private InputGeometry(Grid input, GantryTiltCorrection? tilt, AxialReorientation reorientation)
    {
        Input = input;
        Tilt = tilt;
        Reorientation = reorientation;
    }

    public Grid Input { get; }

    /// <summary>Null when the input is not tilted.</summary>
    public GantryTiltCorrection? Tilt { get; }

    public AxialReorientation Reorientation { get; }

    /// <summary>The axial, untilted grid the network's slices are taken from.</summary>
    public Grid NetworkGrid => Reorientation.Axial;

    /// <summary>True when the network's grid is the input's (an untilted axial stack in the axial order).</summary>
    public bool IsIdentity => Tilt is null && Reorientation.IsIdentity;

    /// <summary>An oblique grid is an <see cref="InvalidInputException"/> naming <paramref name="source"/>.</summary>
    public static InputGeometry For(Grid input, string source = "volume")
    {
        ArgumentNullException.ThrowIfNull(input);
        var tilt = GantryTiltCorrection.For(input);
        return new InputGeometry(input, tilt, AxialReorientation.For(tilt?.Untilted ?? input, source));
    }

    /// <summary>The CT on the network's grid (the same object when <see cref="IsIdentity"/>).</summary>
    public Volume<float> ToNetworkGrid(Volume<float> ct)
    {
        ArgumentNullException.ThrowIfNull(ct);
        return Reorientation.ToAxial(Tilt is null ? ct : Tilt.Untilt(ct));
    }

    /// <summary>A volume on the network's grid (mask, probabilities) on exactly the input's grid.</summary>
    public Volume<T> ToInputGrid<T>(Volume<T> onNetworkGrid) where T : unmanaged
    {
        var unpermuted = Reorientation.FromAxial(onNetworkGrid);
        return Tilt is null ? unpermuted : Tilt.Retilt(unpermuted);
    }

    public override string ToString() => Tilt is null ? Reorientation.ToString() : $"{Tilt}; {Reorientation}";
}
