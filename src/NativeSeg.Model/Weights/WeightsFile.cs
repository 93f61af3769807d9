using NativeSeg.Engine;
using NativeSeg.IO;
using NativeSeg.Model.Network;

namespace NativeSeg.Model.Weights;

/// <summary>
/// A HighResNet2D weights file (safetensors, names in <see cref="TensorNaming"/>, metadata in <see cref="WeightsMetadata"/>),
/// checked on load: the architecture, every expected name with its shape and nothing unexpected, F32 only, and the
/// SHA-256 of the tensor bytes against the <c>sha256</c> metadata entry. Checkpoints are weights files with extra
/// tensors and metadata (see <see cref="Checkpoint"/>).
/// </summary>
public sealed class WeightsFile
{
    private WeightsFile(string path, WeightsMetadata metadata, Dictionary<string, float[]> networkTensors,
        Dictionary<string, float[]> extraTensors, IReadOnlyDictionary<string, string> rawMetadata)
    {
        Path = path;
        Metadata = metadata;
        NetworkTensors = networkTensors;
        ExtraTensors = extraTensors;
        RawMetadata = rawMetadata;
    }

    public string Path { get; }

    public WeightsMetadata Metadata { get; }

    /// <summary>The file's name and the SHA-256 of its tensors, as derived files name their sources.</summary>
    public string Identity => $"{System.IO.Path.GetFileName(Path)} (sha256 {RawMetadata[WeightsMetadata.ChecksumKey]})";

    /// <summary>
    /// The metadata of a file made from this one (an average, a recalibration): this file's, without what belonged
    /// to one checkpoint or epoch (<see cref="Training.Checkpoint.PerFileKeys"/>), plus <paramref name="key"/> saying how.
    /// </summary>
    public WeightsMetadata DerivedMetadata(string key, string provenance)
    {
        var extra = Metadata.Extra.Where(p => !Training.Checkpoint.PerFileKeys.Contains(p.Key)).ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
        extra[key] = provenance;
        return Metadata with { Extra = extra };
    }

    public HighResNetConfiguration Configuration => new(Metadata.InputChannels, Metadata.ClassNames.Count);

    /// <summary>The network's tensors by state_dict name.</summary>
    public IReadOnlyDictionary<string, float[]> NetworkTensors { get; }

    /// <summary>Tensors beyond the network's (a checkpoint's optimiser moments).</summary>
    public IReadOnlyDictionary<string, float[]> ExtraTensors { get; }

    /// <summary>Every metadata entry as stored.</summary>
    public IReadOnlyDictionary<string, string> RawMetadata { get; }

    /// <summary>Writes the network's tensors (downloaded from its backend) and the metadata, atomically.</summary>
    public static void Save(string path, HighResNet2D network, WeightsMetadata metadata,
        IEnumerable<SafeTensor>? extraTensors = null, IReadOnlyDictionary<string, string>? extraMetadata = null)
    {
        if (metadata.InputChannels != network.Configuration.InputChannels || metadata.ClassNames.Count != network.Configuration.Classes)
            throw new ArgumentException($"Metadata describes {metadata.InputChannels} input channel(s) and {metadata.ClassNames.Count} classes; the network has {network.Configuration.InputChannels} and {network.Configuration.Classes}.");
        var exported = network.ExportTensors();
        var tensors = network.Tensors.Select(t => new SafeTensor(t.Name, t.Shape.Dimensions.ToArray(), exported[t.Name])).ToList();
        if (extraTensors is not null)
            tensors.AddRange(extraTensors);
        var map = metadata.ToDictionary();
        if (extraMetadata is not null)
            foreach (var (key, value) in extraMetadata)
                map[key] = value;
        map[WeightsMetadata.ChecksumKey] = SafeTensorsFile.ChecksumOf(tensors);
        new SafeTensorsFile(tensors, map).Save(path);
    }

