using NativeSeg.Imaging.Morphology;
using NativeSeg.IO.Volumes;
using NativeSeg.Simulation.Lesions;
using NativeSeg.Simulation.Noise;
using NativeSeg.Simulation.Randomness;

namespace NativeSeg.Simulation.Phantoms;

/// <summary>
/// Builds a fully synthetic chest CT: body outline, subcutaneous fat, muscle, ribs, sternum and spine, heart, aorta,
/// oesophagus and mediastinal fat, trachea and main bronchi, both lungs with branching vessels, the upper abdomen under
/// the diaphragm domes. Steps: classify every voxel centre (<see cref="ChestAnatomy"/>), paint vessels into the lungs
/// with partial volume,
/// turn labels into HU with a smooth ±6 HU texture (±12 HU in lung), blur in-plane with the [1 2 1]/4 binomial on
/// both axes (partial volume at edges), add white Gaussian noise, and optionally simulate COVID-19 lesions.
/// Orientation: i → patient left, j → posterior, k → superior, RAS affine diag(−Δx, −Δy, +Δz): the index layout of an
/// axial DICOM series (image left = patient right, image top = anterior) written with a proper RAS affine.
/// </summary>
public static class ChestPhantom
{
    private const ulong StreamTexture = 301, StreamNoise = 302;

    public static Phantom Generate(PhantomOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int nx = options.SizeX, ny = options.SizeY, nz = options.SizeZ;
        double sx = options.FieldOfViewMm / nx, sy = options.FieldOfViewMm / ny, sz = options.ScanLengthMm / nz;
        double cx = (nx - 1) / 2.0, cy = (ny - 1) / 2.0, cz = (nz - 1) / 2.0;
        var affine = new Affine(new double[,] { { -sx, 0, 0, cx * sx }, { 0, -sy, 0, cy * sy }, { 0, 0, sz, -cz * sz } });
        var grid = new Grid(nx, ny, nz, affine);
        ulong seed = options.Seed;
        var anatomy = new ChestAnatomy(seed);

        double L(int i) => (i - cx) * sx;
        double P(int j) => (j - cy) * sy;
        double S(int k) => (k - cz) * sz;

        var tissues = new byte[grid.VoxelCount];
        Parallel.For(0, nz, k =>
        {
            double s = S(k);
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                    tissues[grid.Index(i, j, k)] = (byte)anatomy.Classify(L(i), P(j), s);
        });

        KeepOneLungPerSide(tissues, grid, cx);
        var vessels = VesselTree.Grow(seed, anatomy.VesselRoots());
        var vesselFraction = PaintVessels(vessels, tissues, grid, sx, sy, sz, cx, cy, cz);

        var texture = new FractalNoise(seed, StreamTexture, 24, 3, 0.5,
            (L(0) - 1, P(0) - 1, S(0) - 1), (L(nx - 1) + 1, P(ny - 1) + 1, S(nz - 1) + 1));
        var hu = new float[grid.VoxelCount];
        Parallel.For(0, nz, k =>
        {
            double s = S(k);
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++)
                {
                    int g = grid.Index(i, j, k);
                    var tissue = (Tissue)tissues[g];
                    double value = anatomy.Density(tissue, L(i), P(j));
                    if (tissue is Tissue.Lung or Tissue.Vessel)
                    {
                        double lungValue = anatomy.Density(Tissue.Lung, L(i), P(j));
                        value = lungValue + vesselFraction[g] * (Tissue.Vessel.NominalHu() - lungValue);
                    }
                    if (tissue is not (Tissue.Air or Tissue.AirwayLumen))
                        value += (tissue == Tissue.Lung ? 12 : 6) * texture.Sample(L(i), P(j), s);
                    hu[g] = (float)value;
                }
        });
        BlurInPlane(hu, nx, ny, nz);
        if (options.NoiseSd > 0)
            Parallel.For(0, nz, k =>
            {
                int start = k * nx * ny;
                for (int g = start; g < start + nx * ny; g++)
                    hu[g] += (float)(options.NoiseSd * StatelessRandom.Gaussian(StatelessRandom.Hash(seed, StreamNoise, g)));
            });

        var lung = new byte[grid.VoxelCount];
        for (int g = 0; g < lung.Length; g++)
            lung[g] = tissues[g] is (byte)Tissue.Lung or (byte)Tissue.Vessel ? (byte)1 : (byte)0;

