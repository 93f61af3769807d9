namespace NativeSeg.Engine.Reference;

public static partial class ReferenceOps
{
    /// <summary>output = max(input, 0), element by element; input and output may be the same array.</summary>
    public static void ReluForward(double[] input, double[] output)
    {
        for (int k = 0; k < input.Length; k++) output[k] = input[k] > 0 ? input[k] : 0.0;
    }

    /// <summary>
    /// gradInput = gradOutput where output &gt; 0, else 0 (the subgradient 0 at exactly 0, as PyTorch).
    /// Uses the forward output, which is positive exactly where the input was; gradOutput and gradInput may alias.
    /// </summary>
    public static void ReluBackward(double[] output, double[] gradOutput, double[] gradInput)
    {
        for (int k = 0; k < output.Length; k++) gradInput[k] = output[k] > 0 ? gradOutput[k] : 0.0;
    }
}
