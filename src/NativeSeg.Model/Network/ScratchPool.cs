using NativeSeg.Engine;
using NativeSeg.Engine.Tensors;

namespace NativeSeg.Model.Network;

/// <summary>
/// Short-lived NCHW tensors of one batch shape, grouped by channel count: inference intermediates and backward
/// gradients. A caller rents a tensor by naming the tensors it still needs (the busy ones); the pool returns one of
/// the same channel count that is not busy and allocates only when every existing one is. The forward and backward
/// passes rent in the same order every step, so the pool stops growing after the first step of a batch shape: no
/// allocation on the hot path. Three tensors per channel count are enough for a residual block.
/// </summary>
internal sealed class ScratchPool(IBackend backend, int batch, int height, int width) : IDisposable
{
    private readonly Dictionary<int, List<Tensor>> _byChannels = [];

    public int AllocatedCount => _byChannels.Values.Sum(list => list.Count);

    public Tensor Rent(int channels, params ReadOnlySpan<Tensor?> busy)
    {
        if (!_byChannels.TryGetValue(channels, out var list))
        {
            list = [];
            _byChannels[channels] = list;
        }
        foreach (var candidate in list)
        {
            bool isBusy = false;
            foreach (var b in busy)
                isBusy |= ReferenceEquals(b, candidate);
            if (!isBusy)
                return candidate;
        }
        var tensor = backend.Allocate(TensorShape.Nchw(batch, channels, height, width));
        list.Add(tensor);
        return tensor;
    }

    public void Dispose()
    {
        foreach (var tensor in _byChannels.Values.SelectMany(list => list))
            tensor.Dispose();
        _byChannels.Clear();
    }
}
