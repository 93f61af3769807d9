using System.Buffers;

namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// JPEG 2000 Part 1 (ITU-T T.800) decoder for DICOM's JPEG 2000 transfer syntaxes: a bare code stream or a JP2
/// file; any number of tiles, tile-parts, layers, precincts, the five progression orders and POC, PPM/PPT packed
/// headers, SOP/EPH markers, every Part 1 code-block style, the reversible 5/3 and irreversible 9/7 wavelets, RCT/ICT,
/// ROI max-shift, signed and unsigned samples up to 16 bits. Tier 1 runs over code-blocks in parallel.
/// <para>
/// Work is bounded by the data: every tile needs a tile-part, every packet at least one header byte, every coding pass
/// a bit-plane, and the image must be the size the DICOM header gives; a stream that breaks any of these is refused.
/// </para>
/// </summary>
internal static class Jpeg2000Decoder
{
    /// <summary>Below this many coefficients in a tile, tier 1 runs on the calling thread only.</summary>
    private const int ParallelThreshold = 64 * 64 * 8;

    /// <summary>Decodes one greyscale DICOM frame into <paramref name="samples"/> (rows × columns, row by row).</summary>
    public static void Decode(ReadOnlySpan<byte> data, int rows, int columns, Span<int> samples, string path, int frame)
    {
        int[]? plane = null;
        try
        {
            var stream = Parse(data, columns, rows);
            var components = stream.Geometry.Components;
            if (components.Length != 1)
                throw new InvalidInputException(path, $"frame {frame}: the JPEG 2000 image has {components.Length} components; a CT frame has one (greyscale)");
            if (components[0].SubsamplingX != 1 || components[0].SubsamplingY != 1)
                throw new InvalidInputException(path, $"frame {frame}: the JPEG 2000 image is subsampled ({components[0].SubsamplingX}×{components[0].SubsamplingY}); a CT frame is not");
            plane = ArrayPool<int>.Shared.Rent(rows * columns);
            DecodeTiles(stream, [plane]);
            plane.AsSpan(0, rows * columns).CopyTo(samples);
        }
        catch (Jpeg2000FormatException e)
        {
            throw new InvalidInputException(path, $"frame {frame}: the JPEG 2000 data cannot be decoded: {e.Message}");
        }
        finally
        {
            if (plane is not null) ArrayPool<int>.Shared.Return(plane);
        }
    }

    /// <summary>
    /// Decodes a code stream (or JP2 file). With an expected size, a code stream of any other size is refused before
    /// any tile is decoded; without, the image may be at most 2^28 samples per component.
    /// </summary>
    public static Jpeg2000Image DecodeImage(ReadOnlySpan<byte> data, int? expectedWidth = null, int? expectedHeight = null)
    {
        var stream = Parse(data, expectedWidth, expectedHeight);
        var g = stream.Geometry;
        var planes = new int[stream.ComponentCount][];
        for (int c = 0; c < planes.Length; c++)
        {
            var (w, h) = Jpeg2000Image.ComponentSize(g, c);
            planes[c] = new int[(long)w * h];
        }
        DecodeTiles(stream, planes);
        return new Jpeg2000Image((int)(g.Width - g.OffsetX), (int)(g.Height - g.OffsetY), g.Components, planes);
    }

    private static Jpeg2000Codestream Parse(ReadOnlySpan<byte> data, int? expectedWidth, int? expectedHeight)
    {
        if (Jp2Boxes.IsJp2(data)) data = Jp2Boxes.Codestream(data);
        var stream = Jpeg2000CodestreamParser.Parse(data);
        var g = stream.Geometry;
        long width = g.Width - g.OffsetX, height = g.Height - g.OffsetY;
        if (expectedWidth is not null && (width != expectedWidth || height != expectedHeight))
            throw new Jpeg2000FormatException($"the code stream is {width}×{height} but the DICOM header says {expectedWidth}×{expectedHeight}");
        if (width * height > 1 << 28) throw new Jpeg2000FormatException($"the image is {width}×{height}, larger than decoded here");
        return stream;
    }

