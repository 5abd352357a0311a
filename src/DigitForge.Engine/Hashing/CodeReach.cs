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
public sealed class CodeReach
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

    // ---- reaching ----

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

    // ---- hashing what is reached ----

    private Entry HashType(CodeModule module, TypeDefinitionHandle handle)
    {
        var reader = module.Reader;
        var type = reader.GetTypeDefinition(handle);
        var spell = Names(module);
        var name = $"[{module.Name}]{module.TypeName(handle)}";
        var text = new EntityText();
        text.Add("type", name, ((int)type.Attributes).ToString(System.Globalization.CultureInfo.InvariantCulture));
        text.Add("base", type.BaseType.IsNil ? "-" : TypeOf(spell, type.BaseType));
        foreach (var implementation in type.GetInterfaceImplementations())
        {
            var @interface = reader.GetInterfaceImplementation(implementation);
            text.Add("interface", TypeOf(spell, @interface.Interface));
            Attributes(spell, text, @interface.GetCustomAttributes());
        }

        var layout = type.GetLayout();
        text.Add("layout", layout.PackingSize.ToString(System.Globalization.CultureInfo.InvariantCulture), layout.Size.ToString(System.Globalization.CultureInfo.InvariantCulture));
        GenericParameters(spell, text, type.GetGenericParameters());
        Attributes(spell, text, type.GetCustomAttributes());

        // The compiler's holder of array-initialiser data gains a field for every array in the
        // assembly; only the fields reached are hashed (FieldData), so unrelated arrays change nothing.
        if (module.TypeName(handle) != "<PrivateImplementationDetails>")
        {
            foreach (var field in type.GetFields())
            {
                Field(module, spell, text, field);
            }
        }

        var isInterface = (type.Attributes & TypeAttributes.Interface) != 0;
        foreach (var property in type.GetProperties())
        {
            var definition = reader.GetPropertyDefinition(property);
            text.Add("property", reader.GetString(definition.Name), ((int)definition.Attributes).ToString(System.Globalization.CultureInfo.InvariantCulture), Signature(definition.DecodeSignature(spell, null)), Constant(reader, definition.GetDefaultValue()));
            Attributes(spell, text, definition.GetCustomAttributes());
            var accessors = definition.GetAccessors();
            ReachAccessors(module, isInterface, [accessors.Getter, accessors.Setter, .. accessors.Others]);
        }

        foreach (var @event in type.GetEvents())
        {
            var definition = reader.GetEventDefinition(@event);
            text.Add("event", reader.GetString(definition.Name), ((int)definition.Attributes).ToString(System.Globalization.CultureInfo.InvariantCulture), TypeOf(spell, definition.Type));
            Attributes(spell, text, definition.GetCustomAttributes());
            var accessors = definition.GetAccessors();
            ReachAccessors(module, isInterface, [accessors.Adder, accessors.Remover, accessors.Raiser, .. accessors.Others]);
        }

        foreach (var method in type.GetMethods())
        {
            var definition = reader.GetMethodDefinition(method);
            var methodName = reader.GetString(definition.Name);
            if (methodName == ".cctor"
                || (!isInterface && (methodName == ".ctor" || ((definition.Attributes & MethodAttributes.Virtual) != 0 && IsFrameworkSlot(module, handle, method)))))
            {
                ReachMethod(module, method);
            }
        }

        // A module initialiser runs when the assembly loads.
        var moduleType = MetadataTokens.TypeDefinitionHandle(1);
        if (handle != moduleType)
        {
            ReachType(module, moduleType);
        }

        return new Entry("T " + name, name, text.Hash());
    }

    private void ReachAccessors(CodeModule module, bool isInterface, IEnumerable<MethodDefinitionHandle> accessors)
    {
        // An interface's accessors are reached by calls, which bring their implementations too.
        foreach (var accessor in accessors.Where(a => !a.IsNil && !isInterface))
        {
            ReachMethod(module, accessor);
        }
    }

    private void Field(CodeModule module, CanonicalNames spell, EntityText text, FieldDefinitionHandle handle)
    {
        var reader = module.Reader;
        var field = reader.GetFieldDefinition(handle);
        text.Add("field", reader.GetString(field.Name), ((int)field.Attributes).ToString(System.Globalization.CultureInfo.InvariantCulture), field.DecodeSignature(spell, null),
            Constant(reader, field.GetDefaultValue()), field.GetOffset().ToString(System.Globalization.CultureInfo.InvariantCulture),
            field.GetMarshallingDescriptor().IsNil ? "-" : Convert.ToHexString(reader.GetBlobBytes(field.GetMarshallingDescriptor())));
        if (field.GetRelativeVirtualAddress() is var rva and not 0)
        {
            text.Add("data", AssemblyCodeHash.FieldDataSize(reader, field) is { } size
                ? Convert.ToHexString(module.Pe.GetSectionData(rva).GetContent(0, size).AsSpan())
                : "unsized");
        }

        Attributes(spell, text, field.GetCustomAttributes());
    }

    private Entry FieldData(CodeModule module, FieldDefinitionHandle handle)
    {
        var text = new EntityText();
        Field(module, Names(module), text, handle);
        var name = $"[{module.Name}]<PrivateImplementationDetails>::{module.Reader.GetString(module.Reader.GetFieldDefinition(handle).Name)}";
        return new Entry("F " + name, name, text.Hash());
    }

    private Entry HashMethod(CodeModule module, MethodDefinitionHandle handle)
    {
        var reader = module.Reader;
        var method = reader.GetMethodDefinition(handle);
        var declaring = method.GetDeclaringType();
        ReachType(module, declaring);
        var spell = Names(module);
        var name = MethodName(module, handle);
        var text = new EntityText();
        text.Add("method", name, ((int)method.Attributes).ToString(System.Globalization.CultureInfo.InvariantCulture), ((int)method.ImplAttributes).ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var parameter in method.GetParameters())
        {
            var definition = reader.GetParameter(parameter);
            text.Add("parameter", definition.SequenceNumber.ToString(System.Globalization.CultureInfo.InvariantCulture), reader.GetString(definition.Name),
                ((int)definition.Attributes).ToString(System.Globalization.CultureInfo.InvariantCulture), Constant(reader, definition.GetDefaultValue()));
            Attributes(spell, text, definition.GetCustomAttributes());
        }

        GenericParameters(spell, text, method.GetGenericParameters());
        Attributes(spell, text, method.GetCustomAttributes());
        foreach (var implementation in reader.GetTypeDefinition(declaring).GetMethodImplementations())
        {
            var definition = reader.GetMethodImplementation(implementation);
            if (definition.MethodBody == (EntityHandle)handle)
            {
                text.Add("implements", MethodToken(spell, definition.MethodDeclaration));
            }
        }

        if (method.RelativeVirtualAddress != 0)
        {
            var body = module.Pe.GetMethodBody(method.RelativeVirtualAddress);
            text.Add("body", body.MaxStack.ToString(System.Globalization.CultureInfo.InvariantCulture), body.LocalVariablesInitialized.ToString());
            if (!body.LocalSignature.IsNil)
            {
                text.Add("locals", string.Join(",", reader.GetStandaloneSignature(body.LocalSignature).DecodeLocalSignature(spell, null)));
            }

            Il(spell, text, body.GetILReader());
            foreach (var region in body.ExceptionRegions)
            {
                text.Add("region", region.Kind.ToString(), $"{region.TryOffset}+{region.TryLength} {region.HandlerOffset}+{region.HandlerLength} {region.FilterOffset}",
                    region.CatchType.IsNil ? "-" : TypeOf(spell, region.CatchType));
            }
        }

        return new Entry("M " + name, $"[{module.Name}]{module.TypeName(declaring)}::{reader.GetString(method.Name)}", text.Hash());
    }

    /// <summary>The IL with every token spelled by name; branch offsets are relative to the method, so they stay put.</summary>
    private void Il(CanonicalNames spell, EntityText text, BlobReader il)
    {
        var bytes = new List<byte>(il.Length);
        while (il.RemainingBytes > 0)
        {
            var first = il.ReadByte();
            bytes.Add(first);
            OperandType? operand;
            if (first == 0xFE)
            {
                var second = il.ReadByte();
                bytes.Add(second);
                operand = Operands.Two[second];
            }
            else
            {
                operand = Operands.One[first];
            }

            switch (operand ?? throw new BadImageFormatException($"unknown IL opcode 0x{first:X2} in {spell.Module.Path}"))
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar:
                    bytes.Add(il.ReadByte());
                    break;
                case OperandType.InlineVar:
                    bytes.AddRange(BitConverter.GetBytes(il.ReadUInt16()));
                    break;
                case OperandType.InlineBrTarget or OperandType.InlineI or OperandType.ShortInlineR:
                    bytes.AddRange(BitConverter.GetBytes(il.ReadInt32()));
                    break;
                case OperandType.InlineI8 or OperandType.InlineR:
                    bytes.AddRange(BitConverter.GetBytes(il.ReadInt64()));
                    break;
                case OperandType.InlineSwitch:
                    var count = il.ReadInt32();
                    bytes.AddRange(BitConverter.GetBytes(count));
                    for (var i = 0; i < count; i++)
                    {
                        bytes.AddRange(BitConverter.GetBytes(il.ReadInt32()));
                    }

                    break;
                case OperandType.InlineString:
                    text.Add("string", spell.Module.Reader.GetUserString(MetadataTokens.UserStringHandle(il.ReadInt32())));
                    bytes.Add(0);
                    break;
                default:
                    text.Add("token", Token(spell, MetadataTokens.EntityHandle(il.ReadInt32())));
                    bytes.Add(0);
                    break;
            }
        }

        text.Add("il", Convert.ToHexString([.. bytes]));
    }

    private string Token(CanonicalNames spell, EntityHandle handle)
    {
        var module = spell.Module;
        switch (handle.Kind)
        {
            case HandleKind.FieldDefinition:
                var field = module.Reader.GetFieldDefinition((FieldDefinitionHandle)handle);
                ReachType(module, field.GetDeclaringType());
                if (module.TypeName(field.GetDeclaringType()) == "<PrivateImplementationDetails>")
                {
                    ReachData(module, (FieldDefinitionHandle)handle);
                }

                return $"[{module.Name}]{module.TypeName(field.GetDeclaringType())}::{module.Reader.GetString(field.Name)}";
            case HandleKind.StandaloneSignature:
                return Signature(module.Reader.GetStandaloneSignature((StandaloneSignatureHandle)handle).DecodeMethodSignature(spell, null));
            case HandleKind.MethodDefinition or HandleKind.MemberReference or HandleKind.MethodSpecification:
                return MethodToken(spell, handle);
            default:
                return TypeOf(spell, handle);
        }
    }

    /// <summary>A method or field named by a token, reached (with the overrides of a virtual method), spelled by name.</summary>
    private string MethodToken(CanonicalNames spell, EntityHandle handle)
    {
        var module = spell.Module;
        var reader = module.Reader;
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                ReachCalled(module, (MethodDefinitionHandle)handle);
                return MethodName(module, (MethodDefinitionHandle)handle);
            case HandleKind.MethodSpecification:
                var specification = reader.GetMethodSpecification((MethodSpecificationHandle)handle);
                return $"{MethodToken(spell, specification.Method)}<{string.Join(",", specification.DecodeSignature(spell, null))}>";
            case HandleKind.MemberReference:
                var member = reader.GetMemberReference((MemberReferenceHandle)handle);
                var name = reader.GetString(member.Name);
                var parent = member.Parent.Kind switch
                {
                    HandleKind.MethodDefinition => MethodToken(spell, member.Parent),
                    HandleKind.ModuleReference => reader.GetString(reader.GetModuleReference((ModuleReferenceHandle)member.Parent).Name),
                    _ => TypeOf(spell, member.Parent),
                };
                var target = member.Parent.Kind is HandleKind.TypeDefinition or HandleKind.TypeReference or HandleKind.TypeSpecification
                    ? DefinitionOf(module, member.Parent)
                    : null;
                if (member.GetKind() == MemberReferenceKind.Field)
                {
                    return $"{parent}::{name}:{member.DecodeFieldSignature(spell, null)}";
                }

                var signature = Signature(member.DecodeMethodSignature(spell, null));
                if (target is { } owner)
                {
                    foreach (var (definingModule, method) in Lookup(owner.Module, owner.Type, name, signature))
                    {
                        ReachCalled(definingModule, method);
                    }
                }

                return $"{parent}::{name} {signature}";
            default:
                throw new BadImageFormatException($"unexpected method token {handle.Kind} in {module.Path}");
        }
    }

    /// <summary>The methods a reference by name and signature means: in the type or the nearest of our base types; all of that name when none matches exactly.</summary>
    private List<(CodeModule Module, MethodDefinitionHandle Method)> Lookup(CodeModule module, TypeDefinitionHandle type, string name, string signature)
    {
        var named = new List<(CodeModule, MethodDefinitionHandle)>();
        for ((CodeModule Module, TypeDefinitionHandle Type)? current = (module, type); current is { } at; current = BaseOf(at.Module, at.Type))
        {
            var reader = at.Module.Reader;
            foreach (var method in reader.GetTypeDefinition(at.Type).GetMethods())
            {
                var definition = reader.GetMethodDefinition(method);
                if (!reader.StringComparer.Equals(definition.Name, name))
                {
                    continue;
                }

                if (Signature(definition.DecodeSignature(Names(at.Module), null)) == signature)
                {
                    return [(at.Module, method)];
                }

                named.Add((at.Module, method));
            }
        }

        return named;
    }

    private void ReachCalled(CodeModule module, MethodDefinitionHandle handle)
    {
        effects?.Add(walk => walk.ReachCalled(module, handle));
        ReachMethod(module, handle);
        var method = module.Reader.GetMethodDefinition(handle);
        if ((method.Attributes & MethodAttributes.Virtual) == 0 || !slots.Add((module, handle)))
        {
            return;
        }

        // A call to one of our virtual or interface methods may land in any override in our assemblies.
        var name = module.Reader.GetString(method.Name);
        var pending = new Queue<(CodeModule, TypeDefinitionHandle)>([(module, method.GetDeclaringType())]);
        var seen = new HashSet<(CodeModule, TypeDefinitionHandle)>();
        while (pending.TryDequeue(out var type))
        {
            foreach (var subtype in Subtypes().GetValueOrDefault(type, []))
            {
                if (!seen.Add(subtype))
                {
                    continue;
                }

                pending.Enqueue(subtype);
                var reader = subtype.Item1.Reader;
                foreach (var candidate in reader.GetTypeDefinition(subtype.Item2).GetMethods())
                {
                    var definition = reader.GetMethodDefinition(candidate);
                    var candidateName = reader.GetString(definition.Name);
                    if ((definition.Attributes & MethodAttributes.Virtual) != 0 && (candidateName == name || candidateName.EndsWith("." + name, StringComparison.Ordinal)))
                    {
                        ReachMethod(subtype.Item1, candidate);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Whether a virtual method may be called by framework code we do not walk: it implements a
    /// framework interface's method, or overrides a method no base type of ours declares.
    /// </summary>
    private bool IsFrameworkSlot(CodeModule module, TypeDefinitionHandle type, MethodDefinitionHandle handle)
    {
        var reader = module.Reader;
        foreach (var implementation in reader.GetTypeDefinition(type).GetMethodImplementations())
        {
            var definition = reader.GetMethodImplementation(implementation);
            if (definition.MethodBody == (EntityHandle)handle)
            {
                return DeclaringTypeOf(module, definition.MethodDeclaration) is not { } declared || DefinitionOf(module, declared) is null;
            }
        }

        var method = reader.GetMethodDefinition(handle);
        if ((method.Attributes & MethodAttributes.NewSlot) != 0)
        {
            // Without reading the framework's interfaces, any of its interfaces might declare this name.
            for ((CodeModule Module, TypeDefinitionHandle Type)? current = (module, type); current is { } at; current = BaseOf(at.Module, at.Type))
            {
                var atReader = at.Module.Reader;
                if (atReader.GetTypeDefinition(at.Type).GetInterfaceImplementations().Any(i => DefinitionOf(at.Module, atReader.GetInterfaceImplementation(i).Interface) is null))
                {
                    return true;
                }
            }

            return false;
        }

        for (var current = BaseOf(module, type); current is { } at; current = BaseOf(at.Module, at.Type))
        {
            var atReader = at.Module.Reader;
            foreach (var candidate in atReader.GetTypeDefinition(at.Type).GetMethods())
            {
                var definition = atReader.GetMethodDefinition(candidate);
                if ((definition.Attributes & MethodAttributes.Virtual) != 0 && atReader.StringComparer.Equals(definition.Name, reader.GetString(method.Name)))
                {
                    return IsFrameworkSlot(at.Module, at.Type, candidate);
                }
            }
        }

        return true;
    }

    private Dictionary<(CodeModule, TypeDefinitionHandle), List<(CodeModule, TypeDefinitionHandle)>> Subtypes()
    {
        if (subtypes is not null)
        {
            return subtypes;
        }

        // The same for every walk from one assembly, so built once per process; each walk still
        // counts the scope's files among those its hashes hold for.
        var root = own[rootAssembly]!;
        var (scope, index) = Scopes.GetOrAdd(($"{prefix}|{rootAssembly}", root), _ => Index(root));
        foreach (var module in scope)
        {
            own.TryAdd(module.Name, module);
        }

        subtypes = index;
        return subtypes;
    }

    private (List<CodeModule> Scope, Dictionary<(CodeModule, TypeDefinitionHandle), List<(CodeModule, TypeDefinitionHandle)>> Subtypes) Index(CodeModule root)
    {
        // Our assemblies the root's references reach: where an override of a call it makes can live.
        var scope = new List<CodeModule> { root };
        for (var i = 0; i < scope.Count; i++)
        {
            var reader = scope[i].Reader;
            foreach (var reference in reader.AssemblyReferences)
            {
                var name = reader.GetString(reader.GetAssemblyReference(reference).Name);
                if (IsOwn(name) && OwnModule(name, scope[i]) is { } module && !scope.Contains(module))
                {
                    scope.Add(module);
                }
            }
        }

        var index = new Dictionary<(CodeModule, TypeDefinitionHandle), List<(CodeModule, TypeDefinitionHandle)>>();
        foreach (var module in scope)
        {
            var reader = module.Reader;
            foreach (var handle in reader.TypeDefinitions)
            {
                var type = reader.GetTypeDefinition(handle);
                IEnumerable<EntityHandle> supertypes = [.. type.BaseType.IsNil ? [] : new[] { type.BaseType }, .. type.GetInterfaceImplementations().Select(i => reader.GetInterfaceImplementation(i).Interface)];
                foreach (var supertype in supertypes)
                {
                    if (DefinitionOf(module, supertype) is { } definition)
                    {
                        if (!index.TryGetValue(definition, out var list))
                        {
                            index[definition] = list = [];
                        }

                        list.Add((module, handle));
                    }
                }
            }
        }

        return (scope, index);
    }

    // ---- resolving names to our definitions ----

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

    // ---- spelling ----

    private CanonicalNames Names(CodeModule module)
    {
        if (!names.TryGetValue(module, out var spell))
        {
            names[module] = spell = new CanonicalNames(this, module);
        }

        return spell;
    }

    private static string TypeOf(CanonicalNames spell, EntityHandle handle)
    {
        var reader = spell.Module.Reader;
        return handle.Kind switch
        {
            HandleKind.TypeDefinition => spell.GetTypeFromDefinition(reader, (TypeDefinitionHandle)handle, 0),
            HandleKind.TypeReference => spell.GetTypeFromReference(reader, (TypeReferenceHandle)handle, 0),
            HandleKind.TypeSpecification => spell.GetTypeFromSpecification(reader, null, (TypeSpecificationHandle)handle, 0),
            _ => throw new BadImageFormatException($"unexpected type token {handle.Kind} in {spell.Module.Path}"),
        };
    }

    private string MethodName(CodeModule module, MethodDefinitionHandle handle)
    {
        var method = module.Reader.GetMethodDefinition(handle);
        return $"[{module.Name}]{module.TypeName(method.GetDeclaringType())}::{module.Reader.GetString(method.Name)} {Signature(method.DecodeSignature(Names(module), null))}";
    }

    private static string Signature(MethodSignature<string> signature) => CanonicalNames.Signature(signature);

    private void Attributes(CanonicalNames spell, EntityText text, CustomAttributeHandleCollection attributes)
    {
        var reader = spell.Module.Reader;
        foreach (var handle in attributes)
        {
            var attribute = reader.GetCustomAttribute(handle);
            text.Add("attribute", MethodToken(spell, attribute.Constructor), Convert.ToHexString(reader.GetBlobBytes(attribute.Value)));
            try
            {
                // Decoding reaches the types its typeof() arguments name.
                attribute.DecodeValue(spell);
            }
            catch (BadImageFormatException)
            {
                // An argument of a framework enum that is not int-sized: its bytes are hashed above all the same.
            }
        }
    }

    private void GenericParameters(CanonicalNames spell, EntityText text, GenericParameterHandleCollection parameters)
    {
        var reader = spell.Module.Reader;
        foreach (var handle in parameters)
        {
            var parameter = reader.GetGenericParameter(handle);
            text.Add("generic", parameter.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), ((int)parameter.Attributes).ToString(System.Globalization.CultureInfo.InvariantCulture));
            foreach (var constraint in parameter.GetConstraints())
            {
                text.Add("constraint", TypeOf(spell, reader.GetGenericParameterConstraint(constraint).Type));
            }

            Attributes(spell, text, parameter.GetCustomAttributes());
        }
    }

    private static string Constant(MetadataReader reader, ConstantHandle handle)
    {
        if (handle.IsNil)
        {
            return "-";
        }

        var constant = reader.GetConstant(handle);
        return $"{constant.TypeCode}:{Convert.ToHexString(reader.GetBlobBytes(constant.Value))}";
    }

    private static (OperandType?[] One, OperandType?[] Two) OperandTable()
    {
        var one = new OperandType?[256];
        var two = new OperandType?[256];
        foreach (var field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            var code = (OpCode)field.GetValue(null)!;
            var value = (ushort)code.Value;
            if (code.Size == 1)
            {
                one[value] = code.OperandType;
            }
            else
            {
                two[value & 0xFF] = code.OperandType;
            }
        }

        return (one, two);
    }

    /// <param name="Key">Sorts the entities of an assembly for its hash: kind and spelled name.</param>
    private sealed record Entry(string Key, string Name, byte[] Hash);

    private sealed record Memo(Entry Entry, List<Action<CodeReach>> Effects);

    /// <summary>An entity's parts, each length-prefixed so no part can run into the next.</summary>
    private sealed class EntityText
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public void Add(params string[] parts)
        {
            foreach (var part in parts)
            {
                var bytes = Encoding.UTF8.GetBytes(part);
                hash.AppendData(BitConverter.GetBytes(bytes.Length));
                hash.AppendData(bytes);
            }
        }

        public byte[] Hash()
        {
            var result = hash.GetHashAndReset();
            hash.Dispose();
            return result;
        }
    }
}
