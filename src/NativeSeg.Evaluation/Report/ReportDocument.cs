namespace NativeSeg.Evaluation.Report;

/// <summary>The report as a list of blocks, rendered alike to Markdown and to self-contained HTML.</summary>
public abstract record ReportBlock;

public sealed record Heading(int Level, string Text) : ReportBlock;

/// <summary>Plain text (no markup); rendered as one paragraph.</summary>
public sealed record Paragraph(string Text) : ReportBlock;

/// <summary>Bulleted items of plain text.</summary>
public sealed record BulletList(IReadOnlyList<string> Items) : ReportBlock;

/// <summary>A table; a cell may contain line breaks ("\n"), rendered as &lt;br&gt;.</summary>
public sealed record Table(IReadOnlyList<string> Headers, IReadOnlyList<IReadOnlyList<string>> Rows) : ReportBlock;

/// <summary>A figure written next to the report as <see cref="FileName"/>; SVG text or PNG bytes are embedded in HTML.</summary>
public sealed record Figure(string FileName, string Caption, string? Svg = null, byte[]? Png = null)
{
    /// <summary>False when the figure carries its own title (the caption is then only alternative text).</summary>
    public bool CaptionVisible { get; init; } = true;
}

/// <summary>Figures side by side.</summary>
public sealed record FigureRow(IReadOnlyList<Figure> Figures) : ReportBlock;