    /// <summary>Decodes every tile into the component planes (each at least the component's size, row by row).</summary>
    private static void DecodeTiles(Jpeg2000Codestream stream, int[][] planes)
    {
        for (int t = 0; t < stream.Tiles.Length; t++) DecodeTile(stream, t, planes);
    }

    private static void DecodeTile(Jpeg2000Codestream stream, int t, int[][] planes)
    {
        var g = stream.Geometry;
        var tile = stream.Tiles[t];
        var coding = stream.CodingOf(tile);
        long p = t % g.TilesAcross, q = t / g.TilesAcross;
        int tx0 = (int)Math.Max(g.TileOffsetX + p * g.TileWidth, g.OffsetX), tx1 = (int)Math.Min(g.TileOffsetX + (p + 1) * g.TileWidth, g.Width);
        int ty0 = (int)Math.Max(g.TileOffsetY + q * g.TileHeight, g.OffsetY), ty1 = (int)Math.Min(g.TileOffsetY + (q + 1) * g.TileHeight, g.Height);

        int n = stream.ComponentCount;
        var components = new TileComponent[n];
        long packets = 0;
        for (int c = 0; c < n; c++)
        {
            var info = g.Components[c];
            int dx = info.SubsamplingX, dy = info.SubsamplingY;
            components[c] = TileComponent.Create(TileComponent.CeilShiftDiv(tx0, dx), TileComponent.CeilShiftDiv(ty0, dy),
                TileComponent.CeilShiftDiv(tx1, dx), TileComponent.CeilShiftDiv(ty1, dy), info,
                stream.ComponentCodingOf(tile, c), stream.QuantizationOf(tile, c), stream.RegionShiftOf(tile, c));
            packets += components[c].PrecinctCount * coding.Layers;
        }
        var packetDecoder = new PacketDecoder(tile, coding);
        if (packets > packetDecoder.HeaderBytes)
            throw new Jpeg2000FormatException($"tile {t} has {packets} packets but only {packetDecoder.HeaderBytes} bytes of packet headers (truncated or corrupt)");
        foreach (var component in components) component.CreatePrecincts();

        // Tier 2: read every packet in the tile's progression order.
        var volumes = stream.ProgressionsOf(tile);
        IReadOnlyList<ProgressionVolume> order = volumes.Count > 0 ? volumes : [new ProgressionVolume(0, 0, coding.Layers, 33, n, coding.Order)];
        foreach (var (layer, r, c, precinct) in PacketSequence.Of(order, components, g, tx0, ty0, tx1, ty1))
        {
            var resolution = components[c].Resolutions[r];
            if (layer >= coding.Layers || resolution.NextLayer[precinct] != layer) continue;
            packetDecoder.Decode(resolution.Precincts[precinct], layer, components[c].Coding.Style);
            resolution.NextLayer[precinct]++;
        }

        // Tier 1, dequantisation and the inverse wavelet per component; then the component transform and DC shift.
        // Coefficient buffers come from the shared pools (a CT tile's is a megabyte: no large-object heap churn per frame).
        var reversibleBuffers = new int[n][];
        var irreversibleBuffers = new float[n][];
        try
        {
            DecodeComponents(tile, components, reversibleBuffers, irreversibleBuffers);
            if (coding.ComponentTransform && n >= 3) ApplyComponentTransform(components, reversibleBuffers, irreversibleBuffers);
            for (int c = 0; c < n; c++)
            {
                var component = components[c];
                if (component.Width <= 0 || component.Height <= 0) continue;
                var (planeWidth, _) = Jpeg2000Image.ComponentSize(g, c);
                int offsetX = component.X0 - TileComponent.CeilShiftDiv(g.OffsetX, component.Info.SubsamplingX);
                int offsetY = component.Y0 - TileComponent.CeilShiftDiv(g.OffsetY, component.Info.SubsamplingY);
                Store(component, reversibleBuffers[c], irreversibleBuffers[c], planes[c], planeWidth, offsetX, offsetY);
            }
        }
        finally
        {
            foreach (var buffer in reversibleBuffers) if (buffer is not null) ArrayPool<int>.Shared.Return(buffer);
            foreach (var buffer in irreversibleBuffers) if (buffer is not null) ArrayPool<float>.Shared.Return(buffer);
        }
    }

