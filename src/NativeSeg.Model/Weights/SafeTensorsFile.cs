using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using NativeSeg.IO;

namespace NativeSeg.Model.Weights;

/// <summary>One float32 tensor of a safetensors file.</summary>
public sealed record SafeTensor(string Name, int[] Shape, float[] Data)
{
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>
/// The safetensors format (Hugging Face), written from its specification: an 8-byte little-endian header length n,
/// n bytes of UTF-8 JSON, then the raw tensor bytes. The JSON maps each tensor name to
/// <c>{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}</c> (offsets relative to the end of the header)
/// and holds an optional <c>"__metadata__"</c> map of strings to strings. Only little-endian F32 is used here.
/// The header is padded with spaces to a multiple of 8 bytes so the data is aligned, as the reference writer does.
/// </summary>
public sealed class SafeTensorsFile
{
    public const string MetadataKey = "__metadata__";

    /// <summary>Refuse headers above this size: a corrupt length would otherwise make us allocate gigabytes.</summary>
    private const long MaximumHeaderBytes = 100L * 1024 * 1024;

    public SafeTensorsFile(IEnumerable<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        Tensors = tensors.ToList();
        Metadata = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in Tensors)
        {
            if (t.Name == MetadataKey || !names.Add(t.Name))
                throw new ArgumentException($"Tensor name '{t.Name}' is reserved or appears twice.");
            if (t.Data.Length != t.Length)
                throw new ArgumentException($"Tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}] but {t.Data.Length} values.");
        }
    }

    /// <summary>Tensors in file order.</summary>
    public IReadOnlyList<SafeTensor> Tensors { get; }

    public Dictionary<string, string> Metadata { get; }

    public SafeTensor this[string name] => Tensors.FirstOrDefault(t => t.Name == name)
        ?? throw new KeyNotFoundException($"No tensor named '{name}'.");

    public bool Contains(string name) => Tensors.Any(t => t.Name == name);

