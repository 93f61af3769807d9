namespace NativeSeg.Engine;

/// <summary>The requested device does not exist on this machine, or its name is unknown.</summary>
public sealed class DeviceUnavailableException(string message) : Exception(message);
