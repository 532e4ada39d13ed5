using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DataHub.Tests.Backups;

/// <summary>
/// A real OpenSSH server on 127.0.0.1 (a free port) with a throwaway host key and client key,
/// serving SFTP from a folder of its own; it can be stopped and started again on the same port.
/// </summary>
public sealed class SshServer : IAsyncDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private Process? process;

    public string Root { get; }
    public string Folder => Path.Combine(Root, "backups");
    public string ClientKey => Path.Combine(Root, "client_key");
    public string HostKeyFingerprint { get; private set; } = "";
    /// <summary>The fingerprint of a key this server does not have.</summary>
    public string OtherFingerprint { get; private set; } = "";
    public int Port { get; }
    public string User { get; } = Environment.UserName;

    private SshServer(string root, int port)
    {
        Root = root;
        Port = port;
    }

    public static async Task<SshServer> StartAsync()
    {
        if (!File.Exists(Sshd))
        {
            throw new InvalidOperationException($"{Sshd} is missing: scripts/test installs openssh-server (apt).");
        }
        var root = Directory.CreateTempSubdirectory("datahub-sshd-").FullName;
        var server = new SshServer(root, FreePort());
        Directory.CreateDirectory(server.Folder);
        // sshd's privilege separation folder (Debian creates it only when the service starts).
        Directory.CreateDirectory("/run/sshd");
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(root, "host_key"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", Path.Combine(root, "other_host_key"));
        await RunAsync("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", server.ClientKey);
        File.Copy(server.ClientKey + ".pub", Path.Combine(root, "authorized_keys"));
        server.HostKeyFingerprint = await FingerprintAsync(Path.Combine(root, "host_key.pub"));
        server.OtherFingerprint = await FingerprintAsync(Path.Combine(root, "other_host_key.pub"));
        await File.WriteAllTextAsync(Path.Combine(root, "sshd_config"), $"""
            Port {server.Port}
            ListenAddress 127.0.0.1
            HostKey {root}/host_key
            AuthorizedKeysFile {root}/authorized_keys
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            PidFile {root}/sshd.pid
            Subsystem sftp internal-sftp
            LogLevel ERROR

            """);
        await server.StartAgainAsync();
        return server;
    }

    public async Task StartAgainAsync()
    {
        process = Process.Start(new ProcessStartInfo(Sshd, ["-D", "-e", "-f", Path.Combine(Root, "sshd_config")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"sshd exited at once (code {process.ExitCode})");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new InvalidOperationException("sshd did not listen within 10 s");
    }

    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process?.Dispose();
        process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Directory.Delete(Root, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task<string> FingerprintAsync(string publicKey)
    {
        // "256 SHA256:abc… comment (ED25519)"
        return (await RunAsync("ssh-keygen", "-l", "-E", "sha256", "-f", publicKey)).Split(' ')[1];
    }

    private static async Task<string> RunAsync(string tool, params string[] arguments)
    {
        using var run = Process.Start(new ProcessStartInfo(tool, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await run.StandardOutput.ReadToEndAsync();
        var errors = await run.StandardError.ReadToEndAsync();
        await run.WaitForExitAsync();
        return run.ExitCode == 0 ? output.Trim() : throw new InvalidOperationException($"{tool} failed: {errors}");
    }
}
