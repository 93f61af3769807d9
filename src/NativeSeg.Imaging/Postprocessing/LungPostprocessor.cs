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
}

/// <summary>
/// From lung probabilities to a lung mask: threshold, keep the lung components (26-connected, see
/// <see cref="LungPostprocessingOptions.KeepFraction"/>), fill 3D holes, optionally split right/left.
/// </summary>
public static class LungPostprocessor
{
    public static Volume<byte> Process(Volume<float> probabilities, LungPostprocessingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        options ??= new LungPostprocessingOptions();
        var mask = new byte[probabilities.Voxels.Length];
        var p = probabilities.Voxels;
        for (int i = 0; i < p.Length; i++) mask[i] = p[i] >= options.Threshold ? (byte)1 : (byte)0;
        return Process(new Volume<byte>(probabilities.Grid, mask), options);
    }

    /// <summary>The same steps starting from a binary (any non-zero = lung) mask.</summary>
    public static Volume<byte> Process(Volume<byte> mask, LungPostprocessingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        options ??= new LungPostprocessingOptions();
        var grid = mask.Grid;
        var kept = KeepLungComponents(mask, options.KeepFraction);
        if (options.FillHoles) HoleFilling3D.Fill(kept.Voxels, grid.SizeX, grid.SizeY, grid.SizeZ);
        if (!(options.FillHoles && options.FillSliceHoles))
            return options.SplitLeftRight ? LungSplitter.Split(kept) : kept;
        var split = LungSplitter.Split(kept);
        SliceHoleFilling.Fill(split.Voxels, grid.SizeX, grid.SizeY, grid.SizeZ, [LungSplitter.RightLung, LungSplitter.LeftLung]);
        if (options.SplitLeftRight) return split;
        for (int i = 0; i < split.Voxels.Length; i++) if (split.Voxels[i] != 0) split.Voxels[i] = 1;
        return split;
    }

    /// <summary>A binary mask (0/1) of the components with at least <paramref name="keepFraction"/> of the largest's voxels.</summary>
    public static Volume<byte> KeepLungComponents(Volume<byte> mask, double keepFraction)
    {
        var grid = mask.Grid;
        var components = RunComponents.Find(mask.Voxels, grid.SizeX, grid.SizeY, grid.SizeZ);
        var result = new Volume<byte>(grid);
        if (components.Count == 0) return result;
        long largest = components.Sizes.Max();
        var keep = new byte[components.Count + 1];
        for (int l = 1; l <= components.Count; l++) keep[l] = components.Sizes[l - 1] >= keepFraction * largest ? (byte)1 : (byte)0;
        components.Paint(result.Voxels, keep);
        return result;
    }
}
