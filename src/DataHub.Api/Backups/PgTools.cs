using System.Diagnostics;
using Npgsql;

namespace DataHub.Api.Backups;

/// <summary>
/// pg_dump and pg_restore as child processes, given the connection through the PG* environment
/// (so the password never appears on a command line).
/// </summary>
public static class PgTools
{
    public sealed class Run(Process process) : IAsyncDisposable
    {
        private readonly Task<string> errors = process.StandardError.ReadToEndAsync();

        public Process Process { get; } = process;

        /// <summary>Waits for the exit; a non-zero exit becomes a BackupException carrying the tool's own words.</summary>
        public async Task EnsureSucceededAsync(string what, CancellationToken ct)
        {
            await Process.WaitForExitAsync(ct);
            var stderr = (await errors).Trim();
            if (Process.ExitCode != 0)
            {
                throw new BackupException($"{what} failed (exit {Process.ExitCode}): {(stderr.Length > 2000 ? stderr[..2000] : stderr)}");
            }
        }

        public ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
            Process.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    public static Run Start(string tool, NpgsqlConnectionStringBuilder connection, IEnumerable<string> arguments, bool stdin, bool stdout)
    {
        var info = new ProcessStartInfo(tool)
        {
            RedirectStandardError = true,
            RedirectStandardInput = stdin,
            RedirectStandardOutput = stdout,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["PGHOST"] = connection.Host;
        info.Environment["PGPORT"] = connection.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["PGUSER"] = connection.Username;
        info.Environment["PGPASSWORD"] = connection.Password;
        info.Environment["PGDATABASE"] = connection.Database;
        info.Environment["PGAPPNAME"] = "datahub-backup";
        if (connection.SslMode != SslMode.Prefer)
        {
            info.Environment["PGSSLMODE"] = connection.SslMode.ToString().ToLowerInvariant();
        }
        try
        {
            return new Run(Process.Start(info) ?? throw new BackupException($"{tool} did not start"));
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new BackupException($"{tool} cannot be run ({e.Message}): install the PostgreSQL client (postgresql-client-15) or set Backups:PgDump / Backups:PgRestore.", e);
        }
    }
}
