using System.Runtime.ExceptionServices;
using System.Text;
using NativeSeg.Evaluation.Metrics;
using NativeSeg.Evaluation.Roc;
using NativeSeg.Imaging.Postprocessing;
using NativeSeg.IO;
using NativeSeg.IO.Datasets;
using NativeSeg.IO.Nifti;
using NativeSeg.IO.Volumes;

namespace NativeSeg.Evaluation.Report;

/// <summary>The volumes of one case. Prediction or probabilities (or both) must be present.</summary>
public sealed record LoadedCase(Volume<float> Ct, Volume<byte> Reference, Volume<byte>? Prediction, Volume<float>? Probabilities);

/// <summary>A case to evaluate; <see cref="Load"/> is called once, so only the cases being evaluated are in memory.</summary>
public sealed record EvaluationInput(string Id, string Group, Func<LoadedCase> Load);

/// <summary>
/// <c>nativeseg evaluate</c>: evaluates every case of a manifest and writes, into the output folder, <c>cases.csv</c>,
/// <c>report.md</c> (figures beside it), <c>report.html</c> (self-contained) and the figure files
/// <c>roc.svg</c>, <c>box_&lt;metric&gt;.svg</c> and <c>overlay_&lt;group&gt;_{best,median,worst}.png</c>.
/// </summary>
public static class EvaluationReport
{
    public const string CasesFile = "cases.csv";
    public const string MarkdownFile = "report.md";
    public const string HtmlFile = "report.html";

    /// <summary>
    /// Evaluates the manifest's cases that have a reference mask (<c>mask</c>) and a prediction (<c>prediction</c> and/or
    /// <c>probabilities</c>), all NIfTI on the CT's grid; other cases are listed as skipped. Unreadable files throw
    /// <see cref="InvalidInputException"/> naming the file.
    /// </summary>
    public static EvaluationSummary Run(DatasetManifest manifest, string outputFolder, EvaluationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var inputs = new List<EvaluationInput>();
        var skipped = new List<SkippedCase>();
        foreach (var c in manifest.Cases)
        {
            if (string.IsNullOrWhiteSpace(c.Mask))
                skipped.Add(new SkippedCase(c.Id, "no reference mask"));
            else if (string.IsNullOrWhiteSpace(c.Prediction) && string.IsNullOrWhiteSpace(c.Probabilities))
                skipped.Add(new SkippedCase(c.Id, "no prediction or probability map"));
            else
                inputs.Add(new EvaluationInput(c.Id, c.Group, () => LoadNifti(manifest, c)));
        }
        return Run(inputs, outputFolder, options, skipped);
    }

    /// <summary>Evaluates the given cases and writes the report (see the class summary).</summary>
    public static EvaluationSummary Run(IReadOnlyList<EvaluationInput> inputs, string outputFolder, EvaluationOptions? options = null,
        IReadOnlyList<SkippedCase>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputFolder);
        options ??= new EvaluationOptions();
        Directory.CreateDirectory(outputFolder);

        var evaluated = new (CaseResult Case, RocHistogram Roc)[inputs.Count];
        void EvaluateCase(int i)
        {
            var input = inputs[i];
            var loaded = input.Load();
            var evaluation = CaseEvaluator.Evaluate(loaded.Ct, loaded.Reference, loaded.Prediction, loaded.Probabilities, options);
            OverlaySlice? overlay = options.WriteOverlays
                ? OverlaySlice.FromVolumes(loaded.Ct, loaded.Reference, loaded.Prediction ?? LungPostprocessor.Threshold(loaded.Probabilities!, options.ProbabilityThreshold))
                : null;
            evaluated[i] = (new CaseResult(input.Id, input.Group, evaluation.Metrics, overlay), evaluation.Roc);
        }
        if (options.MaxParallelCases <= 1)
        {
            for (int i = 0; i < inputs.Count; i++) EvaluateCase(i);
        }
        else
        {
            try
            {
                Parallel.For(0, inputs.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxParallelCases }, EvaluateCase);
            }
            catch (AggregateException e)
            {
                // Surface the first case's own exception (an InvalidInputException naming the file), not the wrapper.
                ExceptionDispatchInfo.Capture(e.Flatten().InnerExceptions[0]).Throw();
                throw;
            }
        }

        var summary = EvaluationSummary.Build(evaluated, skipped ?? [], Path.GetFullPath(outputFolder), options.RocBins);
        var blocks = ReportBuilder.Build(summary, options);
        var files = new List<string>();
        void Write(string name, byte[] bytes)
        {
            string path = Path.Combine(outputFolder, name);
            File.WriteAllBytes(path, bytes);
            files.Add(Path.GetFullPath(path));
        }
        var utf8 = new UTF8Encoding(false);
        Write(CasesFile, utf8.GetBytes(CaseCsvWriter.Write(summary.Cases)));
        foreach (var figure in blocks.OfType<FigureRow>().SelectMany(r => r.Figures))
            Write(figure.FileName, figure.Png ?? utf8.GetBytes(figure.Svg ?? ""));
        Write(MarkdownFile, utf8.GetBytes(MarkdownRenderer.Render(blocks)));
        Write(HtmlFile, utf8.GetBytes(HtmlRenderer.Render("NativeSeg evaluation", blocks)));
        return summary with { Files = files };
    }

    private static LoadedCase LoadNifti(DatasetManifest manifest, DatasetCase c)
    {
        var ct = CtReader.Read(manifest.Resolve(c.Ct));
        var reference = LoadOnGrid(manifest.Resolve(c.Mask!), ct.Grid, NiftiReader.ReadMask);
        var prediction = string.IsNullOrWhiteSpace(c.Prediction) ? null : LoadOnGrid(manifest.Resolve(c.Prediction), ct.Grid, NiftiReader.ReadMask);
        var probabilities = string.IsNullOrWhiteSpace(c.Probabilities) ? null : LoadOnGrid(manifest.Resolve(c.Probabilities), ct.Grid, NiftiReader.ReadFloat);
        if (probabilities is not null)
        {
            foreach (float p in probabilities.Voxels)
                if (!(p >= 0f && p <= 1f))
                    throw new InvalidInputException(manifest.Resolve(c.Probabilities!), $"a probability map must hold values in [0, 1], found {p}.");
        }
        return new LoadedCase(ct, reference, prediction, probabilities);
    }

    private static Volume<T> LoadOnGrid<T>(string path, Grid ctGrid, Func<string, Volume<T>> read) where T : unmanaged
    {
        // Same voxels in another index order (a dcm2niix mask of a DICOM series) are reordered; anything else is refused.
        return VolumeAlignment.OntoGrid(read(path), ctGrid, path);
    }

}
