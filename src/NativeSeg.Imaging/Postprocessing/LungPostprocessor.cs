using NativeSeg.Imaging.Morphology;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Imaging.Postprocessing;

/// <summary>Settings of <see cref="LungPostprocessor"/>; the defaults are lungmask's behaviour.</summary>
public sealed record LungPostprocessingOptions
{
    /// <summary>Probability at or above which a voxel is lung.</summary>
    public float Threshold { get; init; } = 0.5f;

    /// <summary>
    /// A 3D component is kept when it has at least this fraction of the largest component's voxels.
    /// Two separate lungs are comparable in size (the smaller is rarely under a third of the larger), and
    /// joined lungs are one component; false positives such as stomach or bowel gas and bits of airway are
    /// much smaller. 0.10 keeps a badly collapsed lung yet drops those.
    /// </summary>
    public double KeepFraction { get; init; } = 0.10;

    public bool FillHoles { get; init; } = true;

    /// <summary>Also fill what each lung encloses within an axial slice (<see cref="SliceHoleFilling"/>): dense lesions
    /// that open into the chest wall or the hilum only in other slices. Needs the right/left split, which it runs
    /// internally; applies when <see cref="FillHoles"/> is on.</summary>
    public bool FillSliceHoles { get; init; }

    /// <summary>Label the right lung 1 and the left lung 2 (lungmask's R231 convention) instead of 1 for both.</summary>
    public bool SplitLeftRight { get; init; }

    /// <summary>
    /// Before the components are kept, drop each piece of lung in an axial slice of which less than this share is
    /// aerated (<see cref="AeratedLungGuard"/>; needs the CT). 0: off.
    /// </summary>
    public double MinAeratedShare { get; init; }
}

/// <summary>
/// From lung probabilities to a lung mask: threshold, keep the lung components (26-connected, see
/// <see cref="LungPostprocessingOptions.KeepFraction"/>), fill 3D holes, optionally split right/left; before the
/// components, optionally drop the pieces of a slice that are hardly aerated (<see cref="AeratedLungGuard"/>).
/// </summary>
public static class LungPostprocessor
{
    /// <param name="ct">The CT in HU on the same grid; needed only for <see cref="LungPostprocessingOptions.MinAeratedShare"/>.</param>
    public static Volume<byte> Process(Volume<float> probabilities, LungPostprocessingOptions? options = null, Volume<float>? ct = null)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        options ??= new LungPostprocessingOptions();
        var mask = Threshold(probabilities, options.Threshold);
        ProcessInPlace(mask, options, ct);
        return mask;
    }

    /// <summary>Probability ≥ threshold → 1, else 0: the one threshold of the pipeline, its ablation and the evaluation.</summary>
    public static Volume<byte> Threshold(Volume<float> probabilities, float threshold)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        var mask = new Volume<byte>(probabilities.Grid);
        var p = probabilities.Voxels;
        var m = mask.Voxels;
        for (int i = 0; i < p.Length; i++) m[i] = p[i] >= threshold ? (byte)1 : (byte)0;
        return mask;
    }

    /// <summary>The same steps starting from a binary (any non-zero = lung) mask, which is left as it is.</summary>
    public static Volume<byte> Process(Volume<byte> mask, LungPostprocessingOptions? options = null, Volume<float>? ct = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        var result = new Volume<byte>(mask.Grid);
        var from = mask.Voxels;
        var to = result.Voxels;
        for (int i = 0; i < from.Length; i++) to[i] = from[i] != 0 ? (byte)1 : (byte)0;
        ProcessInPlace(result, options ?? new LungPostprocessingOptions(), ct);
        return result;
    }

    /// <summary>
    /// Every step after the threshold on a 0/1 mask's own voxels (<paramref name="mask"/> is changed). One full-size
    /// volume from threshold to labels: on a virtual machine each freshly allocated page costs a fault, and a new
    /// 30-million-voxel volume per step cost more than the steps.
    /// </summary>
    public static void ProcessInPlace(Volume<byte> mask, LungPostprocessingOptions options, Volume<float>? ct = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(options);
        var grid = mask.Grid;
        if (options.MinAeratedShare != 0)
        {
            if (ct is null)
                throw new ArgumentException("the aerated-lung guard (MinAeratedShare) needs the CT.", nameof(ct));
            // Before the components: a false piece joined to a lung only through a dropped piece is then a small
            // component of its own and goes too.
            AeratedLungGuard.DropUnaeratedPieces(mask, ct, options.MinAeratedShare);
        }
        DropSmallComponents(mask, options.KeepFraction);
        if (options.FillHoles) HoleFilling3D.Fill(mask.Voxels, grid.SizeX, grid.SizeY, grid.SizeZ);
        bool fillSliceHoles = options.FillHoles && options.FillSliceHoles;
        if (!options.SplitLeftRight && !fillSliceHoles) return;
        LungSplitter.SplitInPlace(mask);
        if (!fillSliceHoles) return;
        SliceHoleFilling.Fill(mask.Voxels, grid.SizeX, grid.SizeY, grid.SizeZ, [LungSplitter.RightLung, LungSplitter.LeftLung]);
        if (options.SplitLeftRight) return;
        var v = mask.Voxels;
        for (int i = 0; i < v.Length; i++) if (v[i] != 0) v[i] = 1;
    }

    /// <summary>Zeroes, in a 0/1 mask, the components under <paramref name="keepFraction"/> of the largest's voxels.</summary>
    private static void DropSmallComponents(Volume<byte> mask, double keepFraction)
    {
        var grid = mask.Grid;
        var components = RunComponents.Find(mask.Voxels, grid.SizeX, grid.SizeY, grid.SizeZ);
        if (components.Count == 0) return;
        long largest = components.Sizes.Max();
        var drop = new bool[components.Count + 1];
        for (int l = 1; l <= components.Count; l++) drop[l] = components.Sizes[l - 1] < keepFraction * largest;
        components.Clear(mask.Voxels, drop);
    }
}
