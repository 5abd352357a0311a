// libtorch's random generator and thread count are process-wide (the model fixture trains), and the
// load tests use both cores; running the classes one at a time keeps the suite's timing predictable.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
