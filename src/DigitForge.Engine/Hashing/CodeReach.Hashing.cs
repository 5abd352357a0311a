using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace DigitForge.Engine.Hashing;

/// <summary>What is reached, hashed with every token spelled by name; calls and overrides reached on the way.</summary>
public sealed partial class CodeReach
{
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
}
