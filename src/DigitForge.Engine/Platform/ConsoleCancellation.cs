using System.Runtime.InteropServices;

namespace DigitForge.Engine.Platform;

/// <summary>
/// A token cancelled by Ctrl+C or by SIGTERM, with which batch systems stop (or pre-empt) a job, so
/// a long run ends as cleanly on either; the handlers go when it is disposed.
/// </summary>
public sealed class ConsoleCancellation : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration terminate;

    public ConsoleCancellation()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
        {
            signal.Cancel = true;
            source.Cancel();
        });
    }

    public CancellationToken Token => source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        terminate.Dispose();
        source.Dispose();
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        source.Cancel();
    }
}
