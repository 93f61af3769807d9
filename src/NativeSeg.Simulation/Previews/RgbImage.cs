namespace NativeSeg.Simulation.Previews;

/// <summary>An 8-bit RGB image, rows top to bottom, 3 bytes per pixel.</summary>
public sealed class RgbImage
{
    public RgbImage(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size {width}×{height} must be positive");
        Width = width;
        Height = height;
        Pixels = new byte[width * height * 3];
    }

    public int Width { get; }
    public int Height { get; }
    public byte[] Pixels { get; }

    public void Set(int x, int y, (byte R, byte G, byte B) colour)
    {
        int o = 3 * (x + y * Width);
        Pixels[o] = colour.R;
        Pixels[o + 1] = colour.G;
        Pixels[o + 2] = colour.B;
    }

    public (byte R, byte G, byte B) Get(int x, int y)
    {
        int o = 3 * (x + y * Width);
        return (Pixels[o], Pixels[o + 1], Pixels[o + 2]);
    }
}
