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

    /// <summary>
    /// The type's name as reflection spells it, nested types after a '/'; an anonymous type by its
    /// properties, since the compiler numbers them across the whole assembly in source order, so
    /// one added anywhere above would rename every one below it.
    /// </summary>
    public string TypeName(TypeDefinitionHandle handle)
    {
        var type = Reader.GetTypeDefinition(handle);
        var name = Reader.GetString(type.Name);
        var declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return $"{TypeName(declaring)}/{name}";
        }

        if (name.StartsWith(AnonymousType, StringComparison.Ordinal) && type.Namespace.IsNil)
        {
            var arity = name.IndexOf('`', StringComparison.Ordinal);
            var properties = type.GetProperties().Select(p => Reader.GetString(Reader.GetPropertyDefinition(p).Name));
            return $"{AnonymousType}{{{string.Join(",", properties)}}}{(arity < 0 ? string.Empty : name[arity..])}";
        }

        return FullName(Reader.GetString(type.Namespace), name);
    }

    private const string AnonymousType = "<>f__AnonymousType";

    public void Dispose() => pe.Dispose();

    private static string FullName(string @namespace, string name) => @namespace.Length == 0 ? name : $"{@namespace}.{name}";
}
