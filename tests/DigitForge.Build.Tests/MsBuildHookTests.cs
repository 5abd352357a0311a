using System.IO.Compression;
using DigitForge.Build.NativePatches;

namespace DigitForge.Build.Tests;

/// <summary>
/// The hook through a real `dotnet build` of a throwaway SDK project that
/// imports the repo's Directory.Build.targets and references a local package shipping the real
/// libLibTorchSharp.so under runtimes/linux-x64/native/ the way TorchSharp does. It is restored
/// into a private packages folder, so the "NuGet cache" is a temp folder the test can check
/// (~/.nuget/packages is only read). The host check is pinned with DigitForgeLibStdCxxPath.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class SdkBuildHookTests : IDisposable
{
    private const string PackageId = "DigitForge.Fake.LibTorchSharp.Native";
    private readonly TempDir _temp = new("digitforge-build-hook-tests");
    private readonly byte[] _original = File.ReadAllBytes(Tools.RealLibTorchSharp);
    private readonly string _hostLacksVersion;

    public SdkBuildHookTests()
    {
        _hostLacksVersion = $"-p:DigitForgeLibStdCxxPath={HostLibStdCxx.Write(_temp, withVersion: false)}";

        // Stop MSBuild's search for Directory.Build.* at the temp root, then hook in the repo's targets.
        File.WriteAllText(_temp.File("Directory.Build.props"), "<Project />");
        File.WriteAllText(_temp.File("Directory.Build.targets"),
            $"""<Project><Import Project="{Path.Combine(Tools.RepoRoot, "Directory.Build.targets")}" /></Project>""");
        File.WriteAllText(_temp.File("NuGet.config"), """
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources><clear /><add key="local" value="feed" /></packageSources>
              <config><add key="globalPackagesFolder" value="packages" /></config>
            </configuration>
            """);
        WritePackage(_temp.File("feed", $"{PackageId}.1.0.0.nupkg"), _original);
        File.WriteAllText(_temp.File("app", "app.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <UseAppHost>false</UseAppHost>
                <ImplicitUsings>disable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{PackageId}" Version="1.0.0" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(_temp.File("app", "Program.cs"), "System.Console.WriteLine(\"app\");\n");
    }

    private string PackageCopy => Path.Combine(_temp.Path, "packages", PackageId.ToLowerInvariant(), "1.0.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    public void Dispose() => _temp.Dispose();

    [LinuxFact]
    public void Build_patches_the_output_copy_never_the_package_cache_and_a_rebuild_does_not_run_the_task()
    {
        var output = Path.Combine(_temp.Path, "app", "bin", "Debug", "net10.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

        // Hard-linked copy-local files: the output starts as the package cache's own inode.
        var first = Dotnet("build", "-p:CreateHardLinksForCopyLocalIfPossible=true", _hostLacksVersion);

        first.Should().Contain($"DigitForge: marked the GLIBCXX_3.4.32 need weak in {output}");
        HostLibStdCxx.IsWeak(output).Should().BeTrue();
        File.ReadAllBytes(PackageCopy).Should().Equal(_original, "the package cache copy is never written");
        Tools.LinkCount(PackageCopy).Should().Be(1, "the output got its own inode");
        File.GetLastWriteTimeUtc(output).Should().Be(File.GetLastWriteTimeUtc(PackageCopy), "so MSBuild does not copy it again");
        var patched = File.ReadAllBytes(output);
        var inode = Tools.Inode(output);

        var second = Dotnet("build", "--no-restore", "-v:d", "-p:CreateHardLinksForCopyLocalIfPossible=true", _hostLacksVersion);

        second.Should().Contain("Done building target \"DigitForgePatchLibTorchSharpInOutput\"")
            .And.Contain("unchanged since the last check; nothing to patch")
            .And.NotContain("Task \"PatchLibTorchSharp\"", "the inline task (and its compilation) is not needed")
            .And.NotContain("DigitForge: marked");
        File.ReadAllBytes(output).Should().Equal(patched);
        Tools.Inode(output).Should().Be(inode, "neither MSBuild's copy nor the patch step rewrote it");
        Tools.FatalLddErrors(HostLibStdCxx.Ldd(output)).Should().BeEmpty();
    }

    private string Dotnet(params string[] arguments)
    {
        var (exitCode, output) = Tools.Dotnet(
            Path.Combine(_temp.Path, "app"),
            new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(_temp.Path, "packages") },
            arguments);
        exitCode.Should().Be(0, $"dotnet {string.Join(' ', arguments)} must succeed:\n{output}");
        return output;
    }

    private static void WritePackage(string path, byte[] library)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        using (var nuspec = new StreamWriter(zip.CreateEntry($"{PackageId}.nuspec").Open()))
        {
            nuspec.Write($"""
                <?xml version="1.0" encoding="utf-8"?>
                <package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
                  <metadata>
                    <id>{PackageId}</id>
                    <version>1.0.0</version>
                    <authors>DigitForge tests</authors>
                    <description>Ships libLibTorchSharp.so the way TorchSharp does.</description>
                  </metadata>
                </package>
                """);
        }

        using var native = zip.CreateEntry("runtimes/linux-x64/native/libLibTorchSharp.so", CompressionLevel.Fastest).Open();
        native.Write(library);
    }
}

/// <summary>
/// The targets on their own (no SDK, restore or compiler, so these are quick): a bare project that
/// imports the repo's Directory.Build.targets, has empty Build and Publish targets, and whose
/// out/ and pub/ folders the test fills with copies of the real libLibTorchSharp.so.
/// </summary>
[Trait("Category", "EndToEnd")]
public sealed class TargetsHookTests : IDisposable
{
    private readonly TempDir _temp = new("digitforge-build-hook-tests");
    private readonly byte[] _original = File.ReadAllBytes(Tools.RealLibTorchSharp);
    private readonly string _hostLacksVersion;
    private readonly string _hostHasVersion;

    public TargetsHookTests()
    {
        _hostLacksVersion = $"-p:DigitForgeLibStdCxxPath={HostLibStdCxx.Write(_temp, withVersion: false)}";
        _hostHasVersion = $"-p:DigitForgeLibStdCxxPath={HostLibStdCxx.Write(_temp, withVersion: true)}";
        File.WriteAllText(_temp.File("bare.proj"), $"""
            <Project>
              <PropertyGroup>
                <OutDir>out/</OutDir>
                <PublishDir>pub/</PublishDir>
                <IntermediateOutputPath>obj/</IntermediateOutputPath>
              </PropertyGroup>
              <Import Project="{Path.Combine(Tools.RepoRoot, "Directory.Build.targets")}" />
              <Target Name="Build" />
              <Target Name="Publish" />
            </Project>
            """);
    }

    public void Dispose() => _temp.Dispose();

    [LinuxFact]
    public void After_Build_and_Publish_every_copy_in_OutDir_and_PublishDir_is_patched_once_and_a_fresh_copy_again()
    {
        var frameworkDependent = Place("out", "runtimes", "linux-x64", "native");
        var ridSpecific = Place("out");
        var published = Place("pub", "runtimes", "linux-x64", "native");

        MsBuild("-t:Build;Publish", _hostLacksVersion).Should()
            .Contain($"DigitForge: marked the GLIBCXX_3.4.32 need weak in {frameworkDependent}")
            .And.Contain($"DigitForge: marked the GLIBCXX_3.4.32 need weak in {ridSpecific}")
            .And.Contain($"DigitForge: marked the GLIBCXX_3.4.32 need weak in {published}");
        HostLibStdCxx.IsWeak(frameworkDependent).Should().BeTrue();
        HostLibStdCxx.IsWeak(ridSpecific).Should().BeTrue();
        HostLibStdCxx.IsWeak(published).Should().BeTrue();
        var patched = File.ReadAllBytes(ridSpecific);

        MsBuild("-t:Build;Publish", "-v:d", _hostLacksVersion).Should()
            .Contain("unchanged since the last check; nothing to patch")
            .And.NotContain("Task \"PatchLibTorchSharp\"");

        // The SDK copies a fresh, unpatched file (say bin/ was wiped but obj/ kept).
        File.Delete(ridSpecific);
        Place("out");
        MsBuild("-t:Build", _hostLacksVersion).Should()
            .Contain($"DigitForge: marked the GLIBCXX_3.4.32 need weak in {ridSpecific}")
            .And.NotContain($"weak in {frameworkDependent}");
        File.ReadAllBytes(ridSpecific).Should().Equal(patched);
    }

    [LinuxFact]
    public void A_host_libstdcxx_with_the_version_the_switch_turned_off_or_no_library_leave_everything_alone()
    {
        MsBuild("-t:Build", "-v:d", _hostLacksVersion).Should()
            .NotContain("DigitForge:", "no libLibTorchSharp.so in the output: nothing happens")
            .And.NotContain("Task \"GetFileHash\"");

        var copy = Place("out", "runtimes", "linux-x64", "native");
        MsBuild("-t:Build", "-v:d", "-p:DigitForgePatchLibTorchSharp=false", _hostLacksVersion).Should().NotContain("DigitForge:");
        File.ReadAllBytes(copy).Should().Equal(_original);

        MsBuild("-t:Build", "-v:d", _hostHasVersion).Should().Contain("provides GLIBCXX_3.4.32; libLibTorchSharp.so needs no patch");
        File.ReadAllBytes(copy).Should().Equal(_original);
    }

    [LinuxFact]
    public void A_malformed_library_fails_the_build_with_a_clear_error_and_is_left_as_it_is()
    {
        var copy = _temp.File("out", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        File.WriteAllBytes(copy, _original[..100_000]);

        var (exitCode, output) = Tools.Dotnet(_temp.Path, null, "msbuild", "bare.proj", "-t:Build", _hostLacksVersion);

        exitCode.Should().NotBe(0, output);
        output.Should().Contain(
            $"error DF0001: DigitForge: cannot patch libLibTorchSharp.so for this host's libstdc++: {copy}: truncated or corrupt: the section header table")
            .And.Contain("(set DigitForgePatchLibTorchSharp=false to skip this step)");
        File.ReadAllBytes(copy).Should().Equal(_original[..100_000]);
        Directory.GetFiles(Path.GetDirectoryName(copy)!).Should().ContainSingle("no temporary file is left behind");
    }

    private string Place(params string[] folder)
    {
        var path = _temp.File([.. folder, "libLibTorchSharp.so"]);
        File.WriteAllBytes(path, _original);
        return path;
    }

    private string MsBuild(params string[] arguments)
    {
        var (exitCode, output) = Tools.Dotnet(_temp.Path, null, ["msbuild", "bare.proj", .. arguments]);
        exitCode.Should().Be(0, $"dotnet msbuild {string.Join(' ', arguments)} must succeed:\n{output}");
        return output;
    }
}

/// <summary>Stand-ins for the host's libstdc++.so.6 and checks shared by the hook tests.</summary>
public static class HostLibStdCxx
{
    public static string Write(TempDir temp, bool withVersion)
    {
        var path = temp.File(withVersion ? "host-new" : "host-old", "libstdc++.so.6");
        File.WriteAllBytes(path, withVersion
            ? [0x7F, .. "ELF\0GLIBCXX_3.4.30\0GLIBCXX_3.4.32\0"u8]
            : [0x7F, .. "ELF\0GLIBCXX_3.4.30\0"u8]);
        return path;
    }

    public static bool IsWeak(string path) =>
        ElfVersionNeeds.ReadVersionNeeds(path).Single(e => e.Version == LibTorchSharpPatch.Version).IsWeak;

    /// <summary>ldd with libtorch's own folder on the search path, so only version problems remain.</summary>
    public static string Ldd(string path)
    {
        var environment = new Dictionary<string, string?> { ["LD_LIBRARY_PATH"] = Tools.LibTorchNativeDirectory };
        return Tools.Run("ldd", [path], null, environment, TimeSpan.FromSeconds(30)).Output;
    }
}
