using System.Text;

namespace NativeSeg.Evaluation.Report;

/// <summary>GitHub-flavoured Markdown; figures are linked files in the same folder.</summary>
public static class MarkdownRenderer
{
    public static string Render(IEnumerable<ReportBlock> blocks)
    {
        var md = new StringBuilder();
        foreach (var block in blocks)
        {
            switch (block)
            {
                case Heading h:
                    md.Append('#', h.Level).Append(' ').AppendLine(h.Text).AppendLine();
                    break;
                case Paragraph p:
                    md.AppendLine(Escape(p.Text)).AppendLine();
                    break;
                case BulletList list:
                    foreach (var item in list.Items) md.Append("- ").AppendLine(Escape(item));
                    md.AppendLine();
                    break;
                case Table t:
                    md.Append("| ").Append(string.Join(" | ", t.Headers.Select(Cell))).AppendLine(" |");
                    md.Append('|').Append(string.Concat(t.Headers.Select((_, i) => i == 0 ? " :--- |" : " ---: |"))).AppendLine();
                    foreach (var row in t.Rows)
                        md.Append("| ").Append(string.Join(" | ", row.Select(Cell))).AppendLine(" |");
                    md.AppendLine();
                    break;
                case FigureRow row:
                    foreach (var f in row.Figures)
                        md.Append("![").Append(Escape(f.Caption)).Append("](").Append(f.FileName).AppendLine(")  ");
                    md.AppendLine();
                    foreach (var f in row.Figures.Where(f => f.CaptionVisible))
                        md.Append("*").Append(Escape(f.Caption)).AppendLine("*  ");
                    md.AppendLine();
                    break;
            }
        }
        return md.ToString();
    }

    private static string Cell(string text) => Escape(text).Replace("|", "\\|").Replace("\n", "<br>");

    // Only the characters that would start Markdown emphasis or links inside our text.
    private static string Escape(string text) => text.Replace("*", "\\*").Replace("_", "\\_").Replace("[", "\\[");
}
