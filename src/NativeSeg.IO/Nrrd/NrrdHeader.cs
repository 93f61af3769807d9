using System.Globalization;
using NativeSeg.IO.Volumes;

namespace NativeSeg.IO.Nrrd;

/// <summary>How the voxels of a NRRD file are stored (the "encoding" field).</summary>
public enum NrrdEncoding
{
    Raw,
    Gzip,
    Ascii,
}

/// <summary>
/// The fields of a NRRD header that a CT needs (teem's NRRD format, versions NRRD0001–NRRD0005): "type", "dimension",
/// "sizes", "endian", "encoding", "space" with "space directions" and "space origin", "data file", "line skip" and
/// "byte skip". Other fields (kinds, centerings, measurement frame, key:=value pairs, comments) are read past.
/// Parsing never trusts a number: every field is checked and a bad one is an <see cref="InvalidInputException"/>
/// naming the file and the field.
/// </summary>
public sealed record NrrdHeader
{
    /// <summary>Headers longer than this are not NRRD (or are corrupt); the text is read only up to here.</summary>
    public const int MaxHeaderBytes = 1 << 16;

    public required int[] Sizes { get; init; }
    public required NrrdScalar Scalar { get; init; }
    public required NrrdEncoding Encoding { get; init; }
    public required bool BigEndian { get; init; }
    public required Affine Affine { get; init; }

    /// <summary>The file holding the voxels: the header's own file, or a detached data file ("data file").</summary>
    public required string DataPath { get; init; }

    /// <summary>Where the data starts in <see cref="DataPath"/>: after the header (attached) or 0 (detached).</summary>
    public required long DataOffset { get; init; }

    /// <summary>Bytes skipped after the line skip: in the file for raw data, in the decompressed stream for gzip.</summary>
    public required long ByteSkip { get; init; }

    /// <summary>"byte skip: -1": raw voxels are the last bytes of the data file.</summary>
    public required bool DataAtEnd { get; init; }

    public required int LineSkip { get; init; }

    public Grid Grid => new(Sizes[0], Sizes[1], Sizes[2], Affine);

    /// <summary>Parses the header at the start of <paramref name="path"/>.</summary>
    public static NrrdHeader Read(string path)
    {
        byte[] start;
        using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            start = new byte[(int)Math.Min(file.Length, MaxHeaderBytes)];
            file.ReadExactly(start);
        }
        if (start.Length < 8 || !start.AsSpan(0, 7).SequenceEqual("NRRD000"u8) || start[7] is < (byte)'1' or > (byte)'5')
            throw new InvalidInputException(path, "not a NRRD file: it does not start with NRRD0001 … NRRD0005");

