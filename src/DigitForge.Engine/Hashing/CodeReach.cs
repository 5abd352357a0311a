using System.Collections.Concurrent;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Security.Cryptography;
using System.Text;

namespace DigitForge.Engine.Hashing;

/// <summary>
/// The code a type can reach, read with System.Reflection.Metadata, and its hash per assembly. Our
/// assemblies (see <see cref="IsOwn"/>) are walked member by member: from the root type's methods,
/// through every type, method and field their signatures, attributes and IL name (calls, object
/// creation, field access, ldtoken, lambdas' closures and state machines as they are named there).
/// A reached type brings its static constructor, constructors, property and event accessors (which
/// reflection, e.g. a JSON serialiser, may call) and the virtual methods that a framework type may call
/// (overrides of framework methods, implementations of framework interfaces); a call to one of our
/// virtual or interface methods brings every override and implementation in our assemblies the root's
/// assembly references. Each reached type and method is hashed by its metadata and IL with every token
/// spelled by name, so adding or editing code the root cannot reach changes nothing. Other assemblies
/// the walk reaches, and what they reference, count whole (identity and <see cref="AssemblyCodeHash"/>);
/// the framework's are left to the environment facts (the runtime version).
/// </summary>
public sealed partial class CodeReach
{
    private static readonly ConcurrentDictionary<(string Path, long Size, DateTime Written), CodeModule> Modules = new();
    private static readonly ConcurrentDictionary<(string Path, long Size, DateTime Written), string> WholeHashes = new();
    private static readonly ConcurrentDictionary<(string Own, CodeModule Module, int Token), Memo> Memos = new();
    private static readonly ConcurrentDictionary<(string Own, CodeModule Root), (List<CodeModule> Scope, Dictionary<(CodeModule, TypeDefinitionHandle), List<(CodeModule, TypeDefinitionHandle)>> Subtypes)> Scopes = new();
    private static readonly (OperandType?[] One, OperandType?[] Two) Operands = OperandTable();
    private static readonly string SharedFramework = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(typeof(object).Assembly.Location)!)!)!;
    private static readonly Dictionary<string, string> Platform = PlatformAssemblies();

    private readonly string rootAssembly;
    private readonly string prefix;
    private readonly Dictionary<string, CodeModule?> own = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string?> external = new(StringComparer.Ordinal);
    private readonly HashSet<(CodeModule, TypeDefinitionHandle)> types = [];
    private readonly HashSet<(CodeModule, MethodDefinitionHandle)> methods = [];
    private readonly HashSet<(CodeModule, FieldDefinitionHandle)> dataFields = [];
    private List<Action<CodeReach>>? effects;
    private readonly HashSet<(CodeModule, MethodDefinitionHandle)> slots = [];
    private readonly Dictionary<CodeModule, List<(string Key, byte[] Hash)>> entities = [];
    private readonly Dictionary<CodeModule, CanonicalNames> names = [];
    private readonly Queue<Action> work = new();
    private Dictionary<(CodeModule, TypeDefinitionHandle), List<(CodeModule, TypeDefinitionHandle)>>? subtypes;

    private CodeReach(string rootPath, string prefix)
    {
        this.prefix = prefix;
        var root = Open(rootPath);
        rootAssembly = root.Name;
        own[root.Name] = root;
    }

    /// <summary>Names of our assemblies start with this; any other assembly counts whole.</summary>
    public const string OwnPrefix = "DigitForge.";

    /// <summary>Assembly name to the hash of what the root reaches in it (ours) or of all of it (others).</summary>
    public SortedDictionary<string, string> Hashes { get; } = new(StringComparer.Ordinal);

    /// <summary>Every assembly file the walk read: the hashes hold while none of them changes.</summary>
    public IEnumerable<string> Files => own.Values.OfType<CodeModule>().Select(m => m.Path).Concat(external.Values.OfType<string>()).Distinct().Order(StringComparer.Ordinal);

    /// <summary>Every type of ours reached, as "[Assembly]Namespace.Type/Nested".</summary>
    public SortedSet<string> Types { get; } = new(StringComparer.Ordinal);

    /// <summary>Every method of ours reached, as "[Assembly]Namespace.Type::Name".</summary>
    public SortedSet<string> Methods { get; } = new(StringComparer.Ordinal);

    /// <summary>The walk from the type named <paramref name="typeName"/> (reflection's full name) in the assembly at <paramref name="assemblyPath"/>.</summary>
    /// <param name="prefix">Assemblies whose names start with it are walked type by type (the root's always is).</param>
    public static CodeReach From(string assemblyPath, string typeName, string prefix = OwnPrefix)
    {
        var walk = new CodeReach(assemblyPath, prefix);
        var module = walk.own[walk.rootAssembly]!;
        var root = walk.Find(module, typeName) ?? throw new ArgumentException($"{typeName} is not a type of {assemblyPath}", nameof(typeName));
        walk.ReachType(module, root);
        foreach (var method in module.Reader.GetTypeDefinition(root).GetMethods())
        {
            walk.ReachMethod(module, method);
        }

        walk.Run();
        return walk;
    }

    private bool IsOwn(string assembly) => assembly == rootAssembly || assembly.StartsWith(prefix, StringComparison.Ordinal);

    private void Run()
    {
        while (work.TryDequeue(out var next))
        {
            next();
        }

        foreach (var (module, list) in entities)
        {
            list.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            foreach (var (key, bytes) in list)
            {
                hash.AppendData(Encoding.UTF8.GetBytes(key + "\0"));
                hash.AppendData(bytes);
            }

            hash.AppendData(AssemblyCodeHash.Resources(module.Pe));
            Hashes[module.Name] = Convert.ToHexStringLower(hash.GetHashAndReset());
        }

        // What another assembly references can run when it runs: its whole closure counts.
        var pending = new Queue<string>(external.Keys);
        while (pending.TryDequeue(out var name))
        {
            if (external[name] is not { } path)
            {
                Hashes[name] = "missing";
                continue;
            }

            using var stream = File.OpenRead(path);
            using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
            var reader = pe.GetMetadataReader();
            foreach (var handle in reader.AssemblyReferences)
            {
                var reference = reader.GetString(reader.GetAssemblyReference(handle).Name);
                if (!external.ContainsKey(reference) && !IsOwn(reference) && Locate(reference, Path.GetDirectoryName(path)!) is var located && !IsFramework(reference, located))
                {
                    external[reference] = located;
                    pending.Enqueue(reference);
                }
            }

            Hashes[name] = WholeHash(path, reader.GetAssemblyDefinition().GetAssemblyName().FullName);
        }
    }

    private static string WholeHash(string path, string identity)
    {
        var file = new FileInfo(path);
        return WholeHashes.GetOrAdd((file.FullName, file.Length, file.LastWriteTimeUtc), _ =>
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{identity}\n{AssemblyCodeHash.OfFile(path)}"))));
    }

    internal void ReachType(CodeModule module, TypeDefinitionHandle handle)
    {
        effects?.Add(walk => walk.ReachType(module, handle));
        if (types.Add((module, handle)))
        {
            work.Enqueue(() => Memoized(module, handle, () => HashType(module, handle)));
        }
    }

    private void ReachMethod(CodeModule module, MethodDefinitionHandle handle)
    {
        effects?.Add(walk => walk.ReachMethod(module, handle));
        if (methods.Add((module, handle)))
        {
            work.Enqueue(() => Memoized(module, handle, () => HashMethod(module, handle)));
        }
    }

    /// <summary>Array-initialiser data of the compiler's holder type, reached field by field.</summary>
    private void ReachData(CodeModule module, FieldDefinitionHandle handle)
    {
        effects?.Add(walk => walk.ReachData(module, handle));
        if (dataFields.Add((module, handle)))
        {
            work.Enqueue(() => Memoized(module, handle, () => FieldData(module, handle)));
        }
    }

    /// <summary>
    /// Hashes one type, method or data field once per process for every walk from the same
    /// assembly: a walk that meets it again takes its hash and replays what hashing it reached.
    /// </summary>
    private void Memoized(CodeModule module, EntityHandle handle, Func<Entry> hash)
    {
        var key = ($"{prefix}|{rootAssembly}", module, MetadataTokens.GetToken(handle));
        if (Memos.TryGetValue(key, out var memo))
        {
            foreach (var effect in memo.Effects)
            {
                effect(this);
            }
        }
        else
        {
            effects = [];
            memo = new Memo(hash(), effects);
            effects = null;
            Memos.TryAdd(key, memo);
        }

        if (!entities.TryGetValue(module, out var list))
        {
            entities[module] = list = [];
        }

        list.Add((memo.Entry.Key, memo.Entry.Hash));
        (memo.Entry.Key[0] == 'T' ? Types : memo.Entry.Key[0] == 'M' ? Methods : null)?.Add(memo.Entry.Name);
    }

    internal void ReachReference(CodeModule module, TypeReferenceHandle handle)
    {
        if (Resolve(module, handle) is { } target)
        {
            ReachType(target.Module, target.Type);
        }
        else if (AssemblyOf(module, handle) is { } assembly && (!IsOwn(assembly) || OwnModule(assembly, module) is null))
        {
            // One of ours that is not there is recorded as missing, like any other.
            ReachExternal(assembly, Path.GetDirectoryName(module.Path)!);
        }
    }

    private void ReachExternal(string assembly, string near)
    {
        effects?.Add(walk => walk.ReachExternal(assembly, near));
        if (!external.ContainsKey(assembly) && Locate(assembly, near) is var path && !IsFramework(assembly, path))
        {
            external[assembly] = path;
        }
    }

    /// <summary>A type named in an attribute argument ("Namespace.Type+Nested, Assembly, ..."): reached like one named by a token.</summary>
    internal string ReachSerializedName(CodeModule module, string serialized)
    {
        var comma = serialized.IndexOf(',', StringComparison.Ordinal);
        var typeName = (comma < 0 ? serialized : serialized[..comma]).Trim();
        var assembly = comma < 0 ? null : serialized[(comma + 1)..].Split(',')[0].Trim();
        var target = assembly is null || assembly == module.Name ? module : IsOwn(assembly) ? OwnModule(assembly, module) : null;
        if (assembly is not null && target is null)
        {
            ReachExternal(assembly, Path.GetDirectoryName(module.Path)!);
        }

        if (target is not null && Find(target, typeName) is { } handle)
        {
            ReachType(target, handle);
            return $"[{target.Name}]{target.TypeName(handle)}";
        }

        return $"[{assembly}]{typeName}";
    }

    internal PrimitiveTypeCode EnumUnderlyingType(string type)
    {
        var close = type.IndexOf(']', StringComparison.Ordinal);
        var assembly = type[1..close];
        if (IsOwn(assembly) && OwnModule(assembly, own[rootAssembly]!) is { } module && Find(module, type[(close + 1)..]) is { } handle)
        {
            var reader = module.Reader;
            foreach (var field in reader.GetTypeDefinition(handle).GetFields())
            {
                var definition = reader.GetFieldDefinition(field);
                if ((definition.Attributes & FieldAttributes.Static) == 0)
                {
                    var signature = reader.GetBlobReader(definition.Signature);
                    signature.ReadSignatureHeader();
                    return (PrimitiveTypeCode)signature.ReadSignatureTypeCode();
                }
            }
        }

        // A framework enum: nearly all are int-sized, and a wrong guess only loses the typeof() names after it.
        return PrimitiveTypeCode.Int32;
    }
}
