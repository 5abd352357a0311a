using DigitForge.Engine.Config;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Stages;

namespace DigitForge.Cli.Commands;

/// <summary>
/// Runs a verb and turns the errors a user can act on into one clear line and an exit code,
/// never a stack trace (set DIGITFORGE_DEBUG=1 to see one).
/// </summary>
public static class Guarded
{
    public static int Run(Func<int> verb)
    {
        try
        {
            return verb();
        }
        catch (Engine.Sweeps.TrialPrunedException ex)
        {
            return Fail(ExitCodes.Pruned, ex);
        }
        catch (Engine.Storage.LockBusyException ex)
        {
            return Fail(ExitCodes.LockBusy, ex);
        }
        catch (ConfigException ex)
        {
            return Fail(ExitCodes.UsageError, ex);
        }
        catch (ScoreSetupException ex)
        {
            return Fail(
                ex.Problem switch
                {
                    ScoreSetupProblem.Usage => ExitCodes.UsageError,
                    ScoreSetupProblem.RemoteUnavailable => ExitCodes.RemoteUnavailable,
                    ScoreSetupProblem.GoldenCheckFailed => ExitCodes.GoldenCheckFailed,
                    _ => ExitCodes.DataError,
                },
                ex);
        }
        catch (Registry.RegistryUnavailableException ex)
        {
            return Fail(ExitCodes.RemoteUnavailable, ex);
        }
        catch (Engine.Caching.RemoteCacheException ex)
        {
            // Only where a verb cannot go on without the remote (a sweep member's plan and record, a feedback snapshot); a build warns and goes on.
            return Fail(ExitCodes.RemoteUnavailable, ex);
        }
        catch (Registry.RegistryDamagedException ex)
        {
            return Fail(ExitCodes.DataError, ex);
        }
        catch (Monitoring.Store.MonitorStoreException ex)
        {
            return Fail(ExitCodes.DataError, ex);
        }
        catch (Exception ex) when (ex is IDataException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException or HttpRequestException)
        {
            return Fail(ExitCodes.DataError, ex);
        }
        catch (Exception ex) when (ex is StageException or ArgumentException or IOException or Registry.RegistryException)
        {
            return Fail(ExitCodes.Failure, ex);
        }
        catch (OperationCanceledException ex)
        {
            return Fail(ExitCodes.Cancelled, ex);
        }
        catch (Exception ex)
        {
            // A bug, not bad input: still one line, with the type, so it can be reported.
            return Fail(ExitCodes.Failure, new InvalidOperationException($"unexpected {ex.GetType().Name}: {ex.Message} (set DIGITFORGE_DEBUG=1 for the stack trace)", ex));
        }
    }

    private static int Fail(int exitCode, Exception ex)
    {
        Console.Error.WriteLine($"error: {ex.Message}");
        if (Environment.GetEnvironmentVariable("DIGITFORGE_DEBUG") == "1")
        {
            Console.Error.WriteLine(ex);
        }

        return exitCode;
    }
}
