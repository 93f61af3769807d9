using System.Globalization;

namespace NativeSeg.Kernels.Dev;

/// <summary>
/// Options of <c>nativeseg-gpu bench-kernels</c>: <c>--device cuda|ilgpu-cpu</c> (default cuda), <c>--batch N</c>,
/// <c>--height H</c>, <c>--width W</c> (default 17 × 216 × 296: the training batch of 216-row, 296-column slices; on ilgpu-cpu 1 × 8 × 40 so the
/// simulator finishes), <c>--seconds S</c> (the most time spent timing one kernel, default 2), <c>--csv PATH</c>,
/// <c>--dump-ptx DIR</c> (only write every kernel's PTX there, see <see cref="PtxDump"/>).
/// </summary>
public sealed record GpuKernelOptions(string Device, int Batch, int Height, int Width, double SecondsPerKernel, string? CsvPath,
    string? PtxDirectory = null)
{
    public static GpuKernelOptions Parse(string[] args)
    {
        string device = "cuda";
        int? batch = null, height = null, width = null;
        double seconds = 2;
        string? csv = null, ptx = null;
        for (int k = 0; k < args.Length; k++)
        {
            string Value() => k + 1 < args.Length ? args[++k] : throw new ArgumentException($"{args[k]} needs a value");
            int Positive() => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
                ? v : throw new ArgumentException($"{args[k - 1]} needs a positive integer");
            switch (args[k])
            {
                case "--device": device = Value(); break;
                case "--batch": batch = Positive(); break;
                case "--height": height = Positive(); break;
                case "--width": width = Positive(); break;
                case "--seconds":
                    seconds = double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) && s > 0
                        ? s : throw new ArgumentException("--seconds needs a positive number");
                    break;
                case "--csv": csv = Value(); break;
                case "--dump-ptx": ptx = Value(); break;
                default: throw new ArgumentException($"unknown option {args[k]}");
            }
        }
        if (device is not ("cuda" or "ilgpu-cpu"))
            throw new ArgumentException($"--device must be cuda or ilgpu-cpu, not {device}");
        bool simulator = device == "ilgpu-cpu";
        return new GpuKernelOptions(device, batch ?? (simulator ? 1 : 17), height ?? (simulator ? 8 : 216),
            width ?? (simulator ? 40 : 296), seconds, csv, ptx);
    }
}
