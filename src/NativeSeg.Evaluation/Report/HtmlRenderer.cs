using System.Text;

namespace NativeSeg.Evaluation.Report;

/// <summary>One self-contained HTML file: inline CSS, SVG inline, PNG as data URIs; no scripts, nothing fetched.</summary>
public static class HtmlRenderer
{
    private const string Style = """
        body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: .2em; }
        table { border-collapse: collapse; margin: 1em 0; font-size: 0.88em; }
        th, td { border-top: 1px solid #ccc; border-bottom: 1px solid #ccc; padding: .35em .7em; text-align: right; vertical-align: top; }
        th:first-child, td:first-child { text-align: left; }
        th { background: #f3f3f3; } tr:nth-child(even) td { background: #fafafa; }
        .figures { display: flex; flex-wrap: wrap; gap: 1.2em; } figure { margin: 0; }
        figcaption { font-size: .85em; color: #555; max-width: 520px; } figure img { width: 520px; height: auto; }
        p, li { line-height: 1.45; max-width: 60em; } .sub { color: #666; font-size: .9em; }
        """;

    public static string Render(string title, IEnumerable<ReportBlock> blocks)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html>").AppendLine("<html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.Append("<title>").Append(Format.Html(title)).AppendLine("</title>");
        html.Append("<style>").Append(Style).AppendLine("</style></head><body>");
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h:
                    html.Append($"<h{h.Level}>").Append(Format.Html(h.Text)).AppendLine($"</h{h.Level}>");
                    break;
                case Paragraph p:
                    html.Append("<p>").Append(Format.Html(p.Text)).AppendLine("</p>");
                    break;
                case BulletList list:
                    html.AppendLine("<ul>");
                    foreach (var item in list.Items) html.Append("<li>").Append(Format.Html(item)).AppendLine("</li>");
                    html.AppendLine("</ul>");
                    break;
                case Table t:
                    html.Append("<table><thead><tr>");
                    foreach (var header in t.Headers) html.Append("<th>").Append(Cell(header)).Append("</th>");
                    html.AppendLine("</tr></thead><tbody>");
                    foreach (var row in t.Rows)
                    {
                        html.Append("<tr>");
                        foreach (var cell in row) html.Append("<td>").Append(Cell(cell)).Append("</td>");
                        html.AppendLine("</tr>");
                    }
                    html.AppendLine("</tbody></table>");
                    break;
                case FigureRow row:
                    html.AppendLine("<div class=\"figures\">");
                    foreach (var f in row.Figures)
                    {
                        html.Append("<figure>");
                        if (f.Svg is not null)
                            html.Append(f.Svg);
                        else if (f.Png is not null)
                            html.Append("<img alt=\"").Append(Format.Html(f.Caption)).Append("\" src=\"data:image/png;base64,")
                                .Append(Convert.ToBase64String(f.Png)).Append("\">");
                        if (f.CaptionVisible)
                            html.Append("<figcaption>").Append(Format.Html(f.Caption)).Append("</figcaption>");
                        html.AppendLine("</figure>");
                    }
                    html.AppendLine("</div>");
                    break;
            }
        }
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    /// <summary>The first line of a cell as is, further lines smaller and grey (medians and ranges under the mean ± SD).</summary>
    private static string Cell(string text)
    {
        string[] lines = text.Split('\n');
        return Format.Html(lines[0]) + string.Concat(lines.Skip(1).Select(l => "<br><span class=\"sub\">" + Format.Html(l) + "</span>"));
    }
}
