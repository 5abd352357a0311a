namespace DigitForge.Reporting.Plots;

/// <summary>One training epoch as a training history file records it (the fields the plots use).</summary>
public sealed record EpochPoint(int Epoch, double TrainLoss, double TrainAccuracy, double ValLoss, double ValAccuracy, double LearningRate);
