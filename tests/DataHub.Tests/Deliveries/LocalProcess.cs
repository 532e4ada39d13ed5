using DataHub.Tests.Infrastructure;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace DataHub.Tests.Deliveries;

/// <summary>
/// A built program of the solution (the hub, the partner receiver) run as a real process with
/// dotnet on 127.0.0.1, as an operator would run it; killed with SIGKILL on request.
/// </summary>
public sealed class LocalProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly List<string> output = [];

    public int Port { get; }
    public HttpClient Client { get; }

    private LocalProcess(Process process, int port)
    {
        this.process = process;
        Port = port;
        Client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(30) };
        // The receiver ignores it; a hub needs it (the test database has the operator, the process the test key).
        Client.DefaultRequestHeaders.Authorization = new("Bearer", TestPrincipals.OperatorToken);
    }

    public static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port; // free now; the process takes it a moment later
    }

    /// <summary>Starts dll (beside the tests) serving on the port and waits until readyPath answers 200.</summary>
    public static async Task<LocalProcess> StartAsync(string dll, int port, string readyPath, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, dll));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore.HttpLogging.HttpLoggingMiddleware"] = "Warning";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{dll} did not start");
        var started = new LocalProcess(process, port);
        process.OutputDataReceived += (_, e) => started.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => started.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        for (var i = 0; i < 240; i++)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{dll} exited with {process.ExitCode}: {started.Output}");
            }
            try
            {
                if ((await started.Client.GetAsync(readyPath)).StatusCode == HttpStatusCode.OK)
                {
                    return started;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(250);
        }
        await started.DisposeAsync();
        throw new InvalidOperationException($"{dll} did not become ready within 60 s: {started.Output}");
    }

    public string Output
    {
        get
        {
            lock (output)
            {
                return string.Join('\n', output.TakeLast(60));
            }
        }
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            lock (output)
            {
                output.Add(line);
            }
        }
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing finished.</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }
        await process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
        Client.Dispose();
    }
}
