namespace NativeSeg.Imaging.Morphology;

/// <summary>
/// Exact Euclidean distance transform with anisotropic spacing (Felzenszwalb and Huttenlocher, "Distance Transforms of
/// Sampled Functions", 2012): three separable passes of a 1D squared-distance transform computed as the lower
/// envelope of parabolas. Linear time in the voxel count; lines of one pass are independent and run in parallel.
/// </summary>
public static class DistanceTransform
{
    /// <summary>
    /// For each voxel with <paramref name="inside"/> set, the distance in mm to the centre of the nearest voxel that is
    /// not inside; 0 for voxels outside. Voxels beyond the array count as outside only if the caller padded the array
    /// with an outside border (callers pad by one voxel).
    /// </summary>
    public static float[] DistanceToOutside(bool[] inside, int nx, int ny, int nz, double sx, double sy, double sz)
    {
        if (inside.Length != nx * ny * nz) throw new ArgumentException("inside does not match the sizes", nameof(inside));
        var f = new double[inside.Length];
        for (int i = 0; i < f.Length; i++) f[i] = inside[i] ? double.PositiveInfinity : 0;

        int sliceLength = nx * ny;
        // Pass along x: one line per (y, z).
        Parallel.For(0, ny * nz, () => new LineBuffers(nx), (line, _, buffers) =>
        {
            int start = line * nx;
            TransformLine(f, start, 1, nx, sx * sx, buffers);
            return buffers;
        }, _ => { });
        // Pass along y: one line per (x, z).
        Parallel.For(0, nx * nz, () => new LineBuffers(ny), (line, _, buffers) =>
        {
            int x = line % nx, z = line / nx;
            TransformLine(f, x + z * sliceLength, nx, ny, sy * sy, buffers);
            return buffers;
        }, _ => { });
        // Pass along z: one line per (x, y).
        Parallel.For(0, sliceLength, () => new LineBuffers(nz), (line, _, buffers) =>
        {
            TransformLine(f, line, sliceLength, nz, sz * sz, buffers);
            return buffers;
        }, _ => { });

        var distance = new float[f.Length];
        for (int i = 0; i < f.Length; i++) distance[i] = (float)Math.Sqrt(f[i]);
        return distance;
    }

    private sealed class LineBuffers(int n)
    {
        public readonly double[] Values = new double[n];
        public readonly int[] Vertices = new int[n];
        public readonly double[] Boundaries = new double[n + 1];
    }

    /// <summary>In place: d(p) = min over q of w·(p − q)² + f(q), along one strided line of n samples.</summary>
    private static void TransformLine(double[] data, int start, int stride, int n, double weight, LineBuffers b)
    {
        var f = b.Values;
        for (int q = 0; q < n; q++) f[q] = data[start + q * stride];
        var v = b.Vertices;
        var z = b.Boundaries;
        int k = -1;
        for (int q = 0; q < n; q++)
        {
            if (double.IsPositiveInfinity(f[q])) continue; // a parabola at infinity never enters the envelope
            double s = 0;
            while (k >= 0)
            {
                // Intersection of the parabola rooted at q with the one rooted at v[k].
                int r = v[k];
                s = ((f[q] + weight * q * q) - (f[r] + weight * r * r)) / (2 * weight * (q - r));
                if (s <= z[k]) k--;
                else break;
            }
            k++;
            v[k] = q;
            z[k] = k == 0 ? double.NegativeInfinity : s;
            z[k + 1] = double.PositiveInfinity;
        }
        if (k < 0) return; // every sample is infinite: nothing to propagate along this line
        int j = 0;
        for (int q = 0; q < n; q++)
        {
            while (z[j + 1] < q) j++;
            int r = v[j];
            data[start + q * stride] = weight * (q - r) * (q - r) + f[r];
        }
    }
}