    /// <summary>Tier 1, dequantisation and the inverse wavelet of each component of a tile.</summary>
    private static void DecodeComponents(TileParts tile, TileComponent[] components, int[][] reversibleBuffers, float[][] irreversibleBuffers)
    {
        for (int c = 0; c < components.Length; c++)
        {
            var component = components[c];
            if (component.Width <= 0 || component.Height <= 0) continue;
            int size = component.Width * component.Height;
            if (component.Coding.Reversible)
            {
                var buffer = reversibleBuffers[c] = ArrayPool<int>.Shared.Rent(size);
                Array.Clear(buffer, 0, size); // code-blocks that no packet included stay zero
                DecodeCodeBlocks(component, tile.Body.Array, buffer, null);
                var scratch = ArrayPool<int>.Shared.Rent(size);
                InverseWavelet53.Inverse(buffer, component.Width, component.Resolutions, scratch);
                ArrayPool<int>.Shared.Return(scratch);
            }
            else
            {
                var buffer = irreversibleBuffers[c] = ArrayPool<float>.Shared.Rent(size);
                Array.Clear(buffer, 0, size);
                DecodeCodeBlocks(component, tile.Body.Array, null, buffer);
                var scratch = ArrayPool<float>.Shared.Rent(size);
                InverseWavelet97.Inverse(buffer, component.Width, component.Resolutions, scratch);
                ArrayPool<float>.Shared.Return(scratch);
            }
        }
    }

    private static void ApplyComponentTransform(TileComponent[] components, int[][] reversible, float[][] irreversible)
    {
        for (int c = 1; c < 3; c++)
            if (components[c].Width != components[0].Width || components[c].Height != components[0].Height
                || components[c].Coding.Reversible != components[0].Coding.Reversible)
                throw new Jpeg2000FormatException("the component transform joins components of different sizes or wavelets");
        if (components[0].Width <= 0 || components[0].Height <= 0) return;
        int size = components[0].Width * components[0].Height; // the pooled buffers may be longer
        if (components[0].Coding.Reversible)
            InverseComponentTransform.Reversible(reversible[0].AsSpan(0, size), reversible[1].AsSpan(0, size), reversible[2].AsSpan(0, size));
        else
            InverseComponentTransform.Irreversible(irreversible[0].AsSpan(0, size), irreversible[1].AsSpan(0, size), irreversible[2].AsSpan(0, size));
    }

    /// <summary>DC level shift (T.800 G.1.2), clamp to the sample range, and copy into the component's plane.</summary>
    private static void Store(TileComponent component, int[]? ints, float[]? floats, int[] plane, int planeWidth, int offsetX, int offsetY)
    {
        int precision = component.Info.Precision;
        int shift = component.Info.IsSigned ? 0 : 1 << (precision - 1);
        int min = component.Info.IsSigned ? -(1 << (precision - 1)) : 0;
        int max = component.Info.IsSigned ? (1 << (precision - 1)) - 1 : (1 << precision) - 1;
        int w = component.Width, h = component.Height;
        for (int y = 0; y < h; y++)
        {
            var target = plane.AsSpan((offsetY + y) * planeWidth + offsetX, w);
            if (ints is not null)
            {
                var source = ints.AsSpan(y * w, w);
                for (int x = 0; x < w; x++) target[x] = Math.Clamp(source[x] + shift, min, max);
            }
            else
            {
                var source = floats!.AsSpan(y * w, w);
                for (int x = 0; x < w; x++)
                {
                    // Round half to even, as the reference decoder's lrintf does; NaN and overflow clamp.
                    float v = MathF.Round(source[x]) + shift;
                    target[x] = v >= min ? (v <= max ? (int)v : max) : min;
                }
            }
        }
    }

