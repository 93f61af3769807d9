namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The order of a tile's packets (T.800 B.12): the COD's progression over the whole tile, or the POC's list of
/// progression volumes, each in one of the five orders. A packet is (layer, resolution, component, precinct); one that
/// an earlier volume has already produced is skipped. Position-driven orders (RPCL, PCRL, CPRL) step over the tile on
/// the reference grid and take the precinct whose top-left corner each position is (B.12.1.3–B.12.1.5).
/// </summary>
internal static class PacketSequence
{
    public static IEnumerable<(int Layer, int Resolution, int Component, int Precinct)> Of(
        IReadOnlyList<ProgressionVolume> volumes, TileComponent[] components, ImageGeometry geometry, int tx0, int ty0, int tx1, int ty1)
    {
        foreach (var v in volumes)
        {
            int c0 = v.ComponentStart, c1 = Math.Min(v.ComponentEnd, components.Length);
            int maxResolutions = 0;
            for (int c = c0; c < c1; c++) maxResolutions = Math.Max(maxResolutions, components[c].Resolutions.Length);
            int r0 = v.ResolutionStart, r1 = Math.Min(v.ResolutionEnd, maxResolutions), layers = v.LayerEnd;
            switch (v.Order)
            {
                case ProgressionOrder.LayerResolutionComponentPosition:
                    for (int l = 0; l < layers; l++)
                        for (int r = r0; r < r1; r++)
                            for (int c = c0; c < c1; c++)
                                foreach (var p in Precincts(components[c], r, l))
                                    yield return (l, r, c, p);
                    break;
                case ProgressionOrder.ResolutionLayerComponentPosition:
                    for (int r = r0; r < r1; r++)
                        for (int l = 0; l < layers; l++)
                            for (int c = c0; c < c1; c++)
                                foreach (var p in Precincts(components[c], r, l))
                                    yield return (l, r, c, p);
                    break;
                case ProgressionOrder.ResolutionPositionComponentLayer:
                    for (int r = r0; r < r1; r++)
                        foreach (var (x, y) in Positions(components, geometry, c0, c1, r, r + 1, tx0, ty0, tx1, ty1))
                            for (int c = c0; c < c1; c++)
                                foreach (var packet in AtPosition(components[c], geometry, c, r, x, y, tx0, ty0, layers))
                                    yield return packet;
                    break;
                case ProgressionOrder.PositionComponentResolutionLayer:
                    foreach (var (x, y) in Positions(components, geometry, c0, c1, r0, r1, tx0, ty0, tx1, ty1))
                        for (int c = c0; c < c1; c++)
                            for (int r = r0; r < r1; r++)
                                foreach (var packet in AtPosition(components[c], geometry, c, r, x, y, tx0, ty0, layers))
                                    yield return packet;
                    break;
                default: // component-position-resolution-layer
                    for (int c = c0; c < c1; c++)
                        foreach (var (x, y) in Positions(components, geometry, c, c + 1, r0, r1, tx0, ty0, tx1, ty1))
                            for (int r = r0; r < r1; r++)
                                foreach (var packet in AtPosition(components[c], geometry, c, r, x, y, tx0, ty0, layers))
                                    yield return packet;
                    break;
            }
        }
    }

    /// <summary>The precincts of resolution r whose next packet is layer l (layer-driven orders).</summary>
    private static IEnumerable<int> Precincts(TileComponent component, int r, int layer)
    {
        if (r >= component.Resolutions.Length) yield break;
        var resolution = component.Resolutions[r];
        int count = resolution.PrecinctsWide * resolution.PrecinctsHigh;
        for (int p = 0; p < count; p++)
            if (resolution.NextLayer[p] == layer)
                yield return p;
    }

    /// <summary>
    /// The positions of the reference grid at which some precinct of the given components and resolutions starts:
    /// the tile's first row and column, and multiples of the smallest precinct step (XRsiz · 2^(PPx + NL − r)).
    /// </summary>
    private static IEnumerable<(long X, long Y)> Positions(TileComponent[] components, ImageGeometry geometry, int c0, int c1, int r0, int r1,
        int tx0, int ty0, int tx1, int ty1)
    {
        long stepX = long.MaxValue, stepY = long.MaxValue;
        for (int c = c0; c < c1; c++)
        {
            var info = components[c].Info;
            int levels = components[c].Resolutions.Length - 1;
            for (int r = r0; r < Math.Min(r1, levels + 1); r++)
            {
                var res = components[c].Resolutions[r];
                stepX = Math.Min(stepX, (long)info.SubsamplingX << Math.Min(62 - 8, res.PrecinctWidthExponent + levels - r));
                stepY = Math.Min(stepY, (long)info.SubsamplingY << Math.Min(62 - 8, res.PrecinctHeightExponent + levels - r));
            }
        }
        if (stepX == long.MaxValue) yield break;
        for (long y = ty0; y < ty1; y = (y / stepY + 1) * stepY)
            for (long x = tx0; x < tx1; x = (x / stepX + 1) * stepX)
                yield return (x, y);
    }

    /// <summary>The packets (all remaining layers below <paramref name="layers"/>) of the precinct of (c, r) that starts at (x, y), if one does.</summary>
    private static IEnumerable<(int, int, int, int)> AtPosition(TileComponent component, ImageGeometry geometry, int c, int r, long x, long y,
        int tx0, int ty0, int layers)
    {
        if (r >= component.Resolutions.Length) yield break;
        var res = component.Resolutions[r];
        if (res.PrecinctsWide == 0 || res.PrecinctsHigh == 0) yield break;
        int level = component.Resolutions.Length - 1 - r;
        var info = component.Info;
        int rpx = res.PrecinctWidthExponent + level, rpy = res.PrecinctHeightExponent + level;
        bool atX = x % ((long)info.SubsamplingX << rpx) == 0 || (x == tx0 && (((long)res.X0 << level) & ((1L << rpx) - 1)) != 0);
        bool atY = y % ((long)info.SubsamplingY << rpy) == 0 || (y == ty0 && (((long)res.Y0 << level) & ((1L << rpy) - 1)) != 0);
        if (!atX || !atY) yield break;
        // The precinct holding the position: ⌈x / (XRsiz · 2^level)⌉ on the resolution's grid, in units of 2^PPx.
        long i = (CeilDiv(x, (long)info.SubsamplingX << level) >> res.PrecinctWidthExponent) - (res.X0 >> res.PrecinctWidthExponent);
        long j = (CeilDiv(y, (long)info.SubsamplingY << level) >> res.PrecinctHeightExponent) - (res.Y0 >> res.PrecinctHeightExponent);
        if (i < 0 || j < 0 || i >= res.PrecinctsWide || j >= res.PrecinctsHigh) yield break;
        int p = (int)(j * res.PrecinctsWide + i);
        for (int l = res.NextLayer[p]; l < layers; l++)
            yield return (l, r, c, p);
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
