namespace NativeSeg.Imaging.Preprocessing;

/// <summary>
/// A rectangle of a slice in display coordinates (columns right → left, rows anterior → posterior):
/// the body's bounding box, inclusive of both ends, so Width = Right − Left + 1.
/// <see cref="HasBody"/> is false when no body was found and the box is the whole slice (the fallback).
/// </summary>
public readonly record struct CropBox(int Left, int Top, int Width, int Height, bool HasBody)
{
    public int Right => Left + Width - 1;

    public int Bottom => Top + Height - 1;

    public bool Contains(int column, int row) => column >= Left && column <= Right && row >= Top && row <= Bottom;

    public static CropBox Whole(int columns, int rows) => new(0, 0, columns, rows, HasBody: false);
}