        var ct = new Volume<float>(grid, hu);
        var mask = new Volume<byte>(grid, lung);
        var tissueVolume = new Volume<byte>(grid, tissues);
        if (options.Covid is null) return new Phantom(ct, mask, tissueVolume, null);
        var lesionOptions = options.Covid with { NoiseSd = options.Covid.NoiseSd ?? options.NoiseSd };
        var covid = LesionSimulator.Simulate(ct, mask, lesionOptions);
        return new Phantom(ct, mask, tissueVolume, covid);
    }

    /// <summary>
    /// On coarse grids the analytic lung can leave small islands (at the apex, beside the heart); a lung mask is two
    /// lungs, so only the largest lung component on each side of the midline stays lung, the rest becomes mediastinal fat.
    /// </summary>
    private static void KeepOneLungPerSide(byte[] tissues, Grid grid, double cx)
    {
        var lung = new byte[tissues.Length];
        for (int v = 0; v < lung.Length; v++) lung[v] = tissues[v] == (byte)Tissue.Lung ? (byte)1 : (byte)0;
        var components = ConnectedComponents3D.Find(lung, grid.SizeX, grid.SizeY, grid.SizeZ, facesOnly: true);
        var labels = components.Labels; // 1-based, 0 = not lung
        var sumX = new double[components.Count + 1];
        for (int v = 0; v < labels.Length; v++)
            if (labels[v] > 0) sumX[labels[v]] += v % grid.SizeX;
        int bestLeft = -1, bestRight = -1;
        for (int c = 1; c <= components.Count; c++)
        {
            long size = components.Sizes[c - 1];
            bool left = sumX[c] / size > cx; // index i runs to the patient's left
            ref int best = ref left ? ref bestLeft : ref bestRight;
            if (best < 0 || size > components.Sizes[best - 1]) best = c;
        }
        for (int v = 0; v < labels.Length; v++)
            if (labels[v] > 0 && labels[v] != bestLeft && labels[v] != bestRight) tissues[v] = (byte)Tissue.MediastinalFat;
    }

    /// <summary>
    /// Paints vessels into lung voxels with partial volume: a voxel's vessel fraction falls linearly from 1 to 0 as the
    /// distance to the vessel axis goes from r − h to r + h (h = half the in-plane spacing), taking the largest
    /// fraction over vessels. Thick slices average over their thickness, so the distance is also measured from points
    /// ±(Δz − Δx)/2 off the voxel centre along z, and the smallest counts. Lung voxels with a fraction ≥ 0.5 are
    /// labelled <see cref="Tissue.Vessel"/>. Parallel over slices: each slice is written by one thread only.
    /// </summary>
    private static float[] PaintVessels(List<Capsule> vessels, byte[] tissues, Grid grid, double sx, double sy, double sz,
        double cx, double cy, double cz)
    {
        int nx = grid.SizeX, ny = grid.SizeY, nz = grid.SizeZ;
        double h = 0.5 * Math.Max(sx, sy);
        double slab = Math.Max(0, (sz - Math.Min(sx, sy)) / 2);
        var fraction = new float[grid.VoxelCount];
        Parallel.For(0, nz, k =>
        {
            double s = (k - cz) * sz;
            foreach (var vessel in vessels)
            {
                double reach = vessel.Radius + h;
                if (s < Math.Min(vessel.A.S, vessel.B.S) - reach - slab || s > Math.Max(vessel.A.S, vessel.B.S) + reach + slab) continue;
                int i0 = Math.Max(0, (int)Math.Floor((Math.Min(vessel.A.L, vessel.B.L) - reach) / sx + cx));
                int i1 = Math.Min(nx - 1, (int)Math.Ceiling((Math.Max(vessel.A.L, vessel.B.L) + reach) / sx + cx));
                int j0 = Math.Max(0, (int)Math.Floor((Math.Min(vessel.A.P, vessel.B.P) - reach) / sy + cy));
                int j1 = Math.Min(ny - 1, (int)Math.Ceiling((Math.Max(vessel.A.P, vessel.B.P) + reach) / sy + cy));
                for (int j = j0; j <= j1; j++)
                    for (int i = i0; i <= i1; i++)
                    {
                        int g = grid.Index(i, j, k);
                        if (tissues[g] is not ((byte)Tissue.Lung or (byte)Tissue.Vessel)) continue;
                        double l = (i - cx) * sx, p = (j - cy) * sy;
                        double d = vessel.DistanceToAxis(l, p, s);
                        if (slab > 0) d = Math.Min(d, Math.Min(vessel.DistanceToAxis(l, p, s - slab), vessel.DistanceToAxis(l, p, s + slab)));
                        float f = (float)Math.Clamp((vessel.Radius + h - d) / (2 * h), 0, 1);
                        if (f > fraction[g]) fraction[g] = f;
                    }
            }
        });
        for (int g = 0; g < fraction.Length; g++)
            if (fraction[g] >= 0.5f && tissues[g] == (byte)Tissue.Lung) tissues[g] = (byte)Tissue.Vessel;
        return fraction;
    }

    /// <summary>[1 2 1]/4 along x, then along y, in every slice; edges replicate the border voxel.</summary>
    private static void BlurInPlane(float[] v, int nx, int ny, int nz)
    {
        Parallel.For(0, nz, k =>
        {
            var line = new float[Math.Max(nx, ny)];
            int start = k * nx * ny;
            for (int j = 0; j < ny; j++)
            {
                int row = start + j * nx;
                for (int i = 0; i < nx; i++) line[i] = v[row + i];
                for (int i = 0; i < nx; i++)
                    v[row + i] = 0.25f * line[Math.Max(i - 1, 0)] + 0.5f * line[i] + 0.25f * line[Math.Min(i + 1, nx - 1)];
            }
            for (int i = 0; i < nx; i++)
            {
                for (int j = 0; j < ny; j++) line[j] = v[start + j * nx + i];
                for (int j = 0; j < ny; j++)
                    v[start + j * nx + i] = 0.25f * line[Math.Max(j - 1, 0)] + 0.5f * line[j] + 0.25f * line[Math.Min(j + 1, ny - 1)];
            }
        });
    }
}
