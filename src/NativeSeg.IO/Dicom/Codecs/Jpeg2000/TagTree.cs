namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// A tag tree (T.800 B.10.2): a quad-tree of minima over a grid of code-blocks, coded so that a decoder learns each
/// leaf's value only as far as a threshold asks. Used for code-block inclusion (threshold: layer + 1) and for the
/// number of missing most significant bit-planes.
/// </summary>
internal sealed class TagTree
{
    private const int Unknown = int.MaxValue;
    private readonly int[] _value;   // known value of each node, or Unknown
    private readonly int[] _lower;   // lower bound established so far
    private readonly int[] _parent;  // index of each node's parent, −1 at the root
    private readonly int _leafCount;
    private readonly int[] _path = new int[32];

    public TagTree(int width, int height)
    {
        _leafCount = width * height;
        // Levels: width × height leaves, then ⌈w/2⌉ × ⌈h/2⌉ … down to 1 × 1.
        int total = 0, w = width, h = height;
        while (true)
        {
            total += w * h;
            if (w == 1 && h == 1) break;
            w = (w + 1) >> 1;
            h = (h + 1) >> 1;
        }
        _value = new int[total];
        _lower = new int[total];
        _parent = new int[total];
        Array.Fill(_value, Unknown);
        int levelStart = 0;
        w = width;
        h = height;
        while (!(w == 1 && h == 1))
        {
            int pw = (w + 1) >> 1, ph = (h + 1) >> 1, parentStart = levelStart + w * h;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    _parent[levelStart + y * w + x] = parentStart + (y >> 1) * pw + (x >> 1);
            levelStart = parentStart;
            w = pw;
            h = ph;
        }
        _parent[total - 1] = -1;
    }

    public int LeafCount => _leafCount;

    /// <summary>Reads bits until the leaf's value is known to be below <paramref name="threshold"/> or not; true when below.</summary>
    public bool IsBelow(PacketHeaderBitReader bits, int leaf, int threshold)
    {
        int depth = 0;
        for (int node = leaf; node >= 0; node = _parent[node]) _path[depth++] = node;
        int low = 0;
        for (int i = depth - 1; i >= 0; i--)
        {
            int node = _path[i];
            if (low > _lower[node]) _lower[node] = low;
            else low = _lower[node];
            while (low < threshold && low < _value[node])
            {
                if (bits.ReadBit() == 1) _value[node] = low;
                else low++;
            }
            _lower[node] = low;
        }
        return _value[leaf] < threshold;
    }

    /// <summary>Reads the leaf's whole value; a value above <paramref name="limit"/> is a corrupt stream.</summary>
    public int ReadValue(PacketHeaderBitReader bits, int leaf, int limit)
    {
        int threshold = 1;
        while (!IsBelow(bits, leaf, threshold))
        {
            if (threshold > limit) throw new Jpeg2000FormatException($"a tag tree value exceeds {limit} (corrupt packet header)");
            threshold++;
        }
        return _value[leaf];
    }
}