        // The header is text lines up to the first empty line (or the end of a detached header).
        int end = -1, position = 0;
        var lines = new List<string>();
        while (position < start.Length)
        {
            int newline = Array.IndexOf(start, (byte)'\n', position);
            if (newline < 0)
            {
                if (start.Length < MaxHeaderBytes)
                {
                    lines.Add(System.Text.Encoding.Latin1.GetString(start, position, start.Length - position).TrimEnd('\r'));
                    position = start.Length;
                }
                break;
            }
            string line = System.Text.Encoding.Latin1.GetString(start, position, newline - position).TrimEnd('\r');
            position = newline + 1;
            if (line.Length == 0) { end = position; break; }
            lines.Add(line);
        }
        if (end < 0 && position < start.Length)
            throw new InvalidInputException(path, $"the NRRD header has no end within {MaxHeaderBytes} bytes");

        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in lines.Skip(1))
        {
            if (line.StartsWith('#')) continue;
            int colon = line.IndexOf(": ", StringComparison.Ordinal);
            int keyValue = line.IndexOf(":=", StringComparison.Ordinal);
            if (keyValue >= 0 && (colon < 0 || keyValue < colon)) continue; // key:=value pairs carry no geometry
            if (colon <= 0)
                throw new InvalidInputException(path, $"the NRRD header line \"{InputText.Printable(line)}\" is neither a field nor a comment");
            string key = line[..colon].Trim().ToLowerInvariant().Replace("datafile", "data file", StringComparison.Ordinal);
            if (!fields.TryAdd(key, line[(colon + 2)..].Trim()))
                throw new InvalidInputException(path, $"the NRRD field \"{InputText.Printable(key)}\" appears twice");
        }
        return FromFields(path, fields, end);
    }

    private static NrrdHeader FromFields(string path, Dictionary<string, string> fields, int headerEnd)
    {
        string Field(string name) => fields.TryGetValue(name, out var v) ? v
            : throw new InvalidInputException(path, $"the NRRD header has no \"{name}\" field");

        var scalar = NrrdScalar.Parse(Field("type"), path);
        int dimension = ParseInt(Field("dimension"), path, "dimension");
        string[] sizeWords = Field("sizes").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (sizeWords.Length != dimension)
            throw new InvalidInputException(path, $"the NRRD \"sizes\" field has {sizeWords.Length} values for dimension {dimension}");
        var sizes = sizeWords.Select(w => ParseInt(w, path, "sizes")).ToArray();
        if (sizes.Any(s => s < 1))
            throw new InvalidInputException(path, $"the NRRD \"sizes\" field ({InputText.Printable(fields["sizes"])}) holds a size below 1");

        var directions = ParseDirections(path, fields, dimension);
        // A CT has three spatial axes; a leading or trailing non-spatial axis of size 1 (kinds "list", "scalar") is dropped.
        var spatial = Enumerable.Range(0, dimension).Where(a => directions[a] is not null).ToArray();
        if (spatial.Length != 3 || Enumerable.Range(0, dimension).Any(a => directions[a] is null && sizes[a] != 1))
            throw new InvalidInputException(path,
                $"a NRRD volume of sizes {InputText.Printable(fields["sizes"])} with {spatial.Length} spatial axes is not a CT volume (three spatial axes needed; a non-spatial axis must have size 1)");
        if (spatial[2] - spatial[0] != 2)
            throw new InvalidInputException(path, "the NRRD volume interleaves a non-spatial axis between its spatial axes");

        var (flipX, flipY) = ParseSpace(path, fields);
        var origin = fields.TryGetValue("space origin", out var o) ? ParseVector(o, path, "space origin")
            : throw new InvalidInputException(path, "the NRRD header has no \"space origin\": the volume's position in the patient is unknown");
        var m = new double[3, 4];
        for (int r = 0; r < 3; r++)
        {
            double sign = (r == 0 && flipX) || (r == 1 && flipY) ? -1 : 1;
            for (int c = 0; c < 3; c++) m[r, c] = sign * directions[spatial[c]]![r];
            m[r, 3] = sign * origin[r];
        }

        var encoding = Field("encoding").ToLowerInvariant() switch
        {
            "raw" => NrrdEncoding.Raw,
            "gzip" or "gz" => NrrdEncoding.Gzip,
            "ascii" or "text" or "txt" => NrrdEncoding.Ascii,
            var other => throw new InvalidInputException(path,
                $"the NRRD encoding \"{InputText.Printable(other)}\" is not supported (raw, gzip and ascii are); convert it, e.g. with unu save -e gzip"),
        };
        bool bigEndian = false;
        if (scalar.Bytes > 1 && encoding != NrrdEncoding.Ascii)
        {
            bigEndian = Field("endian").ToLowerInvariant() switch
            {
                "little" => false,
                "big" => true,
                var other => throw new InvalidInputException(path, $"the NRRD \"endian\" field is \"{InputText.Printable(other)}\", not little or big"),
            };
        }

        string dataPath = path;
        if (fields.TryGetValue("data file", out var dataFile))
        {
            if (dataFile.StartsWith("LIST", StringComparison.Ordinal) || dataFile.Contains('%', StringComparison.Ordinal))
                throw new InvalidInputException(path, "NRRD data split over several files is not supported (one detached data file is)");
            dataPath = Path.IsPathRooted(dataFile) ? dataFile : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".", dataFile);
            if (!File.Exists(dataPath))
                throw new InvalidInputException(path, $"the NRRD data file {InputText.Printable(dataFile)} does not exist");
        }
        else if (headerEnd < 0)
        {
            throw new InvalidInputException(path, "the NRRD header has neither an empty line before attached data nor a \"data file\" field");
        }

        int lineSkip = fields.TryGetValue("line skip", out var ls) ? ParseInt(ls, path, "line skip") : 0;
        long byteSkip = fields.TryGetValue("byte skip", out var bs) ? ParseInt(bs, path, "byte skip") : 0;
        bool atEnd = byteSkip == -1;
        if (lineSkip < 0 || byteSkip < -1 || (atEnd && encoding != NrrdEncoding.Raw))
            throw new InvalidInputException(path, "the NRRD \"line skip\" or \"byte skip\" field is invalid (byte skip -1 is for raw data only)");

        return new NrrdHeader
        {
            Sizes = [sizes[spatial[0]], sizes[spatial[1]], sizes[spatial[2]]],
            Scalar = scalar,
            Encoding = encoding,
            BigEndian = bigEndian,
            Affine = new Affine(m),
            DataPath = dataPath,
            DataOffset = dataPath == path ? headerEnd : 0,
            ByteSkip = Math.Max(0, byteSkip),
            DataAtEnd = atEnd,
            LineSkip = lineSkip,
        };
    }

    /// <summary>NRRD spaces name where the axes point; NativeSeg's affine is RAS, so x and/or y change sign.</summary>
    private static (bool FlipX, bool FlipY) ParseSpace(string path, Dictionary<string, string> fields)
    {
        if (!fields.TryGetValue("space", out var space))
            throw new InvalidInputException(path, fields.ContainsKey("space dimension")
                ? "the NRRD header gives a \"space dimension\" but no named \"space\", so the patient orientation is unknown"
                : "the NRRD header has no \"space\" field (e.g. left-posterior-superior), so the patient orientation is unknown");
        return space.ToLowerInvariant() switch
        {
            "right-anterior-superior" or "ras" => (false, false),
            "left-anterior-superior" or "las" => (true, false),
            "left-posterior-superior" or "lps" or "scanner-xyz" => (true, true),
            var other => throw new InvalidInputException(path,
                $"the NRRD space \"{InputText.Printable(other)}\" is not a patient space NativeSeg knows (right-anterior-superior, left-anterior-superior, left-posterior-superior, scanner-xyz)"),
        };
    }

    private static double[]?[] ParseDirections(string path, Dictionary<string, string> fields, int dimension)
    {
        if (!fields.TryGetValue("space directions", out var text))
            throw new InvalidInputException(path, "the NRRD header has no \"space directions\" field, so the voxel size and orientation are unknown");
        // Entries are "none" or "(x,y,z)"; writers differ in the spaces inside the parentheses.
        var words = new List<string>();
        for (int i = 0; i < text.Length;)
        {
            if (char.IsWhiteSpace(text[i])) { i++; continue; }
            int close = text[i] == '(' ? text.IndexOf(')', i) : text.IndexOf(' ', i);
            int stop = close < 0 ? text.Length : text[i] == '(' ? close + 1 : close;
            words.Add(text[i..stop]);
            i = stop;
        }
        if (words.Count != dimension)
            throw new InvalidInputException(path, $"the NRRD \"space directions\" field has {words.Count} entries for dimension {dimension}");
        return words.Select(w => w == "none" ? null : ParseVector(w, path, "space directions")).ToArray();
    }

    private static double[] ParseVector(string text, string path, string field)
    {
        string trimmed = text.Trim();
        if (trimmed.Length < 2 || trimmed[0] != '(' || trimmed[^1] != ')')
            throw new InvalidInputException(path, $"the NRRD \"{field}\" value {InputText.Printable(text)} is not a vector (x,y,z)");
        var parts = trimmed[1..^1].Split(',');
        if (parts.Length != 3)
            throw new InvalidInputException(path, $"the NRRD \"{field}\" value {InputText.Printable(text)} does not have three components");
        var v = new double[3];
        for (int i = 0; i < 3; i++)
            if (!double.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out v[i]) || !double.IsFinite(v[i]))
                throw new InvalidInputException(path, $"the NRRD \"{field}\" value {InputText.Printable(text)} holds a component that is not a finite number");
        return v;
    }

    private static int ParseInt(string text, string path, string field) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value) ? value
            : throw new InvalidInputException(path, $"the NRRD \"{field}\" value {InputText.Printable(text)} is not an integer");
}
