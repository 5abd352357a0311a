using System.Globalization;
using System.Text;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Storage;
using DigitForge.Engine.History;
using DigitForge.Engine.Pipelines;
using DigitForge.Engine.Records;
using DigitForge.Registry;
using DigitForge.Registry.Store;
using Newtonsoft.Json;

namespace DigitForge.Cli.Commands;

/// <summary>The text of <c>digitforge models show</c>: what made a version, how good it is, and what happened to it.</summary>
public static class LineageText
{
    public static string Format(IPipelineDefinition definition, RegistryEntry entry, ModelVersion model, ModelManifest manifest, IReadOnlyList<string> problems)
    {
        var text = new StringBuilder();
        void Line(FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"{entry.Name}  {entry.Stage.ToString().ToLowerInvariant()}  created {manifest.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC");
        Line($"  folder     {model.Directory}");
        Line($"  files      {(problems.Count == 0 ? $"intact ({manifest.Files.Count} files match {ModelManifest.FileName})" : "DAMAGED: " + string.Join("; ", problems))}");
        var lineage = manifest.Details.ToObject<VersionLineage>(JsonSerializer.Create(JsonFile.Settings));
        if (lineage?.Stages is null)
        {
            Line($"  details    {manifest.Details.ToString(Formatting.None)}");
        }
        else
        {
            Line($"  parent     {lineage.ParentProduction ?? "none (no production model when it was built)"}");
            var metrics = definition.Metrics(model.Directory);
            var figures = definition.MetricSpecs.Where(spec => metrics.ContainsKey(spec.Name)).Select(spec => $"{spec.Name} {spec.Format(metrics[spec.Name])}").ToList();
            Line($"  metrics    {(figures.Count == 0 ? entry.Metrics.Describe(definition.ClassNames) : string.Join(", ", figures))} (test set {ContentHash.Short(entry.Metrics.TestSetFingerprint)})");
            foreach (var fact in definition.VersionFacts(model.Directory, manifest.Details))
            {
                Line($"  {fact}");
            }

            foreach (var (stage, facts) in lineage.Stages)
            {
                var reads = facts.Files.Concat(facts.Inputs).Select(f => $"{f.Key} {ContentHash.Short(f.Value)}");
                var code = facts.Code.Select(c => $"{c.Key} {ContentHash.Short(c.Value)}");
                Line($"  {stage,-10} fingerprint {ContentHash.Short(facts.Fingerprint)}, config {ContentHash.Short(facts.ConfigSha256)}, {facts.Seconds:0.0} s at {facts.StartedAt:yyyy-MM-dd HH:mm:ss} UTC");
                Line($"             reads {string.Join(", ", reads.DefaultIfEmpty("nothing upstream"))}");
                Line($"             code {string.Join(", ", code)}");
            }

            if (lineage.Config is { } config)
            {
                Line($"  config");
                foreach (var (key, value) in ConfigFlattener.Flatten(config))
                {
                    Line($"    {key} = {value}");
                }
            }
        }

        History(entry, text);
        return text.ToString();
    }

    /// <summary>A deleted version: its files are gone, the registry's record of it is what is left.</summary>
    public static string FormatDeleted(RegistryEntry entry, IReadOnlyList<string>? classNames)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{entry.Name}  deleted  created {entry.CreatedAt:yyyy-MM-dd HH:mm:ss} UTC\n");
        text.Append(CultureInfo.InvariantCulture, $"  files      deleted; the registry keeps this entry and its history\n");
        text.Append(CultureInfo.InvariantCulture, $"  metrics    {entry.Metrics.Describe(classNames)} (test set {ContentHash.Short(entry.Metrics.TestSetFingerprint)})\n");
        History(entry, text);
        return text.ToString();
    }

    private static void History(RegistryEntry entry, StringBuilder text)
    {
        void Line(FormattableString line) => text.Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Line($"  history");
        foreach (var e in entry.Events)
        {
            var detail = new List<string>();
            if (e.Forced == true)
            {
                detail.Add($"FORCED over the gate's {e.Decision?.ToString().ToLowerInvariant() ?? "earlier reject"}");
            }

            if (e.From is { } from)
            {
                detail.Add($"from v{from:D4}");
            }

            if (e.To is { } to)
            {
                detail.Add($"to v{to:D4}");
            }

            if (e.Reasons is { Count: > 0 } reasons)
            {
                detail.Add(string.Join("; ", reasons));
            }

            if (e.Was is { } was)
            {
                detail.Add($"was {was.ToString().ToLowerInvariant()}");
            }

            Line($"    #{e.Sequence} {e.At:yyyy-MM-dd HH:mm:ss} {Describe(e.Kind)} by {e.Actor}{(detail.Count == 0 ? string.Empty : ": " + string.Join(", ", detail))}");
        }
    }

    private static string Describe(RegistryEventKind kind) => kind == RegistryEventKind.RolledBack ? "rolled back" : kind.ToString().ToLowerInvariant();
}
