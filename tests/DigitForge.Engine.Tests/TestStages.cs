using DigitForge.Engine.Stages;

namespace DigitForge.Engine.Tests;

/// <summary>A real little stage: repeats the text of a source file <c>Times</c> times into out.txt.</summary>
public sealed class RepeatStage(string source) : IStage
{
    public int Times { get; set; } = 2;

    public string Environment { get; set; } = "v1";

    public int Runs { get; private set; }

    public Action<StageRunContext>? During { get; set; }

    public IReadOnlyList<string> Volatile { get; set; } = [];

    IReadOnlyList<string> IStage.VolatileOutputs => Volatile;

    public string Description => "Repeat: a test stage.";

    public IReadOnlyList<StageDependency> Dependencies => [];

    public StageInputs DescribeInputs() => new(
        new { times = Times },
        new Dictionary<string, string> { ["source"] = source },
        new Dictionary<string, string> { ["tool"] = Environment });

    public void Run(StageRunContext context)
    {
        Runs++;
        var text = string.Concat(Enumerable.Repeat(File.ReadAllText(source), Times));
        File.WriteAllText(context.OutputFile("out.txt"), text);
        During?.Invoke(context);
        File.WriteAllText(context.OutputFile("log.txt"), $"run {Guid.NewGuid()}");
    }
}

/// <summary>Counts the characters of the upstream's out.txt (it does not read log.txt).</summary>
public sealed class CountStage : IStage
{
    public int Runs { get; private set; }

    /// <summary>What <see cref="MissingEffect"/> answers: an effect outside the folder gone since the last run.</summary>
    public string? Missing { get; set; }

    /// <summary>The output folder <see cref="MissingEffect"/> was last asked about.</summary>
    public string? AskedAbout { get; private set; }

    public string? MissingEffect(string outputFolder)
    {
        AskedAbout = outputFolder;
        return Missing;
    }

    public string Description => "Count: a test stage.";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<RepeatStage>("out.txt")];

    public StageInputs DescribeInputs() => new(
        new { },
        new Dictionary<string, string>(),
        new Dictionary<string, string>());

    public void Run(StageRunContext context)
    {
        Runs++;
        var length = File.ReadAllText(context.UpstreamFile<RepeatStage>("out.txt")).Length;
        File.WriteAllText(context.OutputFile("count.txt"), length.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>Declares Repeat twice, as a publishing stage declares an upstream's files it reads and those it keeps.</summary>
public sealed class TwiceStage : IStage
{
    public string Description => "Twice: a test stage.";

    public IReadOnlyList<StageDependency> Dependencies => [StageDependency.On<RepeatStage>("out.txt"), StageDependency.On<RepeatStage>()];

    public StageInputs DescribeInputs() => new(new { }, new Dictionary<string, string>(), new Dictionary<string, string>());

    public void Run(StageRunContext context) => File.Copy(context.UpstreamFile<RepeatStage>("out.txt"), context.OutputFile("copy.txt"));
}
