namespace NativeSeg.Engine.Tensors;

/// <summary>Batch-norm constants (NiftyNet's): running = (1 − momentum)·running + momentum·batch.</summary>
public readonly record struct BatchNormSettings(float Momentum = 0.1f, float Epsilon = 1e-5f)
{
    public static BatchNormSettings Default => new(0.1f, 1e-5f);
}

/// <summary>
/// Adam constants. The update uses PyTorch's bias-corrected form:
/// m̂ = m/(1−β1ᵗ), v̂ = v/(1−β2ᵗ), θ ← θ − lr·m̂/(√v̂ + ε).
/// </summary>
public readonly record struct AdamSettings(float LearningRate = 0.02f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f)
{
    public static AdamSettings Paper => new(0.02f, 0.9f, 0.999f, 1e-8f);
}
