// libtorch's random generator and thread count are process-wide, and the parity tests train.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
