using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace DigitForge.Engine.Hashing;

/// <summary>One of our assemblies, opened for reading its metadata and method bodies.</summary>
internal sealed class CodeModule : IDisposable
{
    private readonly PEReader pe;
    private readonly Dictionary<string, TypeDefinitionHandle> topLevel = new(StringComparer.Ordinal);

    public CodeModule(string path)
    {
        Path = path;
        // The whole image is read in, so no file stays open (a test may delete the folder).
        using (var stream = File.OpenRead(path))
        {
            pe = new PEReader(stream, PEStreamOptions.PrefetchEntireImage | PEStreamOptions.LeaveOpen);
        }

        if (!pe.HasMetadata)
        {
            throw new InvalidDataException($"{path} is not a .NET assembly");
        }

        Reader = pe.GetMetadataReader();
        Name = Reader.GetString(Reader.GetAssemblyDefinition().Name);
        foreach (var handle in Reader.TypeDefinitions)
        {
            var type = Reader.GetTypeDefinition(handle);
            if (!type.GetDeclaringType().IsNil)
            {
                continue;
            }

            topLevel[FullName(Reader.GetString(type.Namespace), Reader.GetString(type.Name))] = handle;
        }
    }

    public string Name { get; }

    public string Path { get; }

    public MetadataReader Reader { get; }

    public PEReader Pe => pe;

    public TypeDefinitionHandle? FindTopLevel(string @namespace, string name) =>
        topLevel.TryGetValue(FullName(@namespace, name), out var handle) ? handle : null;

    public TypeDefinitionHandle? FindNested(TypeDefinitionHandle outer, string name)
    {
        foreach (var nested in Reader.GetTypeDefinition(outer).GetNestedTypes())
        {
            if (Reader.StringComparer.Equals(Reader.GetTypeDefinition(nested).Name, name))
            {
                return nested;
            }
        }

        return null;
    }

    /// <summary>The type's name as reflection spells it, nested types after a '/'.</summary>
    public string TypeName(TypeDefinitionHandle handle)
    {
        var type = Reader.GetTypeDefinition(handle);
        var declaring = type.GetDeclaringType();
        return declaring.IsNil
            ? FullName(Reader.GetString(type.Namespace), Reader.GetString(type.Name))
            : $"{TypeName(declaring)}/{Reader.GetString(type.Name)}";
    }

    public void Dispose() => pe.Dispose();

    private static string FullName(string @namespace, string name) => @namespace.Length == 0 ? name : $"{@namespace}.{name}";
}