    /// <summary>SHA-256 (lower-case hex) of the tensor bytes in file order, little-endian: what the data section of the file holds.</summary>
    public static string ChecksumOf(IEnumerable<SafeTensor> tensors)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var t in tensors)
            hash.AppendData(AsLittleEndianBytes(t.Data));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Writes atomically: a temporary file beside the target, flushed, then renamed over it.</summary>
    public void Save(string path)
    {
        string full = Path.GetFullPath(path);
        // Hidden, and named for its owner so that the next run in this folder can remove it after a kill -9.
        string temporary = Path.Combine(Path.GetDirectoryName(full)!, $".nativeseg-tmp-{Environment.ProcessId}-{Path.GetFileName(full)}.{Guid.NewGuid():N}");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temporary, full, overwrite: true);
        }
        finally
        {
            if (File.Exists(temporary)) File.Delete(temporary);
        }
    }

    public void Write(Stream stream)
    {
        byte[] header = BuildHeader();
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var t in Tensors)
            stream.Write(AsLittleEndianBytes(t.Data));
    }

    /// <summary>Reads a file; anything malformed is an <see cref="InvalidInputException"/> naming the file.</summary>
    public static SafeTensorsFile Load(string path)
    {
        if (!File.Exists(path))
            throw new InvalidInputException(path, "weights file not found.");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new InvalidInputException(path, $"cannot read the file: {e.Message}", e);
        }
        return Parse(bytes, path);
    }

    public static SafeTensorsFile Parse(byte[] bytes, string path)
    {
        if (bytes.Length < 8)
            throw new InvalidInputException(path, $"not a safetensors file: {bytes.Length} bytes, shorter than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaximumHeaderBytes || (long)headerLength > bytes.Length - 8)
            throw new InvalidInputException(path, $"not a safetensors file: header length {headerLength} does not fit in {bytes.Length} bytes.");
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
        }
        catch (JsonException e)
        {
            throw new InvalidInputException(path, $"not a safetensors file: the header is not valid JSON ({e.Message}).", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new InvalidInputException(path, "not a safetensors file: the header is not a JSON object.");
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var entries = new List<(string Name, int[] Shape, long Begin, long End)>();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (property.Name == MetadataKey)
                {
                    if (property.Value.ValueKind != JsonValueKind.Object)
                        throw new InvalidInputException(path, "__metadata__ must be a map of strings.");
                    foreach (var item in property.Value.EnumerateObject())
                    {
                        if (item.Value.ValueKind != JsonValueKind.String)
                            throw new InvalidInputException(path, $"__metadata__ entry '{item.Name}' is not a string.");
                        metadata[item.Name] = item.Value.GetString()!;
                    }
                    continue;
                }
                entries.Add(ReadEntry(property, path));
            }

            // The specification requires the tensors to tile the data section exactly, without holes or overlaps.
            var ordered = entries.OrderBy(e => e.Begin).ToList();
            long expectedBegin = 0;
            foreach (var e in ordered)
            {
                if (e.Begin != expectedBegin)
                    throw new InvalidInputException(path, $"tensor '{e.Name}' starts at byte {e.Begin} of the data, expected {expectedBegin}: holes or overlaps.");
                expectedBegin = e.End;
            }
            if (expectedBegin != dataLength)
                throw new InvalidInputException(path, $"the tensors cover {expectedBegin} bytes but the file holds {dataLength} after the header (truncated or padded).");

            var tensors = new List<SafeTensor>(entries.Count);
            foreach (var e in ordered)
            {
                var data = new float[(e.End - e.Begin) / 4];
                var source = bytes.AsSpan(dataStart + (int)e.Begin, (int)(e.End - e.Begin));
                if (BitConverter.IsLittleEndian)
                    source.CopyTo(MemoryMarshal.AsBytes(data.AsSpan()));
                else
                    for (int i = 0; i < data.Length; i++)
                        data[i] = BinaryPrimitives.ReadSingleLittleEndian(source[(4 * i)..]);
                tensors.Add(new SafeTensor(e.Name, e.Shape, data));
            }
            return new SafeTensorsFile(tensors, metadata);
        }
    }

    private static (string Name, int[] Shape, long Begin, long End) ReadEntry(JsonProperty property, string path)
    {
        string name = property.Name;
        var value = property.Value;
        if (value.ValueKind != JsonValueKind.Object
            || !value.TryGetProperty("dtype", out var dtype)
            || !value.TryGetProperty("shape", out var shapeElement)
            || !value.TryGetProperty("data_offsets", out var offsets)
            || shapeElement.ValueKind != JsonValueKind.Array
            || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2)
            throw new InvalidInputException(path, $"tensor '{name}' needs dtype, shape and two data_offsets.");
        if (dtype.ValueKind != JsonValueKind.String || dtype.GetString() != "F32")
            throw new InvalidInputException(path, $"tensor '{name}' has dtype {dtype}; NativeSeg reads only F32.");
        int[] shape;
        long begin, end;
        try
        {
            shape = shapeElement.EnumerateArray().Select(d => d.GetInt32()).ToArray();
            begin = offsets[0].GetInt64();
            end = offsets[1].GetInt64();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException)
        {
            throw new InvalidInputException(path, $"tensor '{name}' has a malformed shape or data_offsets.", e);
        }
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new InvalidInputException(path, $"tensor '{name}' has a negative dimension.");
            count *= d;
        }
        if (begin < 0 || end < begin || end - begin != 4 * count)
            throw new InvalidInputException(path, $"tensor '{name}' of shape [{string.Join(", ", shape)}] needs {4 * count} bytes, its offsets span [{begin}, {end}).");
        return (name, shape, begin, end);
    }

    private byte[] BuildHeader()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (Metadata.Count > 0)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in Metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
                    json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var t in Tensors)
            {
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset + 4L * t.Data.Length);
                json.WriteEndArray();
                json.WriteEndObject();
                offset += 4L * t.Data.Length;
            }
            json.WriteEndObject();
        }
        int padded = (int)((buffer.Length + 7) / 8 * 8);
        var header = new byte[padded];
        buffer.ToArray().CopyTo(header, 0);
        for (int i = (int)buffer.Length; i < padded; i++)
            header[i] = (byte)' ';
        return header;
    }

    private static ReadOnlySpan<byte> AsLittleEndianBytes(float[] data)
    {
        if (BitConverter.IsLittleEndian)
            return MemoryMarshal.AsBytes(data.AsSpan());
        var bytes = new byte[4 * data.Length];
        for (int i = 0; i < data.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(4 * i), data[i]);
        return bytes;
    }
}
