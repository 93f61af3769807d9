using System.Runtime.CompilerServices;
using ILGPU;

namespace NativeSeg.Kernels;

// Register blocking without arrays. ILGPU 1.5.3 does not unroll loops (turned off after a miscompile), so a
// `float[8]` accumulator indexed in a loop would live in local memory (slow, off-chip). These small value types
// hold their lanes as separate fields: after ILGPU inlines the helpers and splits the structures into scalars,
// every lane is its own register, and every access names a lane at compile time.

/// <summary>Four float lanes held in registers (four output channels of one pixel or tap).</summary>
public readonly struct Block4(float a0, float a1, float a2, float a3)
{
    public float A0 { get; } = a0;
    public float A1 { get; } = a1;
    public float A2 { get; } = a2;
    public float A3 { get; } = a3;

    /// <summary>Four consecutive values of a view, from offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block4 Load(ArrayView<float> view, int offset) =>
        new(view[offset], view[offset + 1], view[offset + 2], view[offset + 3]);

    /// <summary>this + factors · v, lane by lane (one fused multiply-add per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block4 MultiplyAdd(Block4 factors, float v) =>
        new(A0 + factors.A0 * v, A1 + factors.A1 * v, A2 + factors.A2 * v, A3 + factors.A3 * v);
}

/// <summary>Eight float lanes held in registers (eight output channels of one pixel).</summary>
public readonly struct Block8(float a0, float a1, float a2, float a3, float a4, float a5, float a6, float a7)
{
    public float A0 { get; } = a0;
    public float A1 { get; } = a1;
    public float A2 { get; } = a2;
    public float A3 { get; } = a3;
    public float A4 { get; } = a4;
    public float A5 { get; } = a5;
    public float A6 { get; } = a6;
    public float A7 { get; } = a7;

    /// <summary>Eight consecutive values of a view, from offset.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Block8 Load(ArrayView<float> view, int offset) =>
        new(view[offset], view[offset + 1], view[offset + 2], view[offset + 3],
            view[offset + 4], view[offset + 5], view[offset + 6], view[offset + 7]);

    /// <summary>this + factors · v, lane by lane (one fused multiply-add per lane).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Block8 MultiplyAdd(Block8 factors, float v) =>
        new(A0 + factors.A0 * v, A1 + factors.A1 * v, A2 + factors.A2 * v, A3 + factors.A3 * v,
            A4 + factors.A4 * v, A5 + factors.A5 * v, A6 + factors.A6 * v, A7 + factors.A7 * v);
}