    public static WeightsFile Load(string path)
    {
        var file = SafeTensorsFile.Load(path);
        if (!file.Metadata.TryGetValue(WeightsMetadata.ChecksumKey, out var expected))
            throw new InvalidInputException(path, "not a NativeSeg weights file: no sha256 checksum in the metadata.");
        string actual = SafeTensorsFile.ChecksumOf(file.Tensors);
        if (!string.Equals(expected, actual, StringComparison.OrdinalIgnoreCase))
            throw new InvalidInputException(path, $"the tensor data is corrupt: SHA-256 {actual} does not match the recorded {expected}.");
        var metadata = WeightsMetadata.FromDictionary(file.Metadata, path);

        // Compare against the tensors a network of this configuration has, without allocating one.
        var expectedShapes = ExpectedShapes(new HighResNetConfiguration(metadata.InputChannels, metadata.ClassNames.Count));
        var network = new Dictionary<string, float[]>(StringComparer.Ordinal);
        var extra = new Dictionary<string, float[]>(StringComparer.Ordinal);
        foreach (var tensor in file.Tensors)
        {
            if (expectedShapes.TryGetValue(tensor.Name, out var shape))
            {
                if (!shape.SequenceEqual(tensor.Shape))
                    throw new InvalidInputException(path, $"tensor '{tensor.Name}' has shape [{string.Join(", ", tensor.Shape)}], HighResNet2D needs [{string.Join(", ", shape)}].");
                network[tensor.Name] = tensor.Data;
            }
            else if (tensor.Name.StartsWith(TensorNaming.FirstMomentPrefix, StringComparison.Ordinal)
                     || tensor.Name.StartsWith(TensorNaming.SecondMomentPrefix, StringComparison.Ordinal))
            {
                extra[tensor.Name] = tensor.Data;
            }
            else
            {
                throw new InvalidInputException(path, $"unexpected tensor '{tensor.Name}': not part of HighResNet2D.");
            }
        }
        var missing = expectedShapes.Keys.Where(name => !network.ContainsKey(name)).ToList();
        if (missing.Count > 0)
            throw new InvalidInputException(path, $"{missing.Count} HighResNet2D tensor(s) missing, first '{missing[0]}'.");
        return new WeightsFile(path, metadata, network, extra, file.Metadata);
    }

    /// <summary>Loads the file onto a backend as a ready network.</summary>
    public static (HighResNet2D Network, WeightsFile File) LoadNetwork(string path, IBackend backend)
    {
        var file = Load(path);
        var network = new HighResNet2D(backend, file.Configuration);
        try
        {
            network.ImportTensors(file.NetworkTensors);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return (network, file);
    }

    /// <summary>Name → shape of every tensor of a network with this configuration, in state_dict order.</summary>
    public static Dictionary<string, int[]> ExpectedShapes(HighResNetConfiguration configuration)
    {
        var shapes = new Dictionary<string, int[]>(StringComparer.Ordinal);
        foreach (var layer in HighResNetArchitecture.Layers(configuration))
        {
            int k = layer.Kernel;
            void BatchNorm(string prefix, int c)
            {
                foreach (var suffix in new[] { "weight", "bias", "running_mean", "running_var" })
                    shapes[$"{prefix}.{suffix}"] = [c];
            }
            if (layer.Kind == LayerKind.ResidualBlock)
            {
                BatchNorm($"{layer.Name}.bn1", layer.InChannels);
                shapes[$"{layer.Name}.conv1.weight"] = [layer.OutChannels, layer.InChannels, k, k];
                BatchNorm($"{layer.Name}.bn2", layer.OutChannels);
                shapes[$"{layer.Name}.conv2.weight"] = [layer.OutChannels, layer.OutChannels, k, k];
            }
            else
            {
                shapes[$"{layer.Name}.conv.weight"] = [layer.OutChannels, layer.InChannels, k, k];
                BatchNorm($"{layer.Name}.bn", layer.OutChannels);
            }
        }
        return shapes;
    }
}
