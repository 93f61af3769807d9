using BenchmarkDotNet.Attributes;
using NativeSeg.Imaging.Postprocessing;
using NativeSeg.Imaging.Preprocessing;
using NativeSeg.IO;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Benchmarks.Imaging;

/// <summary>
/// The segmentation pipeline's post-processing on LCTSC Case_009 (512×512×117, 30.7 M voxels): probabilities outside
/// the CT's body set to 0 (`BodyMask.ZeroOutside`, what the pipeline runs; after the first call the outside is already
/// 0, as it mostly is for a network's output), and the lung post-processing (threshold, keep the lung components, fill 3D holes, split right/left) of a
/// probability map, here the reference lung mask as 0/1 probabilities with a few stray blobs added (what a network
/// output looks like to these steps). Target (issue 15): the two together ≤ 0.5 s on the 2-core machine.
/// Run: dotnet run -c Release --project benchmarks/NativeSeg.Benchmarks -- --filter '*Postprocessing*'
/// </summary>
[MemoryDiagnoser]
public class PostprocessingBenchmarks
{
    private Volume<float> _ct = null!;
    private Volume<float> _probabilities = null!;
    private Volume<float> _bodyValues = null!; // ZeroOutside's own copy: the lung benchmark keeps its stray blobs

    [GlobalSetup]
    public void Setup()
    {
        _ct = CtReader.Read(SharedDataFolder.Path("lctsc", "Case_009_ct.nii.gz"));
        var mask = VolumeAlignment.OntoGrid(NiftiReader.ReadMask(SharedDataFolder.Path("lctsc", "Case_009_lungmask.nii.gz")), _ct.Grid, "mask");
        var p = new float[mask.Voxels.Length];
        for (int i = 0; i < p.Length; i++) p[i] = mask.Voxels[i] != 0 ? 0.97f : 0.02f;
        var random = new Random(1);
        for (int blob = 0; blob < 200; blob++)
        {
            int x = random.Next(_ct.Grid.SizeX - 3), y = random.Next(_ct.Grid.SizeY - 3), z = random.Next(_ct.Grid.SizeZ);
            for (int dy = 0; dy < 3; dy++)
                for (int dx = 0; dx < 3; dx++) p[_ct.Grid.Index(x + dx, y + dy, z)] = 0.8f;
        }
        _probabilities = new Volume<float>(_ct.Grid, p);
        _bodyValues = new Volume<float>(_ct.Grid, (float[])p.Clone());
    }

    [Benchmark]
    public float ZeroOutsideBodyCase009()
    {
        BodyMask.ZeroOutside(_ct, _bodyValues);
        return _bodyValues.Voxels[0];
    }

    [Benchmark]
    public int LungPostprocessingCase009() =>
        LungPostprocessor.Process(_probabilities, new LungPostprocessingOptions { SplitLeftRight = true }).Voxels[0];
}