    /// <summary>Tier 1 for every code-block that has data, in parallel when the tile is large enough.</summary>
    private static void DecodeCodeBlocks(TileComponent component, byte[] body, int[]? ints, float[]? floats)
    {
        var work = new List<(CodeBlock Block, Subband Band)>();
        foreach (var resolution in component.Resolutions)
            foreach (var precinct in resolution.Precincts)
                foreach (var band in precinct.Bands)
                    foreach (var block in band.Blocks)
                        if (block.Passes > 0) work.Add((block, band.Band));
        if (component.Width * component.Height < ParallelThreshold || Environment.ProcessorCount == 1)
        {
            var worker = Tier1Worker.ForThisThread;
            foreach (var (block, band) in work) worker.Decode(component, block, band, body, ints, floats);
            return;
        }
        try
        {
            Parallel.For(0, work.Count, () => Tier1Worker.ForThisThread, (i, _, worker) =>
            {
                worker.Decode(component, work[i].Block, work[i].Band, body, ints, floats);
                return worker;
            }, _ => { });
        }
        catch (AggregateException e) when (e.InnerExceptions[0] is Jpeg2000FormatException format)
        {
            throw new Jpeg2000FormatException(format.Message);
        }
    }

    /// <summary>One thread's tier-1 decoder and the buffer that joins a code-block's chunks.</summary>
    private sealed class Tier1Worker
    {
        [ThreadStatic] private static Tier1Worker? _ofThisThread;

        /// <summary>One worker per thread, kept: its buffers (about 60 KB) are reused by every frame.</summary>
        public static Tier1Worker ForThisThread => _ofThisThread ??= new Tier1Worker();

        private readonly CodeBlockDecoder _decoder = new();
        private byte[] _joined = new byte[4096];

        public void Decode(TileComponent component, CodeBlock block, Subband band, byte[] body, int[]? ints, float[]? floats)
        {
            int shift = component.RegionShift;
            int bitPlanes = band.MagnitudeBits - block.ZeroBitPlanes + shift;
            if (bitPlanes > 30) throw new Jpeg2000FormatException($"a code-block has {bitPlanes} bit-planes (at most 30 are decoded)");
            byte[] data = body;
            int start = block.ChunkCount > 0 ? block.ChunkOffsets[0] : 0;
            if (block.ChunkCount > 1)
            {
                if (_joined.Length < block.DataLength) _joined = new byte[Math.Max(block.DataLength, 2 * _joined.Length)];
                int at = 0;
                for (int i = 0; i < block.ChunkCount; i++)
                {
                    body.AsSpan(block.ChunkOffsets[i], block.ChunkLengths[i]).CopyTo(_joined.AsSpan(at));
                    at += block.ChunkLengths[i];
                }
                data = _joined;
                start = 0;
            }
            int w = block.X1 - block.X0, h = block.Y1 - block.Y0;
            _decoder.Decode(data, start, block.SegmentPasses.AsSpan(0, block.SegmentCount), block.SegmentLengths.AsSpan(0, block.SegmentCount),
                w, h, bitPlanes, band.Orientation, component.Coding.Style);
            var coefficients = _decoder.Coefficients;
            int stride = component.Width;
            int origin = (band.BufferY + block.Y0 - band.Y0) * stride + band.BufferX + block.X0 - band.X0;
            // Region of interest (max-shift): coefficients at or above 2^shift were shifted up; bring them back down.
            int threshold = shift > 0 ? 1 << shift : int.MaxValue;
            float halfStep = 0.5f * band.StepSize;
            for (int y = 0; y < h; y++)
            {
                var row = coefficients.Slice(y * w, w);
                int at = origin + y * stride;
                for (int x = 0; x < w; x++)
                {
                    int v = row[x];
                    if (shift > 0)
                    {
                        int magnitude = Math.Abs(v);
                        if (magnitude >= threshold) v = v < 0 ? -(magnitude >> shift) : magnitude >> shift;
                    }
                    // The coefficients carry one fractional bit: halve (reversible) or scale by half the step (irreversible).
                    if (ints is not null) ints[at + x] = v / 2;
                    else floats![at + x] = v * halfStep;
                }
            }
        }
    }
}
