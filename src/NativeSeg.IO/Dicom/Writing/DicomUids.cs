using System.Numerics;
using System.Security.Cryptography;

namespace NativeSeg.IO.Dicom.Writing;

/// <summary>
/// UIDs NativeSeg creates. NativeSeg has no registered UID root, so every new UID is a UUID written as a decimal
/// integer under the root 2.25 (PS3.5 B.2, ISO/IEC 9834-8): "2.25." followed by the 128-bit value of a random
/// (version 4) UUID, at most 44 characters. Such UIDs are unique without any registry.
/// </summary>
public static class DicomUids
{
    /// <summary>The root every NativeSeg UID starts with (UUID-derived UIDs, PS3.5 B.2).</summary>
    public const string Root = "2.25.";

    /// <summary>
    /// NativeSeg's Implementation Class UID in the file meta header (PS3.7 D.3.3.2): one fixed UUID-derived UID,
    /// made once (UUID 3644b174-1f3d-4798-b660-e43b96d71792).
    /// </summary>
    public const string ImplementationClassUid = "2.25.72134987145400641300399181636140734354";

    /// <summary>A new UID from a random version 4 UUID.</summary>
    public static string Create()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40); // version 4
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80); // RFC 4122 variant
        var value = new BigInteger(bytes, isUnsigned: true, isBigEndian: true);
        return Root + value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
