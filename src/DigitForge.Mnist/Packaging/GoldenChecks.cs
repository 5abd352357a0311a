using DigitForge.Engine.Pipelines;
using DigitForge.Inference;
using DigitForge.Inference.Golden;
using DigitForge.Registry.Store;

namespace DigitForge.Mnist.Packaging;

/// <summary>
/// The golden check of each of a version's ONNX models on this CPU, as scoring and serving run it on load.
/// FP32 failing fails the version (it is not the model promoted); an int8 failure is reported but is no failure:
/// scoring and serving fall back to FP32. An unreadable golden set or model is an <see cref="InvalidDataException"/> naming the file.
/// </summary>
public static class GoldenChecks
{
    public static VersionCheck Run(string folder)
    {
        var model = new ModelVersion(0, string.Empty, folder);
        if (!File.Exists(model.GoldenSetPath))
        {
            return new("no golden set (promoted before golden sets were written)", false);
        }

        var set = GoldenSet.Read(model.GoldenSetPath);
        var results = new List<GoldenCheckResult>();
        foreach (var path in new[] { model.OnnxPath, model.Int8OnnxPath }.Where(File.Exists))
        {
            try
            {
                using var onnx = OnnxDigitModel.Load(path);
                if (GoldenCheck.Run(onnx, set, model.GoldenSetPath) is { } result)
                {
                    results.Add(result);
                }
            }
            catch (InvalidOnnxModelException ex)
            {
                throw new InvalidDataException(ex.Message, ex);
            }
        }

        var fp32Failed = results.Any(r => r.Precision == PrecisionChoice.Name(ModelPrecision.Fp32) && !r.Passed);
        var int8Note = results.Any(r => r.Precision == PrecisionChoice.Name(ModelPrecision.Int8) && !r.Passed) && !fp32Failed
            ? "; scoring and serving use fp32 here unless --precision int8 is given (then they refuse)"
            : string.Empty;
        var summary = results.Count == 0 ? "golden set holds no answers for its models" : string.Join("; ", results.Select(r => r.Summary)) + int8Note;
        return new(fp32Failed ? $"{summary}; the fp32 model does not reproduce its golden set on {CpuClass.Current}" : summary, fp32Failed);
    }
}
