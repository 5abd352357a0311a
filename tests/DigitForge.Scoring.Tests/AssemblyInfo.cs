// libtorch's random generator and thread count are process-wide (the model fixture trains), and the
// scoring tests each use both cores; running them one at a time keeps the suite's timing predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
