using System.Text;
using DigitForge.Engine.Storage;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace DigitForge.Engine.History;

/// <summary>
/// The append-only run history of one pipeline: <c>runs.jsonl</c>, one JSON line per CLI process of
/// a run, and each resolved config once, by its hash, in <c>configs/</c>. A line is appended in one
/// write under an OS file lock, so concurrent builds never interleave; a line torn by kill -9 is
/// skipped when reading, with a warning naming the file and line, and the next append starts on a
/// fresh line.
/// </summary>
public sealed class RunHistory(string directory)
{
    public const string FileName = "runs.jsonl";

    /// <summary>Another history folder for this process's runs: a sweep's members build in scratch folders and record into the pipeline's history.</summary>
    public const string DirectoryVariable = "DIGITFORGE_HISTORY";
    private const string LockFileName = ".runs.lock";
    private static readonly TimeSpan LockTimeout = TimeSpan.FromSeconds(30);

    public string Directory { get; } = Path.GetFullPath(directory);

    public string FilePath => Path.Combine(Directory, FileName);

    public string ConfigPath(string hash) => Path.Combine(Directory, "configs", hash + ".json");

    /// <summary>Appends <paramref name="line"/>, keeping <paramref name="config"/> under its hash first when it is new.</summary>
    public void Append(RunLine line, JToken config)
    {
        KeepConfig(line.ConfigHash, config);
        System.IO.Directory.CreateDirectory(Directory);
        using var held = Lock();
        WriteLines(JsonConvert.SerializeObject(line, Formatting.None, JsonFile.Settings) + "\n");
    }

    /// <summary>
    /// Appends the lines of one run recorded elsewhere (another machine's sweep member), with the
    /// configs they name, unless the history already has a line of that run: checked and appended
    /// under the lock, so importing the same run twice, even at once, adds it once.
    /// </summary>
    /// <returns>Whether the run was added.</returns>
    public bool Import(IReadOnlyList<RunLine> lines, IReadOnlyDictionary<string, JToken> configs)
    {
        var run = lines[0].Run;
        if (lines.Any(l => l.Run != run))
        {
            throw new ArgumentException($"the lines to import are of more than one run ({run}, {lines.First(l => l.Run != run).Run})", nameof(lines));
        }

        foreach (var hash in lines.Select(l => l.ConfigHash).Distinct(StringComparer.Ordinal))
        {
            if (configs.TryGetValue(hash, out var config))
            {
                KeepConfig(hash, config);
            }
        }

        System.IO.Directory.CreateDirectory(Directory);
        using var held = Lock();
        if (ReadLines([]).Any(l => l.Run == run))
        {
            return false;
        }

        WriteLines(string.Concat(lines.Select(l => JsonConvert.SerializeObject(l, Formatting.None, JsonFile.Settings) + "\n")));
        return true;
    }

    /// <summary>Every readable line in file order; each unreadable one is skipped and named in <paramref name="warnings"/>.</summary>
    public IReadOnlyList<RunLine> ReadLines(List<string> warnings)
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        string text;
        using (var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
        using (var reader = new StreamReader(stream, Encoding.UTF8))
        {
            text = reader.ReadToEnd();
        }

        var lines = text.Split('\n');
        var read = new List<RunLine>();
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].Length == 0)
            {
                continue;
            }

            var last = i == lines.Length - 1;
            try
            {
                var line = JsonConvert.DeserializeObject<RunLine>(lines[i], JsonFile.Settings);
                if (line?.Run is { Length: > 0 } && line.ConfigHash is { Length: > 0 })
                {
                    read.Add(line);
                    continue;
                }

                warnings.Add($"{FilePath} line {i + 1}: not a run record (no run id or config hash); ignored");
            }
            catch (JsonException ex)
            {
                warnings.Add(last
                    ? $"{FilePath} line {i + 1}: torn last line (a writer was killed mid-line?); ignored"
                    : $"{FilePath} line {i + 1}: unreadable ({ex.Message}); ignored");
            }
        }

        return read;
    }

    /// <summary>Every run, oldest first.</summary>
    public IReadOnlyList<RunRecord> Runs(List<string> warnings) => RunRecord.Assemble(ReadLines(warnings));

    /// <summary>A run's resolved config; null when its file is missing or unreadable (said in <paramref name="warnings"/>).</summary>
    public JObject? ReadConfig(string hash, List<string> warnings)
    {
        var path = ConfigPath(hash);
        if (!File.Exists(path))
        {
            warnings.Add($"{path}: missing; that run's parameters are unknown");
            return null;
        }

        try
        {
            return JObject.Parse(File.ReadAllText(path));
        }
        catch (JsonException ex)
        {
            warnings.Add($"{path}: unreadable ({ex.Message}); that run's parameters are unknown");
            return null;
        }
    }

    // Under the lock: one write, so concurrent writers never interleave.
    private void WriteLines(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        using var stream = new FileStream(FilePath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (stream.Length > 0)
        {
            // A line torn by a killed writer has no newline: this line must not be glued to it.
            stream.Seek(-1, SeekOrigin.End);
            if (stream.ReadByte() != '\n')
            {
                bytes = [(byte)'\n', .. bytes];
            }
        }

        stream.Seek(0, SeekOrigin.End);
        stream.Write(bytes);
        stream.Flush();
    }

    private void KeepConfig(string hash, JToken config)
    {
        if (!File.Exists(ConfigPath(hash)))
        {
            AtomicFile.WriteAllText(ConfigPath(hash), config.ToString(Formatting.Indented) + "\n");
        }
    }

    // The OS drops the lock with the process, so a killed writer never leaves it held.
    private FileStream Lock()
    {
        var path = Path.Combine(Directory, LockFileName);
        var deadline = DateTime.UtcNow + LockTimeout;
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(5);
            }
            catch (IOException ex)
            {
                throw new IOException($"{path}: still locked by another process after {LockTimeout.TotalSeconds:0} s; the run was not recorded in {FilePath}", ex);
            }
        }
    }
}
