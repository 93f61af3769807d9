using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

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

    /// <summary>
    /// By context byte (state × 2 + MPS), 256 entries so that any byte indexes it: Qe in bits 0–15, the context byte
    /// after an MPS in bits 16–23 and after an LPS in bits 24–31. One look-up per decision.
    /// </summary>
    private static readonly uint[] Transitions = BuildTransitions();

    private static uint[] BuildTransitions()
    {
        var table = new uint[256];
        for (int state = 0; state < 47; state++)
            for (int mps = 0; mps < 2; mps++)
            {
                uint afterMps = (uint)(2 * NextMps[state] + mps), afterLps = (uint)(2 * NextLps[state] + (mps ^ Switches[state]));
                table[2 * state + mps] = QeOfState[state] | afterMps << 16 | afterLps << 24;
            }
        return table;
    }

    /// <summary>The probability state of each context, state × 2 + MPS.</summary>
    public readonly byte[] Contexts = new byte[ContextCount];

    /// <summary>
    /// The coder's registers. Passes copy them into a local, decode through <see cref="Decode(ref MqRegisters, ref byte)"/>
    /// (inlined, so the registers live in CPU registers for the whole pass) and store them back.
    /// </summary>
    public MqRegisters Registers;

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
        var r = new MqRegisters { Data = data, Position = start, End = end };
        r.C = (uint)ByteAt(ref r, start) << 16;
        ByteIn(ref r);
        r.C <<= 7;
        r.Ct -= 7;
        r.A = 0x8000;
        Registers = r;
    }

    /// <summary>DECODE of one decision in context <paramref name="context"/> (for callers outside the hot loops).</summary>
    public int Decode(int context)
    {
        var r = Registers;
        int d = Decode(ref r, ref Contexts[context]);
        Registers = r;
        return d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int ByteAt(ref MqRegisters r, int index) => (uint)index < (uint)r.End ? r.Data[index] : 0xFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ByteIn(ref MqRegisters r)
    {
        if (ByteAt(ref r, r.Position) == 0xFF)
        {
            int next = ByteAt(ref r, r.Position + 1);
            if (next > 0x8F)
            {
                r.C += 0xFF00; // a marker (or the end): feed 1 bits, stay put
                r.Ct = 8;
            }
            else
            {
                r.Position++;
                r.C += (uint)next << 9;
                r.Ct = 7;
            }
        }
        else
        {
            r.Position++;
            r.C += (uint)ByteAt(ref r, r.Position) << 8;
            r.Ct = 8;
        }
    }

    /// <summary>DECODE (T.800 C.3.2) of one binary decision whose context byte is <paramref name="cx"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Decode(ref MqRegisters r, ref byte cx)
    {
        int state = cx;
        uint transition = Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(Transitions), state);
        uint qe = transition & 0xFFFF;
        r.A -= qe;
        int decision;
        if ((r.C >> 16) < qe)
        {
            // LPS path with conditional exchange.
            if (r.A < qe)
            {
                decision = state & 1;
                cx = (byte)(transition >> 16);
            }
            else
            {
                decision = (state & 1) ^ 1;
                cx = (byte)(transition >> 24);
            }
            r.A = qe;
        }
        else
        {
            r.C -= qe << 16;
            if ((r.A & 0x8000) != 0) return state & 1;
            if (r.A < qe)
            {
                decision = (state & 1) ^ 1;
                cx = (byte)(transition >> 24);
            }
            else
            {
                decision = state & 1;
                cx = (byte)(transition >> 16);
            }
        }
        // RENORMD
        do
        {
            if (r.Ct == 0) ByteIn(ref r);
            r.A <<= 1;
            r.C <<= 1;
            r.Ct--;
        } while ((r.A & 0x8000) == 0);
        return decision;
    }
}

/// <summary>The MQ decoder's registers (T.800 C.3): interval A, code register C, bit counter CT, and its place in the segment.</summary>
internal struct MqRegisters
{
    public uint A, C;
    public int Ct, Position, End;
    public byte[] Data;
}
