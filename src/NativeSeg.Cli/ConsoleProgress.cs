namespace NativeSeg.Cli;

/// <summary>
/// Progress for long steps: a redrawn bar on an interactive terminal, plain lines (every 10%) when stderr is piped,
/// nothing when quiet. Writes to stderr so stdout stays clean for --json.
/// </summary>
public sealed class ConsoleProgress(string label, bool quiet)
{
    private readonly bool _interactive = !Console.IsErrorRedirected;
    private readonly DateTime _start = DateTime.UtcNow;
    private int _lastDecile = -1;

    public void Report(int done, int total)
    {
        if (quiet || total <= 0) return;
        double fraction = Math.Clamp((double)done / total, 0, 1);
        double elapsed = (DateTime.UtcNow - _start).TotalSeconds;
        string eta = done > 0 && done < total ? $", about {elapsed / done * (total - done):F0} s left" : "";
        if (_interactive)
        {
            const int width = 30;
            int filled = (int)(fraction * width);
            Console.Error.Write($"\r{label} [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total}{eta}   ");
            if (done >= total) Console.Error.WriteLine();
            return;
        }
        int decile = (int)(fraction * 10);
        if (decile == _lastDecile) return;
        _lastDecile = decile;
        Console.Error.WriteLine($"{label}: {done}/{total} ({fraction:P0}){eta}");
    }
}
