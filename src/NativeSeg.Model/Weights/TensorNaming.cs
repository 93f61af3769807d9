namespace NativeSeg.Model.Weights;

/// <summary>
/// How HighResNet2D's tensors are named in weight and checkpoint files: like a PyTorch state_dict of the equivalent
/// module tree, so <c>benchmarks/reference/highresnet2d.py</c> loads them with <c>load_state_dict</c> unchanged
/// (PyTorch's extra <c>num_batches_tracked</c> counters are not stored; they do not affect momentum-0.1 batch norm).
/// <code>
/// conv_0.conv.weight                 [16, Cin, 3, 3]
/// conv_0.bn.{weight,bias,running_mean,running_var}   [16]   (weight = γ, bias = β)
/// res_S.B.bn1.{weight,bias,running_mean,running_var} [Cin of block]   S = 1..3 (dilation 1, 2, 4), B = 0..2
/// res_S.B.conv1.weight               [Cout, Cin, 3, 3]
/// res_S.B.bn2.{...}                  [Cout]
/// res_S.B.conv2.weight               [Cout, Cout, 3, 3]
/// conv_1.conv.weight [80, 64, 1, 1], conv_1.bn.{...} [80]
/// conv_2.conv.weight [classes, 80, 1, 1], conv_2.bn.{...} [classes]   (conv_2.bn output = the logits)
/// </code>
/// running_var holds the biased batch variance's running average (NiftyNet's convention, not PyTorch's unbiased one).
/// Checkpoints add Adam's moments under <see cref="FirstMomentPrefix"/> and <see cref="SecondMomentPrefix"/>
/// followed by the parameter's name, e.g. <c>optimizer.exp_avg.conv_0.conv.weight</c> (PyTorch's names for them).
/// </summary>
public static class TensorNaming
{
    public const string FirstMomentPrefix = "optimizer.exp_avg.";
    public const string SecondMomentPrefix = "optimizer.exp_avg_sq.";
}
