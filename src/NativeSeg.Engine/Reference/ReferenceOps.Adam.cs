namespace NativeSeg.Engine.Reference;

public static partial class ReferenceOps
{
    /// <summary>
    /// One Adam step in place (PyTorch's bias-corrected form, with the coupled L2 term folded into the gradient):
    /// g = gradient + l2Coefficient·θ; m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
    /// m̂ = m/(1−β1ᵗ); v̂ = v/(1−β2ᵗ); θ ← θ − lr·m̂/(√v̂ + ε), with t = step counting from 1.
    /// </summary>
    public static void AdamStep(double[] parameter, double[] gradient, double[] firstMoment, double[] secondMoment,
        double learningRate, double beta1, double beta2, double epsilon, int step, double l2Coefficient)
    {
        double correction1 = 1 - Math.Pow(beta1, step);
        double correction2 = 1 - Math.Pow(beta2, step);
        for (int k = 0; k < parameter.Length; k++)
        {
            double g = gradient[k] + l2Coefficient * parameter[k];
            firstMoment[k] = beta1 * firstMoment[k] + (1 - beta1) * g;
            secondMoment[k] = beta2 * secondMoment[k] + (1 - beta2) * g * g;
            double mHat = firstMoment[k] / correction1;
            double vHat = secondMoment[k] / correction2;
            parameter[k] -= learningRate * mHat / (Math.Sqrt(vHat) + epsilon);
        }
    }
}
