using System.Diagnostics;
using System.Globalization;
using Npgsql;

namespace DigitForge.Monitoring.Tests;

/// <summary>
/// A throwaway PostgreSQL server from the distribution's binaries: <c>initdb</c> into a temp folder,
/// <c>pg_ctl start</c> on a free loopback port, stopped and deleted on dispose. PostgreSQL refuses to
/// run as root, so as root it runs as the <c>postgres</c> user the Debian package creates (else
/// <c>nobody</c>) through <c>runuser</c>. Skips the test, saying why, when the binaries cannot be had.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    private const string Superuser = "digitforge";

    private readonly string folder;
    private readonly string data;
    private readonly string? runAs;
    private bool started;

    public PostgresServer()
    {
        Prerequisites.Postgres.Require();
        runAs = Environment.IsPrivilegedProcess ? (UserExists("postgres") ? "postgres" : "nobody") : null;
        folder = Path.Combine(Path.GetTempPath(), "digitforge-pg-" + Guid.NewGuid().ToString("N"));
        data = Path.Combine(folder, "data");
        Directory.CreateDirectory(folder);
        if (runAs is not null)
        {
            Run("chown", [runAs, folder]);
        }

        Run(Prerequisites.Postgres.PathOf("initdb"), ["-D", data, "-U", Superuser, "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"], runAs);
        for (var attempt = 1; ; attempt++)
        {
            Port = LoopbackPorts.Free();
            var options = string.Create(CultureInfo.InvariantCulture, $"-p {Port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=20 -c shared_buffers=16MB");
            var (code, output) = Exec(Prerequisites.Postgres.PathOf("pg_ctl"), ["-D", data, "-o", options, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "start"], runAs);
            if (code == 0)
            {
                started = true;
                break;
            }

            // The port was taken between the probe and the bind: try another.
            if (attempt == 3)
            {
                throw new InvalidOperationException($"pg_ctl start failed (exit {code}): {output} {File.ReadAllText(Path.Combine(folder, "server.log"))}");
            }
        }
    }

    public int Port { get; }

    /// <summary>A new, empty database on this server, as a DIGITFORGE_MONITOR address.</summary>
    public string NewDatabase()
    {
        var name = "t" + Guid.NewGuid().ToString("N")[..12];
        using var connection = new NpgsqlConnection(string.Create(CultureInfo.InvariantCulture, $"Host=127.0.0.1;Port={Port};Username={Superuser};Database=postgres"));
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE {name}";
        command.ExecuteNonQuery();
        return string.Create(CultureInfo.InvariantCulture, $"postgres://{Superuser}@127.0.0.1:{Port}/{name}");
    }

    public void Dispose()
    {
        if (started)
        {
            Exec(Prerequisites.Postgres.PathOf("pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"], runAs);
        }

        Directory.Delete(folder, recursive: true);
    }

    private static bool UserExists(string user) => Exec("id", ["-u", user], null).Code == 0;

    private static void Run(string program, string[] arguments, string? user = null)
    {
        var (code, output) = Exec(program, arguments, user);
        if (code != 0)
        {
            throw new InvalidOperationException($"{Path.GetFileName(program)} failed (exit {code}): {output}");
        }
    }

    private static (int Code, string Output) Exec(string program, string[] arguments, string? user)
    {
        var start = new ProcessStartInfo(user is null ? program : "runuser") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in (user is null ? [] : new[] { "-u", user, "--", program }).Concat(arguments))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, (output.Result + errors.Result).Trim());
    }
}
