using System.Globalization;

namespace DigitForge.__Name__;

/// <summary>One observation.</summary>
public sealed record Point(double X, double Y);

/// <summary>The points file Generate writes and Train and Evaluate read: a CSV with the header <c>x,y</c>.</summary>
public static class Points
{
    public const string FileName = "points.csv";

    /// <summary>Every fifth point is the test set; the others train.</summary>
    public static bool IsTest(int index) => index % 5 == 4;

    public static void Write(string path, IEnumerable<Point> points) =>
        File.WriteAllLines(path, ["x,y", .. points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.X:R},{p.Y:R}"))]);

    public static IReadOnlyList<Point> Read(string path) =>
        [.. File.ReadLines(path).Skip(1).Select(line => line.Split(','))
            .Select(p => new Point(double.Parse(p[0], CultureInfo.InvariantCulture), double.Parse(p[1], CultureInfo.InvariantCulture)))];
}
