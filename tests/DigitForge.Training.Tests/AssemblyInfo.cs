// libtorch's random generator and thread count are process-wide: a model built by one test while
// another trains would draw from the training run's generator and break its determinism.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
