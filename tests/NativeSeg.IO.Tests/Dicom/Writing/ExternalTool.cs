using System.Diagnostics;

namespace NativeSeg.IO.Tests.Dicom.Writing;

/// <summary>
/// Runs a Debian reference tool (dciodvfy, dcmdump, /usr/bin/python3 with pydicom) with a time limit. A missing tool
/// fails the test: CI installs them in .ci/run, so a skip would hide a broken check.
/// </summary>
internal static class ExternalTool
{
    public sealed record Result(int ExitCode, string Out, string Err)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Out}\n--- stderr ---\n{Err}";
    }

    public static Result Run(string program, params string[] arguments) => Run(program, TimeSpan.FromMinutes(2), arguments);

    public static Result Run(string program, TimeSpan limit, params string[] arguments)
    {
        var info = new ProcessStartInfo(program, arguments)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Assert.Fail($"{program} is not installed ({e.Message}); .ci/run installs dicom3tools, dcmtk, python3-pydicom and python3-nibabel.");
            throw;
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(limit))
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"{program} did not finish within {limit.TotalSeconds} s.");
            }
            process.WaitForExit();
            return new Result(process.ExitCode, output.Result, error.Result);
        }
    }
}
