using System.Net;
using DigitForge.Data.Idx;
using DigitForge.Data.Sources;
using DigitForge.Engine.Hashing;
using DigitForge.Engine.Stages;
using StbImageWriteSharp;

namespace DigitForge.Data.Tests;

public sealed class SourceTests : IDisposable
{
    private readonly TempDirectory temp = new();
    private readonly IStageLog log = new TextStageLog(TextWriter.Null, "test");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Local_file_with_matching_hash_resolves_and_mismatch_names_both_hashes()
    {
        File.WriteAllText(temp.File("a.idx"), "content");
        var resolver = new SourceResolver(temp.Path, new DownloadCache(temp.File("cache")));
        var hash = ContentHash.OfFile(temp.File("a.idx"));

        resolver.Fetch(new FileReference { Path = "a.idx", Sha256 = hash }, log).Should().Be(temp.File("a.idx"));
        var act = () => resolver.Fetch(new FileReference { Path = "a.idx", Sha256 = new string('0', 64) }, log);
        act.Should().Throw<DataFormatException>().WithMessage($"{temp.File("a.idx")}: SHA-256 mismatch: expected {new string('0', 64)}, got {hash}");
    }

    [Fact]
    public void Url_is_downloaded_once_resumed_after_a_cut_and_retried_after_503()
    {
        var body = Enumerable.Range(0, 50_000).Select(i => (byte)(i * 31)).ToArray();
        var sha = ContentHash.OfBytes(body);
        var requests = new List<string>();
        using var server = new LoopbackServer((request, response, number) =>
        {
            requests.Add(request.Headers["Range"] ?? "full");
            if (number == 0)
            {
                response.StatusCode = 503;
                return;
            }

            var offset = request.Headers["Range"] is { } range ? int.Parse(range["bytes=".Length..].TrimEnd('-'), System.Globalization.CultureInfo.InvariantCulture) : 0;
            response.StatusCode = offset > 0 ? 206 : 200;
            // The second request is cut short: the client must resume from what it has.
            var end = number == 1 ? 20_000 : body.Length;
            response.ContentLength64 = body.Length - offset;
            response.OutputStream.Write(body, offset, end - offset);
            if (number == 1)
            {
                response.Abort();
            }
        });
        var cache = new DownloadCache(temp.File("cache"), retryDelay: TimeSpan.FromMilliseconds(10));

        var path = cache.Get(server.Url, sha, log);
        var again = cache.Get(server.Url, sha, log);

        File.ReadAllBytes(path).Should().Equal(body);
        again.Should().Be(path);
        requests.Should().HaveCount(3);
        requests[2].Should().Be("bytes=20000-");
    }

    [Fact]
    public void Url_with_wrong_content_is_not_cached()
    {
        using var server = new LoopbackServer((_, response, _) => response.OutputStream.Write("tampered"u8));
        var cache = new DownloadCache(temp.File("cache"), retryDelay: TimeSpan.FromMilliseconds(10));

        var act = () => cache.Get(server.Url, new string('a', 64), log);

        act.Should().Throw<DataFormatException>().WithMessage($"{server.Url}: SHA-256 mismatch*");
        Directory.GetFiles(temp.File("cache")).Should().BeEmpty();
    }

    [Fact]
    public void Image_folder_reads_png_jpeg_and_bmp_by_label_folder()
    {
        WriteImage("3/a.png", 28, ImageFormat.Png);
        WriteImage("3/b.bmp", 28, ImageFormat.Bmp);
        WriteImage("7/c.jpg", 28, ImageFormat.Jpg);
        File.WriteAllText(temp.File(".hidden"), "ignored");

        var images = ImageFolderSource.Load(temp.Path, 28);

        images.Labels.Should().Equal(3, 3, 7);
        images.Image(0)[28 * 14 + 14].Should().Be(200);
        images.Image(2)[28 * 14 + 14].Should().BeInRange(190, 210);
    }

    [Fact]
    public void Image_folder_rejects_wrong_size_non_images_and_bad_folder_names_naming_the_file()
    {
        WriteImage("1/big.png", 32, ImageFormat.Png);
        var wrongSize = () => ImageFolderSource.Load(temp.Path, 28);
        wrongSize.Should().Throw<DataFormatException>().WithMessage("*big.png: image is 32x32, expected 28x28");

        File.Delete(temp.File("1/big.png"));
        File.WriteAllText(temp.File("1/notes.png"), "not an image");
        var notImage = () => ImageFolderSource.Load(temp.Path, 28);
        notImage.Should().Throw<DataFormatException>().WithMessage("*notes.png: not a readable image*");

        File.Delete(temp.File("1/notes.png"));
        WriteImage("cats/a.png", 28, ImageFormat.Png);
        var badFolder = () => ImageFolderSource.Load(temp.Path, 28);
        badFolder.Should().Throw<DataFormatException>().WithMessage("*a.png: expected to be inside a label folder named 0-9*");
    }

    private enum ImageFormat
    {
        Png,
        Bmp,
        Jpg,
    }

    private void WriteImage(string relative, int size, ImageFormat format)
    {
        var path = temp.File(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var pixels = new byte[size * size];
        pixels[(size / 2 * size) + (size / 2)] = 200;
        for (var i = 0; i < pixels.Length; i++)
        {
            pixels[i] = Math.Abs((i / size) - (size / 2)) < 4 && Math.Abs((i % size) - (size / 2)) < 4 ? (byte)200 : (byte)0;
        }

        using var stream = File.Create(path);
        var writer = new ImageWriter();
        switch (format)
        {
            case ImageFormat.Png:
                writer.WritePng(pixels, size, size, ColorComponents.Grey, stream);
                break;
            case ImageFormat.Bmp:
                writer.WriteBmp(pixels, size, size, ColorComponents.Grey, stream);
                break;
            default:
                writer.WriteJpg(pixels, size, size, ColorComponents.Grey, stream, 100);
                break;
        }
    }
}

/// <summary>An HTTP server on a free loopback port; the handler gets the request number (0-based).</summary>
public sealed class LoopbackServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly Task loop;

    public LoopbackServer(Action<HttpListenerRequest, HttpListenerResponse, int> handler)
    {
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/data.bin");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(() =>
        {
            for (var number = 0; listener.IsListening; number++)
            {
                HttpListenerContext context;
                try
                {
                    context = listener.GetContext();
                }
                catch (HttpListenerException)
                {
                    return;
                }

                try
                {
                    handler(context.Request, context.Response, number);
                    context.Response.Close();
                }
                catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
                {
                    // The handler cut the connection on purpose.
                }
            }
        });
    }

    public Uri Url { get; }

    public void Dispose()
    {
        listener.Stop();
        listener.Close();
        loop.Wait(TimeSpan.FromSeconds(5));
    }

    private static int FreePort()
    {
        var socket = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        var port = ((IPEndPoint)socket.LocalEndpoint).Port;
        socket.Stop();
        return port;
    }
}
