using DigitForge.Engine.Storage;

namespace DigitForge.Engine.Tests;

public sealed class BuildLockTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Second_holder_waits_then_times_out_naming_the_lock()
    {
        var waited = new List<string>();
        using var first = BuildLock.Acquire(temp.Path, TimeSpan.FromSeconds(1), waited.Add);

        var act = () => BuildLock.Acquire(temp.Path, TimeSpan.FromMilliseconds(600), waited.Add);

        act.Should().Throw<IOException>().WithMessage("*.build.lock: another build still holds the lock*");
        waited.Should().ContainSingle().Which.Should().Contain("another build holds");
    }

    [Fact]
    public void Lock_is_free_again_after_dispose()
    {
        BuildLock.Acquire(temp.Path, TimeSpan.FromSeconds(1), _ => { }).Dispose();

        using var again = BuildLock.Acquire(temp.Path, TimeSpan.FromMilliseconds(100), _ => { });

        again.Should().NotBeNull();
    }
}
