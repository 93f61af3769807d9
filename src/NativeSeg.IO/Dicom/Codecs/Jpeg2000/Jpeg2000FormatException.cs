namespace NativeSeg.IO.Dicom.Codecs.Jpeg2000;

/// <summary>
/// A JPEG 2000 code stream that cannot be decoded (corrupt, truncated, or outside what a CT frame can be). The
/// decoder throws it with the reason only; <see cref="Jpeg2000Decoder"/> turns it into an
/// <see cref="InvalidInputException"/> naming the file and the frame.
/// </summary>
internal sealed class Jpeg2000FormatException(string reason) : Exception(reason);
