using System.Text;

namespace NativeSeg.IO.Tests.Fuzzing;

/// <summary>
/// Rewrites one line of a NRRD header (the text up to the first empty line): a field's value set to a boundary or
/// absurd value, the line dropped, or the line repeated. The data after the header is left as it is.
/// </summary>
internal static class NrrdFieldEdit
{
    private static readonly Dictionary<string, string[]> Values = new(StringComparer.Ordinal)
    {
        ["type"] = ["short", "ushort", "float", "double", "uchar", "int", "block", "long long", "", "short int"],
        ["dimension"] = ["0", "1", "2", "4", "-3", "99", "2147483647"],
        ["sizes"] = ["24 24", "24 24 4 1", "0 24 4", "-24 24 4", "24 24 400000", "65536 65536 65536", "2147483647 2 2", "24 24 x"],
        ["space directions"] = ["(0,0,0) (0,4,0) (0,0,4)", "(nan,0,0) (0,4,0) (0,0,4)", "(1e30,0,0) (0,4,0) (0,0,4)", "(4,0,0) (4,0,0) (0,0,4)",
                                "none (0,4,0) (0,0,4)", "(4,0,0) (0,4,0)", "(4,0) (0,4,0) (0,0,4)", "(0,0,4) (4,0,0) (0,4,0)", "(4,0,0)(0,4,0)(0,0,4)"],
        ["space origin"] = ["(0,0,0)", "(1e300,0,0)", "(inf,0,0)", "(1,2)", "0,0,0", "()"],
        ["space"] = ["right-anterior-superior", "left-anterior-superior", "scanner-xyz", "3D-right-handed", "RAS", ""],
        ["encoding"] = ["raw", "gzip", "ascii", "hex", "bzip2", "zip"],
        ["endian"] = ["big", "little", "middle", ""],
        ["byte skip"] = ["-1", "0", "1", "100000000", "-2"],
        ["line skip"] = ["0", "1", "1000000", "-1"],
        ["data file"] = ["nosuch.raw", "LIST", "slice%03d.raw 0 3 1", "/dev/zero"],
    };

    /// <summary>Edits one header line; the description names it. Null when the bytes hold no NRRD header.</summary>
    public static string? Apply(ref byte[] bytes, Random random)
    {
        if (bytes.Length < 8 || !bytes.AsSpan(0, 4).SequenceEqual("NRRD"u8)) return null;
        int end = bytes.AsSpan().IndexOf("\n\n"u8);
        if (end < 0) return null;
        var lines = Encoding.Latin1.GetString(bytes, 0, end).Split('\n').ToList();
        string description;
        int pick = 1 + random.Next(lines.Count - 1);
        switch (random.Next(8))
        {
            case 0:
                description = $"header line \"{lines[pick]}\" dropped";
                lines.RemoveAt(pick);
                break;
            case 1:
                description = $"header line \"{lines[pick]}\" repeated";
                lines.Insert(pick, lines[pick]);
                break;
            default:
                var keys = Values.Keys.ToArray();
                string key = keys[random.Next(keys.Length)];
                string value = Values[key][random.Next(Values[key].Length)];
                int at = lines.FindIndex(l => l.StartsWith(key + ":", StringComparison.Ordinal));
                if (at < 0) lines.Insert(1 + random.Next(lines.Count - 1), $"{key}: {value}");
                else lines[at] = $"{key}: {value}";
                description = $"NRRD {key}: {value}";
                break;
        }
        bytes = [.. Encoding.Latin1.GetBytes(string.Join('\n', lines)), .. bytes.AsSpan(end)];
        return description;
    }
}
