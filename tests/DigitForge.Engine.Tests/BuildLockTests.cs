using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Tests;

[Trait("Category", "Unit")]
[Collection(nameof(BuildLockTests))] // one test sets the process's environment
public sealed class BuildLockTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Second_holder_waits_then_times_out_naming_the_lock()
    {
        var waited = new List<string>();
        using var first = BuildLock.Acquire(temp.Path, TimeSpan.FromSeconds(1), waited.Add, "first build");

        var act = () => BuildLock.Acquire(temp.Path, TimeSpan.FromMilliseconds(600), waited.Add);

        act.Should().Throw<IOException>().WithMessage($"*.build.lock: pid {Environment.ProcessId} on {Environment.MachineName} (first build) since * still holds the lock*");
        waited.Should().ContainSingle().Which.Should().Contain($"is held by pid {Environment.ProcessId}");
    }

    [Fact]
    public void Lock_is_free_again_after_dispose()
    {
        BuildLock.Acquire(temp.Path, TimeSpan.FromSeconds(1), _ => { }).Dispose();

        using var again = BuildLock.Acquire(temp.Path, TimeSpan.FromMilliseconds(100), _ => { });

        again.Should().NotBeNull();
    }

    [Fact]
    public void Without_waiting_a_busy_lock_names_its_holder_at_once()
    {
        using var first = BuildLock.Acquire(temp.Path, TimeSpan.FromSeconds(1), _ => { }, "./build.sh --target=Evaluate");

        var act = () => BuildLock.Acquire(temp.Path, TimeSpan.Zero, _ => { });

        act.Should().Throw<LockBusyException>().WithMessage($"*is held by pid {Environment.ProcessId} on * (./build.sh --target=Evaluate) since *; not waiting");
    }

    [Fact]
    public void A_stage_process_runs_under_its_builds_lock_by_token_and_only_by_token()
    {
        using var build = BuildLock.Acquire(temp.Path, TimeSpan.FromSeconds(1), _ => { }, "build");
        try
        {
            Environment.SetEnvironmentVariable(BuildLock.TokenVariable, "not-the-token");
            var stranger = () => BuildLock.Acquire(temp.Path, TimeSpan.Zero, _ => { });
            stranger.Should().Throw<LockBusyException>();

            Environment.SetEnvironmentVariable(BuildLock.TokenVariable, build.Owner!.Token);
            using var stage = BuildLock.Acquire(temp.Path, TimeSpan.Zero, _ => { });
            stage.Owner.Should().BeNull("it holds nothing of its own");
        }
        finally
        {
            Environment.SetEnvironmentVariable(BuildLock.TokenVariable, null);
        }

        build.Dispose();
        using var next = BuildLock.Acquire(temp.Path, TimeSpan.Zero, _ => { });
        next.Owner.Should().NotBeNull();
    }
}
