using BenchmarkDotNet.Attributes;
using NativeSeg.Imaging.Geometry;
using NativeSeg.IO;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Benchmarks.Imaging;

/// <summary>
/// What segmenting a non-axial or tilted input costs on top of an axial one, on LCTSC Case_009 (512×512×117):
/// reorienting the CT to the axial order (here from the NIfTI's LAS, and from a sagittal-first order) and the mask back,
/// and untilting a 15° tilted copy (the same voxels, the slice axis sheared) and retilting its mask.
/// Run: dotnet run -c Release --project benchmarks/NativeSeg.Benchmarks -- --filter '*InputGeometry*'
/// </summary>
[MemoryDiagnoser]
public class InputGeometryBenchmarks
{
    private Volume<float> _las = null!;
    private Volume<float> _sagittal = null!;
    private Volume<float> _tilted = null!;
    private AxialReorientation _fromLas = null!;
    private AxialReorientation _fromSagittal = null!;
    private GantryTiltCorrection _tilt = null!;
    private Volume<byte> _axialMask = null!;
    private Volume<byte> _sagittalAxialMask = null!;
    private Volume<byte> _untiltedMask = null!;

    [GlobalSetup]
    public void Setup()
    {
        _las = CtReader.Read(SharedDataFolder.Path("lctsc", "Case_009_ct.nii.gz"));
        _fromLas = AxialReorientation.For(_las.Grid);
        var a = _las.Grid.Affine;
        // Sagittal-first: index axis 0 reads the slices (z), axis 2 the columns (x).
        var g = _las.Grid;
        var sagittal = new double[3, 4];
        for (int r = 0; r < 3; r++)
        {
            (sagittal[r, 0], sagittal[r, 1], sagittal[r, 2], sagittal[r, 3]) = (a[r, 2], a[r, 1], a[r, 0], a[r, 3]);
        }
        var voxels = new float[g.VoxelCount];
        for (int z = 0; z < g.SizeZ; z++)
            for (int y = 0; y < g.SizeY; y++)
                for (int x = 0; x < g.SizeX; x++)
                    voxels[z + g.SizeZ * (y + g.SizeY * x)] = _las[x, y, z];
        _sagittal = new Volume<float>(new Grid(g.SizeZ, g.SizeY, g.SizeX, new Affine(sagittal)), voxels);
        _fromSagittal = AxialReorientation.For(_sagittal.Grid);

        var tilted = new double[3, 4];
        double rowsPerSlice = 3 * Math.Tan(15 * Math.PI / 180) / a.Spacing(1);
        for (int r = 0; r < 3; r++)
            for (int c = 0; c < 4; c++)
                tilted[r, c] = a[r, c] + (c == 2 ? rowsPerSlice * a[r, 1] : 0);
        _tilted = new Volume<float>(new Grid(g.SizeX, g.SizeY, g.SizeZ, new Affine(tilted)), _las.Voxels);
        _tilt = GantryTiltCorrection.For(_tilted.Grid)!;

        _axialMask = new Volume<byte>(_fromLas.Axial);
        _sagittalAxialMask = new Volume<byte>(_fromSagittal.Axial);
        _untiltedMask = new Volume<byte>(_tilt.Untilted);
    }

    [Benchmark]
    public float ReorientLasCtToAxial() => _fromLas.ToAxial(_las).Voxels[0];

    [Benchmark]
    public float ReorientSagittalCtToAxial() => _fromSagittal.ToAxial(_sagittal).Voxels[0];

    [Benchmark]
    public byte ReorientMaskBackToSagittal() => _fromSagittal.FromAxial(_sagittalAxialMask).Voxels[0];

    [Benchmark]
    public byte ReorientMaskBackToLas() => _fromLas.FromAxial(_axialMask).Voxels[0];

    [Benchmark]
    public float UntiltCt15Degrees() => _tilt.Untilt(_tilted).Voxels[0];

    [Benchmark]
    public byte RetiltMask15Degrees() => _tilt.Retilt(_untiltedMask).Voxels[0];
}
