namespace DigitForge.Monitoring;

/// <summary>Where a scorer or the service records each prediction it makes; disposing it stores what is still pending.</summary>
public interface IPredictionLog : IDisposable
{
    /// <summary>Queues one prediction; blocks only while the queue is full (the database is slower than the predictions).</summary>
    void Record(PredictionRecord record);
}
