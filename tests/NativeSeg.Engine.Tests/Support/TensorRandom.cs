namespace NativeSeg.Engine.Tests.Support;

/// <summary>Seeded random test data: the same seed always gives the same values, on every machine.</summary>
public sealed class TensorRandom(int seed)
{
    private readonly Random _random = new(seed);

    /// <summary>Uniform values in [low, high).</summary>
    public double[] Uniform(int length, double low = -1, double high = 1)
    {
        var values = new double[length];
        for (int k = 0; k < length; k++) values[k] = low + (high - low) * _random.NextDouble();
        return values;
    }

    /// <summary>Uniform values in [low, high) as float32.</summary>
    public float[] UniformSingle(int length, float low = -1, float high = 1)
    {
        var values = new float[length];
        for (int k = 0; k < length; k++) values[k] = (float)(low + (high - low) * _random.NextDouble());
        return values;
    }

    /// <summary>Gaussian values with the given mean and standard deviation (Box–Muller).</summary>
    public double[] Normal(int length, double std = 1, double mean = 0)
    {
        var values = new double[length];
        for (int k = 0; k < length; k++)
        {
            double u1 = 1.0 - _random.NextDouble(); // in (0, 1], so the logarithm is finite
            double u2 = _random.NextDouble();
            values[k] = mean + std * Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
        }
        return values;
    }

    /// <summary>Uniform values in ±[margin, 1): never within margin of zero (for kinks such as ReLU's).</summary>
    public double[] AwayFromZero(int length, double margin = 1e-3)
    {
        var values = Uniform(length, margin, 1);
        for (int k = 0; k < length; k++)
            if (_random.Next(2) == 0) values[k] = -values[k];
        return values;
    }

    /// <summary>One-hot NCHW labels: at every pixel of every slice, one class chosen at random is 1, the rest 0.</summary>
    public double[] OneHot(int batch, int classes, int height, int width)
    {
        int plane = height * width;
        var labels = new double[batch * classes * plane];
        for (int n = 0; n < batch; n++)
        for (int k = 0; k < plane; k++)
            labels[(n * classes + _random.Next(classes)) * plane + k] = 1;
        return labels;
    }

    /// <summary>Converts to float32 (for uploading to float32 backends).</summary>
    public static float[] ToSingle(double[] values) => Array.ConvertAll(values, v => (float)v);
}
