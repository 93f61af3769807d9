namespace NativeSeg.Model.Network;

/// <summary>
/// The sizes that vary between HighResNet2D instances. Everything else (channel widths 16/32/64/80, dilations 1/2/4,
/// three blocks per stage) is fixed by NiftyNet's HighRes3DNet, see <see cref="HighResNetArchitecture"/>.
/// </summary>
public sealed record HighResNetConfiguration(int InputChannels = 1, int Classes = 2)
{
    /// <summary>The paper's network: one CT channel in, background and lung out.</summary>
    public static HighResNetConfiguration Lung => new(1, 2);

    /// <summary>Every spatial size must be a multiple of this (NiftyNet's space-to-batch dilation needs it).</summary>
    public const int SpatialMultiple = 8;

    /// <summary>Batch-norm momentum and ε, NiftyNet's.</summary>
    public const float BatchNormMomentum = 0.1f;
    public const float BatchNormEpsilon = 1e-5f;

    public void Validate()
    {
        if (InputChannels < 1)
            throw new ArgumentOutOfRangeException(nameof(InputChannels), InputChannels, "HighResNet2D needs at least one input channel.");
        if (Classes < 2)
            throw new ArgumentOutOfRangeException(nameof(Classes), Classes, "HighResNet2D needs at least two classes (background included).");
    }
}
