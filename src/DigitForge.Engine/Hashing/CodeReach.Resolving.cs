using System.Reflection.Metadata;

namespace DigitForge.Engine.Hashing;

/// <summary>Names in one assembly resolved to our definitions, and assemblies found by name.</summary>
public sealed partial class CodeReach
{
    private (CodeModule Module, TypeDefinitionHandle Type)? BaseOf(CodeModule module, TypeDefinitionHandle type)
    {
        var baseType = module.Reader.GetTypeDefinition(type).BaseType;
        return baseType.IsNil ? null : DefinitionOf(module, baseType);
    }

    /// <summary>The type of ours a type token names (a generic instance's definition), or null for another assembly's.</summary>
    private (CodeModule Module, TypeDefinitionHandle Type)? DefinitionOf(CodeModule module, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.TypeDefinition:
                return (module, (TypeDefinitionHandle)handle);
            case HandleKind.TypeReference:
                return Resolve(module, (TypeReferenceHandle)handle);
            case HandleKind.TypeSpecification:
                var blob = module.Reader.GetBlobReader(module.Reader.GetTypeSpecification((TypeSpecificationHandle)handle).Signature);
                if (blob.ReadSignatureTypeCode() != SignatureTypeCode.GenericTypeInstance)
                {
                    return null;
                }

                blob.ReadSignatureTypeCode();
                return DefinitionOf(module, blob.ReadTypeHandle());
            default:
                return null;
        }
    }

    private static EntityHandle? DeclaringTypeOf(CodeModule module, EntityHandle method) => method.Kind switch
    {
        HandleKind.MethodDefinition => module.Reader.GetMethodDefinition((MethodDefinitionHandle)method).GetDeclaringType(),
        HandleKind.MemberReference => module.Reader.GetMemberReference((MemberReferenceHandle)method).Parent,
        _ => null,
    };

    private (CodeModule Module, TypeDefinitionHandle Type)? Resolve(CodeModule module, TypeReferenceHandle handle)
    {
        var reader = module.Reader;
        var reference = reader.GetTypeReference(handle);
        var scope = reference.ResolutionScope;
        switch (scope.Kind)
        {
            case HandleKind.TypeReference:
                return Resolve(module, (TypeReferenceHandle)scope) is { } outer && outer.Module.FindNested(outer.Type, reader.GetString(reference.Name)) is { } nested
                    ? (outer.Module, nested)
                    : null;
            case HandleKind.AssemblyReference:
                var assembly = reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name);
                return IsOwn(assembly) && OwnModule(assembly, module) is { } target
                    && target.FindTopLevel(reader.GetString(reference.Namespace), reader.GetString(reference.Name)) is { } found
                    ? (target, found)
                    : null;
            default:
                return module.FindTopLevel(reader.GetString(reference.Namespace), reader.GetString(reference.Name)) is { } local ? (module, local) : null;
        }
    }

    private static string? AssemblyOf(CodeModule module, TypeReferenceHandle handle)
    {
        var reader = module.Reader;
        var scope = reader.GetTypeReference(handle).ResolutionScope;
        return scope.Kind switch
        {
            HandleKind.TypeReference => AssemblyOf(module, (TypeReferenceHandle)scope),
            HandleKind.AssemblyReference => reader.GetString(reader.GetAssemblyReference((AssemblyReferenceHandle)scope).Name),
            _ => null,
        };
    }

    private TypeDefinitionHandle? Find(CodeModule module, string fullName)
    {
        var parts = fullName.Split('+', '/');
        var dot = parts[0].LastIndexOf('.');
        var found = module.FindTopLevel(dot < 0 ? string.Empty : parts[0][..dot], parts[0][(dot + 1)..]);
        foreach (var nested in parts.Skip(1))
        {
            found = found is { } outer ? module.FindNested(outer, nested) : null;
        }

        return found;
    }

    private CodeModule? OwnModule(string assembly, CodeModule near)
    {
        if (!own.TryGetValue(assembly, out var module))
        {
            var path = Locate(assembly, Path.GetDirectoryName(near.Path)!);
            own[assembly] = module = path is null ? null : Open(path);
        }

        return module;
    }

    private static CodeModule Open(string path)
    {
        var file = new FileInfo(path);
        return Modules.GetOrAdd((file.FullName, file.Length, file.LastWriteTimeUtc), _ => new CodeModule(file.FullName));
    }

    /// <summary>Beside the assembly that references it first (as the loader probes), else where the running app finds it.</summary>
    private static string? Locate(string assembly, string near)
    {
        var beside = Path.Combine(near, assembly + ".dll");
        return File.Exists(beside) ? beside : Platform.GetValueOrDefault(assembly);
    }

    private static bool IsFramework(string assembly, string? path) => path is null
        ? assembly is "mscorlib" or "netstandard" || assembly.StartsWith("System.", StringComparison.Ordinal)
        : Path.GetFullPath(path).StartsWith(SharedFramework + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    private static Dictionary<string, string> PlatformAssemblies()
    {
        var paths = (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") as string ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        var byAssembly = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            byAssembly.TryAdd(Path.GetFileNameWithoutExtension(path), path);
        }

        return byAssembly;
    }
}
