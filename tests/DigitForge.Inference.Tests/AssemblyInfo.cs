using System.Runtime.CompilerServices;
using DigitForge.Training.Model;

// libtorch's random generator and thread count are process-wide, and the parity tests train.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace DigitForge.Inference.Tests;

internal static class TestAssemblySetup
{
    /// <summary>The OpenMP setting must be in place before libtorch loads.</summary>
#pragma warning disable CA2255
    [ModuleInitializer]
    internal static void Initialize() => TorchRuntime.Configure();
#pragma warning restore CA2255
}
