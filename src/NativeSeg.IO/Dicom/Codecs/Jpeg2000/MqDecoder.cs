using System.Runtime.CompilerServices;

namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// The MQ arithmetic decoder (T.800 Annex C, the same coder as JBIG2): INITDEC, BYTEIN and DECODE of C.3 with the
/// 47-state probability table C.2. Each context is one byte, state × 2 + MPS, so that a decision updates a context
/// by one table look-up. Past the end of its segment the decoder reads 0xFF bytes, which BYTEIN treats as a marker
/// and answers with 1 bits: a truncated segment decodes to something, never out of bounds.
/// </summary>
internal sealed class MqDecoder
{
    public const int ContextCount = 19;
    public const int UniformContext = 18, RunLengthContext = 17;

    // T.800 Table C.2: Qe, next state after an MPS, next state after an LPS, whether an LPS switches the MPS.
    private static readonly ushort[] QeOfState =
    [
        0x5601, 0x3401, 0x1801, 0x0AC1, 0x0521, 0x0221, 0x5601, 0x5401, 0x4801, 0x3801, 0x3001, 0x2401, 0x1C01, 0x1601,
        0x5601, 0x5401, 0x5101, 0x4801, 0x3801, 0x3401, 0x3001, 0x2801, 0x2401, 0x2201, 0x1C01, 0x1801, 0x1601, 0x1401,
        0x1201, 0x1101, 0x0AC1, 0x09C1, 0x08A1, 0x0521, 0x0441, 0x02A1, 0x0221, 0x0141, 0x0111, 0x0085, 0x0049, 0x0025,
        0x0015, 0x0009, 0x0005, 0x0001, 0x5601,
    ];
    private static readonly byte[] NextMps =
    [
        1, 2, 3, 4, 5, 38, 7, 8, 9, 10, 11, 12, 13, 29, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31,
        32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 45, 46,
    ];
    private static readonly byte[] NextLps =
    [
        1, 6, 9, 12, 29, 33, 6, 14, 14, 14, 17, 18, 20, 21, 14, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 23, 24, 25, 26, 27,
        28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 46,
    ];
    private static readonly byte[] Switches =
    [
        1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];

    // Indexed by context byte (state × 2 + MPS).
    internal static readonly uint[] Qe = new uint[94];
    internal static readonly byte[] AfterMps = new byte[94];
    internal static readonly byte[] AfterLps = new byte[94];

    static MqDecoder()
    {
        for (int state = 0; state < 47; state++)
            for (int mps = 0; mps < 2; mps++)
            {
                int cx = 2 * state + mps;
                Qe[cx] = QeOfState[state];
                AfterMps[cx] = (byte)(2 * NextMps[state] + mps);
                AfterLps[cx] = (byte)(2 * NextLps[state] + (mps ^ Switches[state]));
            }
    }

    /// <summary>The probability state of each context, state × 2 + MPS.</summary>
    public readonly byte[] Contexts = new byte[ContextCount];

    private byte[] _data = [];
    private int _position, _end;
    private uint _a, _c;
    private int _ct;

    /// <summary>Initial states (T.800 Table D.7): uniform 46, run-length 3, the all-zero-neighbour significance context 4.</summary>
    public void ResetContexts()
    {
        Array.Clear(Contexts);
        Contexts[UniformContext] = 46 * 2;
        Contexts[RunLengthContext] = 3 * 2;
        Contexts[0] = 4 * 2;
    }

    /// <summary>INITDEC on the segment data[start..end).</summary>
    public void Start(byte[] data, int start, int end)
    {
        _data = data;
        _position = start;
        _end = end;
        _c = (uint)ByteAt(_position) << 16;
        ByteIn();
        _c <<= 7;
        _ct -= 7;
        _a = 0x8000;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int ByteAt(int index) => index < _end ? _data[index] : 0xFF;

    private void ByteIn()
    {
        if (ByteAt(_position) == 0xFF)
        {
            int next = ByteAt(_position + 1);
            if (next > 0x8F)
            {
                _c += 0xFF00; // a marker (or the end): feed 1 bits, stay put
                _ct = 8;
            }
            else
            {
                _position++;
                _c += (uint)next << 9;
                _ct = 7;
            }
        }
        else
        {
            _position++;
            _c += (uint)ByteAt(_position) << 8;
            _ct = 8;
        }
    }

    /// <summary>DECODE (T.800 C.3.2) of one binary decision in context <paramref name="context"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Decode(int context)
    {
        int cx = Contexts[context];
        uint qe = Qe[cx];
        _a -= qe;
        int decision;
        if ((_c >> 16) < qe)
        {
            // LPS path with conditional exchange.
            if (_a < qe)
            {
                decision = cx & 1;
                Contexts[context] = AfterMps[cx];
            }
            else
            {
                decision = (cx & 1) ^ 1;
                Contexts[context] = AfterLps[cx];
            }
            _a = qe;
            Renormalise();
        }
        else
        {
            _c -= qe << 16;
            if ((_a & 0x8000) != 0) return cx & 1;
            if (_a < qe)
            {
                decision = (cx & 1) ^ 1;
                Contexts[context] = AfterLps[cx];
            }
            else
            {
                decision = cx & 1;
                Contexts[context] = AfterMps[cx];
            }
            Renormalise();
        }
        return decision;
    }

    private void Renormalise()
    {
        do
        {
            if (_ct == 0) ByteIn();
            _a <<= 1;
            _c <<= 1;
            _ct--;
        } while ((_a & 0x8000) == 0);
    }
}
